"""The normalizing flow: invertibility, exact log-determinants, the wrapper's contract, the shipped
model's likelihoods and the training pipeline."""

import dataclasses
import math

import numpy as np
import pytest
import torch

from models.core import checkpoints, data
from models.image import flow

TINY = flow.FlowConfig(couplings=2, hidden=8, blocks=1)


@dataclasses.dataclass
class FastConfig(flow.FlowConfig):
    """Defaults for the pipeline test: a small network that learns within a few steps."""

    couplings: int = 2
    hidden: int = 16
    batch_size: int = 32
    warmup_steps: int = 1


def randomize(module: torch.nn.Module, scale: float = 0.05, seed: int = 0) -> torch.nn.Module:
    """Perturb every parameter, zero-initialised output layers included, so no layer is the identity."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(scale * torch.randn(p.shape, generator=gen, dtype=p.dtype))
    return module


@pytest.fixture(scope="module")
def test_split():
    return data.load_shipped("test")


@pytest.fixture(scope="module")
def tiny():
    torch.manual_seed(0)
    return flow.Flow(TINY, randomize(flow.FlowNet(TINY)))


@pytest.fixture(scope="module")
def shipped():
    return flow.Flow.load()


def brute_force_logdet(fn, x: torch.Tensor) -> float:
    """log|det J| of fn at x (batch of one) from the full autograd Jacobian, in float64."""
    jac = torch.autograd.functional.jacobian(lambda t: fn(t.view_as(x)).reshape(-1), x.reshape(-1),
                                             vectorize=True)
    return float(torch.linalg.slogdet(jac)[1])


# --------------------------------------------------------------------------- random flows
def test_squeeze_round_trip():
    x = torch.randn(2, 3, 6, 4)
    s = flow.squeeze(x)
    assert s.shape == (2, 12, 3, 2)
    torch.testing.assert_close(flow.unsqueeze(s), x, rtol=0, atol=0)
    assert not torch.equal(s.reshape(-1), x.reshape(-1))  # really rearranges


def test_random_flow_is_invertible(tiny, test_split):
    images = test_split.images[:32]
    assert tiny.round_trip_error(images) <= 1e-4
    np.testing.assert_array_equal(tiny.decode(tiny.encode(images)), images)
    z = tiny.encode(images)
    assert z.shape == (32, 784) and z.dtype == torch.float32
    # the random network is not the identity in disguise
    v = flow.dequantize_centre(images).reshape(32, -1)
    assert float((z - torch.logit(0.05 + 0.9 * v)).abs().max()) > 1e-2


@pytest.mark.parametrize("sigmoid", [False, True])
def test_coupling_logdet_matches_jacobian(sigmoid):
    torch.manual_seed(1)
    layer = randomize(flow.AffineCoupling(4, hidden=8, blocks=1, sigmoid=sigmoid), scale=0.3).double()
    x = torch.randn(1, 4, 3, 3, dtype=torch.float64)
    with torch.no_grad():
        y, logdet = layer(x)
    assert abs(float(logdet[0])) > 1e-2  # a non-trivial scale
    assert float(logdet[0]) == pytest.approx(brute_force_logdet(lambda t: layer(t)[0], x), abs=1e-8)
    torch.testing.assert_close(layer.inverse(y), x)


@pytest.mark.parametrize("split", [True, False])
def test_whole_flow_logdet_matches_jacobian(split):
    """v (784 pixels) → z (784): the logit step, ActNorm, 1×1 convs and couplings together."""
    torch.manual_seed(2)
    config = flow.FlowConfig(couplings=1, hidden=4, blocks=1, split=split)
    net = randomize(flow.FlowNet(config), scale=0.1).double().eval()
    v = torch.rand(1, 1, 28, 28, dtype=torch.float64)
    with torch.no_grad():
        _, logdet = net.encode(v)
    expected = brute_force_logdet(lambda t: net.encode(t)[0], v)
    assert float(logdet[0]) == pytest.approx(expected, abs=1e-6)


def test_identity_flow_density_by_hand():
    """An untrained flow with identity 1×1 convs is just the logit step and a standard-normal prior."""
    net = flow.FlowNet(TINY).double().eval()  # zero-init couplings, ActNorm not initialised
    for step in (s for level in net.levels for s in level):
        step.mix.weight.data = torch.eye(step.mix.weight.shape[0], dtype=torch.float64)
    v = torch.full((1, 1, 28, 28), 0.5, dtype=torch.float64)
    # z = logit(0.5) = 0; log N(0; 0, 1) = −½ log 2π per dim; logit log-det = log(0.9) − 2·log(0.5)
    expected = 784 * (-0.5 * math.log(2 * math.pi) + math.log(0.9) - 2 * math.log(0.5))
    with torch.no_grad():
        log_density, bpd = float(net.log_density(v, torch.tensor([3]))[0]), float(net(v, torch.tensor([3]))[0])
    assert log_density == pytest.approx(expected, rel=1e-12)
    assert bpd == pytest.approx(8 - expected / (784 * math.log(2)), rel=1e-12)


def test_wrapper_shapes_dtypes_and_bpd_formulas(tiny, test_split):
    images, labels = test_split.images[:20], test_split.labels[:20]
    log_probs = tiny.log_prob_per_class(images)
    assert log_probs.shape == (20, 10) and np.isfinite(log_probs).all()
    bpd = tiny.bits_per_dim(images, labels)
    assert bpd.shape == (20,) and np.isfinite(bpd).all()
    np.testing.assert_allclose(bpd, -log_probs[np.arange(20), labels] / (784 * np.log(2)), rtol=1e-12)
    mixture = np.log(np.exp(log_probs - log_probs.max(1, keepdims=True)).mean(1)) + log_probs.max(1)
    np.testing.assert_allclose(tiny.bits_per_dim(images), -mixture / (784 * np.log(2)), rtol=1e-10)
    # the torch loss (training path) agrees with the wrapper
    with torch.inference_mode():
        torch_bpd = tiny.net(flow.dequantize_centre(images), torch.from_numpy(labels)).numpy()
    np.testing.assert_allclose(torch_bpd, bpd, rtol=1e-5)
    samples = tiny.sample(np.arange(12) % 10, seed=0)
    assert samples.shape == (12, 28, 28) and samples.dtype == np.uint8
    with pytest.raises(ValueError):
        tiny.sample(np.array([10]), seed=0)
    with pytest.raises(ValueError):
        tiny.bits_per_dim(images, labels[:5])


def test_same_seed_same_samples(tiny):
    labels = np.array([0, 3, 3, 9])
    a, b = tiny.sample(labels, seed=7), tiny.sample(labels, seed=7)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, tiny.sample(labels, seed=8))


def test_temperature_zero_gives_the_class_mean(tiny):
    with torch.no_grad():
        tiny.net.prior_mean[3] = torch.linspace(-2, 2, 784)
    try:
        a = tiny.sample(np.array([3, 3]), seed=0, temperature=0.0)
        b = tiny.sample(np.array([3]), seed=99, temperature=0.0)
        np.testing.assert_array_equal(a[0], a[1])
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(b, tiny.decode(tiny.net.prior_mean[3:4].detach()))
        assert not np.array_equal(b, tiny.sample(np.array([3]), seed=0, temperature=1.0))
    finally:
        with torch.no_grad():
            tiny.net.prior_mean[3] = 0


def test_a_refit_prior_fits_the_latents_and_keeps_the_flow(test_split):
    """Refitting the prior moves only the prior: the same flow, a better density on the images it was fitted
    to, seeded samples along the fitted directions, and a checkpoint that loads again to the same numbers."""
    torch.manual_seed(0)
    config = dataclasses.replace(TINY, prior_rank=8)
    model = flow.Flow(config, randomize(flow.FlowNet(config)))
    images, labels = test_split.images[:300], test_split.labels[:300]
    flow_weights = {k: v.clone() for k, v in model.net.state_dict().items() if not k.startswith("prior")}
    before = model.bits_per_dim(images, labels).mean()
    plain = model.sample(labels[:6], seed=4)
    flow.refit_prior(model.net, images, labels)
    assert model.config.prior_refit and model.net.prior_factor.shape == (10, 8, 784)
    assert model.bits_per_dim(images, labels).mean() < before - 0.1
    for key, value in model.net.state_dict().items():
        if not key.startswith("prior"):
            torch.testing.assert_close(value, flow_weights[key], rtol=0, atol=0, msg=key)
    refit = model.sample(labels[:6], seed=4)
    np.testing.assert_array_equal(refit, model.sample(labels[:6], seed=4))
    assert not np.array_equal(refit, plain)
    # z = μ_y at temperature 0, with or without main directions
    np.testing.assert_array_equal(model.sample(labels[:1], seed=9, temperature=0.0),
                                  model.decode(model.net.prior_mean[labels[:1]].detach()))

    saved = flow.FlowConfig.from_dict(dataclasses.asdict(model.config))
    again = flow.FlowNet(saved)
    again.load_state_dict(model.net.state_dict())
    reloaded = flow.Flow(saved, again)
    np.testing.assert_array_equal(reloaded.sample(labels[:6], seed=4), refit)
    np.testing.assert_allclose(reloaded.bits_per_dim(images[:20], labels[:20]),
                               model.bits_per_dim(images[:20], labels[:20]), rtol=1e-6)


# --------------------------------------------------------------------------- the shipped model
def test_shipped_model_likelihoods(shipped, test_split):
    images, labels = test_split.images[:200], test_split.labels[:200]
    bpd = shipped.bits_per_dim(images, labels)
    assert np.isfinite(bpd).all() and bpd.mean() < 8
    metrics = checkpoints.load_metrics(flow.NAME)
    assert bpd.mean() == pytest.approx(metrics["test_bpd"], abs=0.15)  # a 200-image estimate of 2.93
    log_probs = shipped.log_prob_per_class(images)
    np.testing.assert_allclose(-log_probs[np.arange(200), labels] / (784 * np.log(2)), bpd, rtol=1e-12)
    wrong = -log_probs[np.arange(200), (labels + 1) % 10] / (784 * np.log(2))
    assert wrong.mean() > bpd.mean() + 0.02  # measured: 3.07 vs 2.93 on the whole test split
    # p(x) = mean_y p(x|y) ≥ p(x|y_true)/10, so the mixture costs at most log2(10)/784 bits more
    mixture = np.log(np.exp(log_probs - log_probs.max(1, keepdims=True)).mean(1)) + log_probs.max(1)
    assert np.all(-mixture / (784 * np.log(2)) <= bpd + np.log2(10) / 784 + 1e-9)
    # Bayes' rule with the flow's likelihoods classifies far better than chance (0.88 measured)
    assert (log_probs.argmax(1) == labels).mean() > 0.6
    assert shipped.bits_per_dim(data.noise_images(10, seed=0)).min() > bpd.max()  # noise ~9 bits/dim


def test_shipped_model_round_trip_and_sampling(shipped, test_split):
    images = test_split.images[:50]
    assert shipped.round_trip_error(images) <= 1e-4
    np.testing.assert_array_equal(shipped.decode(shipped.encode(images)), images)
    labels = np.arange(16) % 10
    samples = shipped.sample(labels, seed=1, temperature=0.7)
    assert samples.shape == (16, 28, 28) and samples.dtype == np.uint8
    assert samples.std() > 10  # not blank


def test_shipped_actnorm_is_initialised(shipped):
    norms = [m for m in shipped.net.modules() if isinstance(m, flow.ActNorm)]
    assert norms and all(float(m.initialized[0]) == 1.0 for m in norms)


# --------------------------------------------------------------------------- training and loading
def test_training_pipeline(tmp_checkpoints, monkeypatch, test_split):
    from models.registry import train

    tiny_train = data.Split(test_split.images[:192], test_split.labels[:192])
    tiny_test = data.Split(test_split.images[-100:], test_split.labels[-100:])
    monkeypatch.setattr(data, "load_train", lambda prefer_full=True: tiny_train)
    monkeypatch.setattr(data, "load_shipped", lambda split="test", directory=None: tiny_test)
    monkeypatch.setattr(flow, "FlowConfig", FastConfig)

    metrics = train(flow.NAME, epochs=1, device="cpu", progress=False)
    files = sorted(p.name for p in (tmp_checkpoints / flow.NAME).iterdir())
    assert files == ["config.json", "metrics.json", "model.safetensors"]
    assert set(checkpoints.read_manifest(tmp_checkpoints)) == {f"{flow.NAME}/{f}" for f in files}
    for key in ("train_bpd", "test_bpd", "test_bpd_unconditional", "epochs", "wall_time_s", "device",
                "train_images", "parameters"):
        assert key in metrics, key
    assert len(metrics["train_bpd"]) == 1 and metrics["epochs"] == 1 and metrics["train_images"] == 192
    assert np.isfinite(metrics["test_bpd_trained_prior"]) and metrics["prior"].startswith("refit")
    assert np.isfinite(metrics["test_bpd"]) and metrics["round_trip_error"] <= 1e-4

    reloaded = flow.Flow.load()
    assert metrics["parameters"] == sum(p.numel() for p in reloaded.net.parameters())
    bpd = reloaded.bits_per_dim(tiny_test.images, tiny_test.labels)
    assert bpd.mean() == pytest.approx(metrics["test_bpd"], abs=1e-4)
    assert reloaded.bits_per_dim(tiny_test.images).mean() == pytest.approx(metrics["test_bpd_unconditional"],
                                                                           abs=1e-4)
    # ActNorm was initialised from data and stays put after loading, even in train mode
    before = {k: v.clone() for k, v in reloaded.net.state_dict().items()}
    reloaded.net.train()
    with torch.no_grad():
        reloaded.net(flow.dequantize_centre(tiny_test.images[:8]) * 0.5, torch.zeros(8, dtype=torch.long))
    for key, value in reloaded.net.state_dict().items():
        torch.testing.assert_close(value, before[key], rtol=0, atol=0, msg=key)

    resumed = train(flow.NAME, epochs=1, device="cpu", resume=True, progress=False)
    assert resumed["train_bpd"][1] < metrics["train_bpd"][0]  # continued, did not start over
    assert resumed["train_bpd"][:1] == metrics["train_bpd"] and resumed["epochs"] == 2  # one record of both runs


def test_missing_checkpoint_raises(tmp_checkpoints):
    with pytest.raises(checkpoints.CheckpointError, match="python -m models train flow"):
        flow.Flow.load()
