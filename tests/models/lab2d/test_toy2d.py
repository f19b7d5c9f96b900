"""2-D lab: toy data, user points, divergences, density fitting, and the four live-trained models."""

import numpy as np
import pytest
import torch

from models.lab2d import toy2d
from models.lab2d.toy2d import ToyDataError
from models.lab2d.toy2d_models import FAMILIES, ToyDiffusion, ToyFlow, ToyGAN, ToyVAE, build


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny models run fastest on one thread (and the test machine is shared)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def blobs(n: int, seed: int) -> np.ndarray:
    """The "simple distribution" the models must learn: two tight blobs away from the origin."""
    rng = np.random.default_rng(seed)
    centres = np.array([[1.5, 1.0], [1.5, -1.0]])
    return (centres[rng.integers(0, 2, n)] + 0.25 * rng.standard_normal((n, 2))).astype(np.float32)


# --- data sets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(toy2d.DATASETS))
def test_datasets_are_seeded_float32_points(name):
    a = toy2d.make_dataset(name, 500, seed=3)
    assert a.shape == (500, 2) and a.dtype == np.float32 and np.isfinite(a).all()
    np.testing.assert_array_equal(a, toy2d.make_dataset(name, 500, seed=3))
    assert not np.array_equal(a, toy2d.make_dataset(name, 500, seed=4))
    assert np.abs(a).max() < 4  # the scale the models expect


def test_dataset_shapes_are_what_their_names_say():
    ring = toy2d.ring(4000)
    counts = toy2d.mode_counts(ring, toy2d.ring_centers())
    assert counts.sum() > 0.98 * 4000 and counts.min() > 400  # all eight modes, equally filled
    board = toy2d.checkerboard(4000)
    assert np.abs(board).max() <= 2
    colour = (np.floor(board[:, 0]) + np.floor(board[:, 1])) % 2
    assert len(np.unique(colour)) == 1  # only one colour of square is ever used
    with pytest.raises(ValueError):
        toy2d.make_dataset("swissroll")


# --- the user's own points ------------------------------------------------------------------------


def csv_of(points) -> str:
    return "\n".join(",".join(str(v) for v in row) for row in points)


@pytest.mark.parametrize(("text", "code"), [
    ("", "empty"),
    ("\n  \n", "empty"),
    ("x,y\n", "empty"),
    ("x,y\n" + "1,2\n" * 5 + "1,nan\n" + "3,4\n" * 5, "not_finite"),
    ("x,y\n" + "1,2\n" * 5 + "inf,1\n" + "3,4\n" * 5, "not_finite"),
    ("x,y\n" + "1,2\n" * 5 + "1e999,1\n" + "3,4\n" * 5, "not_finite"),
    ("x,y\n" + "1,2\n" * 5 + "one,two\n" + "3,4\n" * 5, "not_numeric"),
    ("1,2,3\n" * 20, "wrong_columns"),
    ("1\n" * 20, "wrong_columns"),
    ("x,y\n" + "1,2\n" * 9, "too_few"),
    ("1,2\n" * 20, "no_spread"),
])
def test_bad_csvs_are_refused_with_a_code(text, code):
    with pytest.raises(ToyDataError) as info:
        toy2d.validate_points(text)
    assert info.value.code == code


def test_too_many_rows():
    rows = np.random.default_rng(0).standard_normal((toy2d.MAX_ROWS + 1, 2))
    with pytest.raises(ToyDataError) as info:
        toy2d.validate_points("x,y\n" + csv_of(rows))
    assert info.value.code == "too_many_rows" and info.value.params["limit"] == 10_000
    with pytest.raises(ToyDataError, match="too_many_rows"):
        toy2d.validate_points(rows)
    assert toy2d.validate_points(rows[:-1]).shape == (10_000, 2)  # the limit itself is fine


def test_error_says_where():
    with pytest.raises(ToyDataError) as info:
        toy2d.validate_points("x,y\n1,2\n3,abc\n")
    assert info.value.params == {"line": 3, "value": "abc"}


def test_good_csvs_in_several_dialects():
    points = np.random.default_rng(1).standard_normal((12, 2)).round(4)
    for text in ("x,y\n" + csv_of(points), csv_of(points), csv_of(points).replace(",", ";"),
                 csv_of(points).replace(",", "\t"), csv_of(points).replace(",", "  "), "\n" + csv_of(points) + "\n\n"):
        np.testing.assert_allclose(toy2d.validate_points(text), points, rtol=1e-6)
    raw = ("\ufeffx,y\r\n" + csv_of(points).replace("\n", "\r\n")).encode("utf-8")
    np.testing.assert_allclose(toy2d.validate_points(raw), points, rtol=1e-6)


def test_bytes_and_arrays():
    with pytest.raises(ToyDataError, match="not_text"):
        toy2d.validate_points(b"\xff\xfe\x00bad")
    with pytest.raises(ToyDataError, match="too_large"):
        toy2d.validate_points(b"1,2\n" * (toy2d.MAX_CSV_BYTES // 4 + 1))
    with pytest.raises(ToyDataError, match="not_numeric"):
        toy2d.validate_points([["a", "b"]] * 20)
    with pytest.raises(ToyDataError, match="wrong_columns"):
        toy2d.validate_points(np.zeros((20, 2, 1)))
    good = toy2d.validate_points(np.arange(40).reshape(20, 2))
    assert good.dtype == np.float32 and good.shape == (20, 2)


def test_standardise_round_trip():
    x = toy2d.moons(300) * [3.0, 0.5] + [10.0, -4.0]
    z, scaler = toy2d.standardise(x)
    np.testing.assert_allclose(z.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(z.std(0), 1, atol=1e-5)
    np.testing.assert_allclose(scaler.inverse(z), x, atol=1e-4)
    flat, _ = toy2d.standardise(np.c_[np.arange(10.0), np.full(10, 7.0)])  # a constant column stays finite
    assert np.isfinite(flat).all()


# --- divergences ----------------------------------------------------------------------------------


def test_mmd_and_kl_tell_same_from_different():
    a, b = toy2d.ring(800, seed=0), toy2d.ring(800, seed=1)
    moved = b + [0.5, 0.0]
    assert toy2d.mmd(a, a) == pytest.approx(0.0, abs=1e-9)
    assert toy2d.mmd(a, b) < 0.02 < 0.2 < toy2d.mmd(a, moved)
    assert toy2d.kl_kde(a, b) < 0.2 < 1.0 < toy2d.kl_kde(a, moved)


def test_modes_covered_counts_filled_modes():
    centers = toy2d.ring_centers()
    rng = np.random.default_rng(0)

    def around(which, n):
        return centers[rng.choice(which, n)] + 0.05 * rng.standard_normal((n, 2))

    assert toy2d.modes_covered(around(np.arange(8), 800), centers) == 8
    assert toy2d.modes_covered(around([0, 3, 5], 800), centers) == 3  # mode collapse onto three
    halfway = np.pi / 8 * (2 * np.arange(8) + 1)
    between = 2.0 * np.stack([np.cos(halfway), np.sin(halfway)], 1)
    assert toy2d.modes_covered(np.repeat(between, 100, 0), centers) == 0  # all samples fall between modes
    assert toy2d.quality_share(np.repeat(between, 100, 0), centers) == 0
    # a mode with only a handful of samples does not count
    few = np.concatenate([around([0], 795), around([1], 5)])
    assert toy2d.modes_covered(few, centers) == 1
    assert toy2d.mode_counts(few, centers)[1] == 5


# --- probabilistic modelling ----------------------------------------------------------------------


def test_fit_gaussian_is_the_sample_mean_and_covariance():
    x = np.random.default_rng(0).multivariate_normal([1, -2], [[2, 0.5], [0.5, 1]], 4000)
    fit = toy2d.fit_gaussian(x)
    np.testing.assert_allclose(fit.means[0], x.mean(0), atol=1e-9)
    np.testing.assert_allclose(fit.covs[0], np.cov(x.T, bias=True), atol=1e-5)
    moved = toy2d.Mixture(fit.weights, fit.means + 0.5, fit.covs)
    assert toy2d.log_likelihood(fit, x) > toy2d.log_likelihood(moved, x)  # the MLE beats a nearby guess
    standard = toy2d.Mixture(np.ones(1), np.zeros((1, 1)), np.ones((1, 1, 1)))
    assert toy2d.log_density(standard, np.zeros(1))[0] == pytest.approx(-0.5 * np.log(2 * np.pi))


def test_fit_mixture_finds_two_clusters():
    x = blobs(1000, seed=0)
    two, one = toy2d.fit_mixture(x, 2, seed=0), toy2d.fit_gaussian(x)
    assert sorted(two.means[:, 1].round(1).tolist()) == pytest.approx([-1.0, 1.0], abs=0.1)
    assert two.weights.sum() == pytest.approx(1.0)
    assert toy2d.log_likelihood(two, x) > toy2d.log_likelihood(one, x) + 0.5
    assert toy2d.log_likelihood(two, x, average=False) == pytest.approx(1000 * toy2d.log_likelihood(two, x))
    one_d = toy2d.fit_mixture(np.r_[np.full(50, -3.0), np.full(50, 3.0)] + np.random.default_rng(0).normal(0, .1, 100),
                              2, seed=1)
    assert sorted(one_d.means[:, 0].round(0).tolist()) == [-3.0, 3.0]
    with pytest.raises(ValueError):
        toy2d.fit_mixture(x[:3], 5)


def test_sampling_continuous_and_categorical():
    fit = toy2d.fit_mixture(blobs(1000, seed=0), 2, seed=0)
    drawn = toy2d.sample_mixture(fit, 4000, seed=1)
    assert drawn.shape == (4000, 2) and toy2d.mmd(drawn[:1000], blobs(1000, seed=2)) < 0.02
    np.testing.assert_array_equal(drawn, toy2d.sample_mixture(fit, 4000, seed=1))
    probs = toy2d.softmax(np.array([2.0, 1.0, 0.0]))
    assert probs.sum() == pytest.approx(1.0) and probs[0] > probs[1] > probs[2]
    assert toy2d.softmax(np.array([2.0, 1.0, 0.0]), temperature=0.1)[0] > 0.99 > probs[0]
    tokens = toy2d.sample_categorical(probs, 20000, seed=0)
    np.testing.assert_allclose(np.bincount(tokens, minlength=3) / 20000, probs, atol=0.015)
    with pytest.raises(ValueError):
        toy2d.sample_categorical(np.array([0.5, -0.1]), 3)


# --- the four models ------------------------------------------------------------------------------

STEPS = 800


@pytest.fixture(scope="module")
def trained():
    """Each family trained briefly on the blobs, with its MMD to fresh data before and after."""
    data, fresh = blobs(1000, seed=0), blobs(1000, seed=1)
    out = {}
    for family in FAMILIES:
        model = build(family, seed=0)
        before = toy2d.mmd(model.sample(1000, seed=9), fresh)
        history = model.train_steps(data, STEPS)
        out[family] = (model, before, toy2d.mmd(model.sample(1000, seed=9), fresh), history)
    return out


@pytest.mark.parametrize("family", list(FAMILIES))
def test_each_model_learns_the_blobs(trained, family):
    model, before, after, history = trained[family]
    assert model.steps == STEPS and len(history) == STEPS
    assert all(np.isfinite(v) for step in history for v in step.values())
    assert after < 0.2 * before and after < 0.08, f"{family}: MMD {before:.3f} -> {after:.3f}"
    sample = model.sample(1000, seed=9)
    assert sample.shape == (1000, 2)
    assert toy2d.modes_covered(sample, [[1.5, 1.0], [1.5, -1.0]], radius=0.75) == 2


@pytest.mark.parametrize("family", list(FAMILIES))
def test_models_are_deterministic(family):
    data = blobs(500, seed=0)
    state = torch.random.get_rng_state()
    a, b, c = build(family, seed=5), build(family, seed=5), build(family, seed=6)
    assert torch.equal(state, torch.random.get_rng_state())  # the global RNG is left alone
    losses = [m.train_steps(data, 10) for m in (a, b, c)]
    assert losses[0] == losses[1] and losses[0] != losses[2]
    np.testing.assert_array_equal(a.sample(50, seed=1), b.sample(50, seed=1))
    assert not np.array_equal(a.sample(50, seed=1), a.sample(50, seed=2))


def test_build_rejects_unknown_family():
    with pytest.raises(ValueError):
        build("pixelcnn")


def test_gan_views(trained):
    gan: ToyGAN = trained["gan"][0]
    xs, ys = np.linspace(-3, 3, 7), np.linspace(-3, 3, 5)
    grid = gan.discriminator_grid(xs, ys)
    assert grid.shape == (5, 7) and ((grid > 0) & (grid < 1)).all()
    z = gan.latent(200, seed=0)
    pushes = gan.generator_gradients(z)
    np.testing.assert_allclose(pushes["points"], gan.sample(200, seed=0), atol=1e-6)
    # a small move along the arrows makes the discriminator call the points more "real"
    unit = pushes["directions"] / (np.linalg.norm(pushes["directions"], axis=1, keepdims=True) + 1e-12)

    def p_real(points):
        with torch.no_grad():
            return torch.sigmoid(gan.discriminator(torch.as_tensor(points, dtype=torch.float32))).numpy()

    assert (p_real(pushes["points"] + 0.01 * unit) > p_real(pushes["points"])).mean() > 0.9


def test_vae_views(trained):
    vae: ToyVAE = trained["vae"][0]
    x = blobs(200, seed=3)
    z = vae.encode(x)
    assert z.shape == (200, vae.config.latent)
    decoded = vae.decode(z)
    assert decoded.shape == (200, 2)
    assert np.linalg.norm(decoded - x, axis=1).mean() < 0.5  # the code keeps where the point was


def test_flow_is_invertible_and_normalised(trained):
    flow: ToyFlow = trained["flow"][0]
    x = blobs(300, seed=4)
    z, log_det = flow.forward(x)
    back, inverse_log_det = flow.inverse(z)
    np.testing.assert_allclose(back, x, atol=1e-4)
    np.testing.assert_allclose(inverse_log_det, -log_det, atol=1e-4)
    # log|det J| is the exact Jacobian determinant of f
    jac = torch.autograd.functional.jacobian(lambda p: flow._forward(p[None])[0][0], torch.as_tensor(x[0]))
    assert log_det[0] == pytest.approx(np.log(abs(np.linalg.det(jac.numpy()))), abs=1e-4)
    # the density integrates to 1 (the blobs sit well inside [-3, 5] × [-4, 4])
    xs, ys = np.linspace(-3, 5, 321), np.linspace(-4, 4, 321)
    density = flow.density_grid(xs, ys)
    assert density.shape == (321, 321)
    assert density.sum() * (xs[1] - xs[0]) * (ys[1] - ys[0]) == pytest.approx(1.0, abs=0.03)
    assert flow.log_prob(x).mean() > flow.log_prob(-x).mean() + 5  # more likely on the data than off it


def test_untrained_flow_is_the_standard_gaussian():
    flow = ToyFlow(seed=1)
    x = np.random.default_rng(0).standard_normal((50, 2)).astype(np.float32)
    np.testing.assert_allclose(flow.log_prob(x), -0.5 * (x**2).sum(1) - np.log(2 * np.pi), atol=1e-5)


def test_diffusion_views(trained):
    model: ToyDiffusion = trained["diffusion"][0]
    x = blobs(2000, seed=5)
    last = model.config.num_train_timesteps - 1
    assert (model.noise(x, 0, seed=1) - x).std() < 0.05  # t = 0: almost clean
    noisy = model.noise(x, last, seed=1)
    assert abs(np.corrcoef(noisy[:, 1], x[:, 1])[0, 1]) < 0.1 and noisy.std() == pytest.approx(1.0, abs=0.1)
    np.testing.assert_array_equal(model.noise(x, 50, seed=1), model.noise(x, 50, seed=1))
    with pytest.raises(ValueError):
        model.noise(x, last + 1)
    schedule = model.schedule()
    assert (np.diff(schedule["signal"]) < 0).all() and schedule["signal"][-1] < 0.05
    paths = model.trajectories(5, seed=2, steps=20)
    assert paths["x"].shape == (21, 5, 2) and list(paths["timesteps"]) == sorted(paths["timesteps"], reverse=True)
    np.testing.assert_array_equal(paths["x"][-1], model.sample(5, seed=2, steps=20))
    ddim = model.sample(500, seed=3, steps=10, sampler="ddim")
    assert toy2d.mmd(ddim, x[:500]) < 0.05
    # at a mid noise level the arrows around the data point back towards it
    ring = 1.5 + 3.0 * np.stack([np.cos(np.linspace(0, 2 * np.pi, 16)), np.sin(np.linspace(0, 2 * np.pi, 16))], 1)
    arrows = model.vector_field(ring - [0, 0], t=50)
    towards = ((arrows * ([1.5, 0.0] - ring)).sum(1) > 0).mean()
    assert arrows.shape == (16, 2) and towards > 0.9
