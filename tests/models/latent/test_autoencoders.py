"""Latent-space autoencoders: a tiny training run of each kind, then every method the pages use."""

import numpy as np
import pytest
import torch

from models.core import checkpoints, data
from models.latent import autoencoders
from models.latent.autoencoders import AutoencoderConfig, LatentModel


def tiny(kind: str, latent_dim: int, **extra) -> AutoencoderConfig:
    return AutoencoderConfig(kind=kind, latent_dim=latent_dim, channels=(8, 16), hidden=32, epochs=2,
                             batch_size=64, codebook_size=16, **extra)


@pytest.fixture(scope="module")
def split():
    test = data.load_shipped("test")
    return data.Split(test.images[:512], test.labels[:512])


@pytest.fixture(scope="module")
def trained(split, tmp_path_factory):
    """One tiny model per kind, trained and saved, then loaded back from disk."""
    root = tmp_path_factory.mktemp("checkpoints")
    mp = pytest.MonkeyPatch()
    mp.setenv(checkpoints.ENV_DIR, str(root))
    torch.set_num_threads(1)
    models, metrics = {}, {}
    for name, config in {"ae": tiny("ae", 2), "vae": tiny("vae", 4), "vq": tiny("vqvae", 4)}.items():
        with checkpoints.staging(name) as out:
            metrics[name] = autoencoders.train(name, out, train_split=split, progress=False, config=config)
        models[name] = LatentModel.load(name)
    yield models, metrics
    mp.undo()


def test_training_writes_metrics(trained):
    _, metrics = trained
    for m in metrics.values():
        assert len(m["train_mse"]) == 2 and m["train_mse"][1] < m["train_mse"][0]  # it learns
        assert 0 < m["test_mse"] < 0.2
    assert metrics["vae"]["test_kl_nats"] > 0 and np.isfinite(metrics["vae"]["test_bpd_bound"])
    vq = metrics["vq"]
    assert sum(vq["codebook_usage"]) == 10_000 * 49 and 1 <= vq["codebook_perplexity"] <= vq["codebook_used"] <= 16
    assert all(1 <= p <= 16 for p in vq["train_perplexity"])


def test_perplexity():
    assert autoencoders.perplexity(np.array([5, 5, 5, 5])) == pytest.approx(4.0)
    assert autoencoders.perplexity(np.array([9, 0, 0, 0])) == pytest.approx(1.0)
    assert autoencoders.codebook_stats(np.array([0, 0, 1, 3]), 4)["codebook_used"] == 3


def test_encode_decode_shapes(trained):
    models, _ = trained
    images = data.load_shipped("test").images[:5]
    for model in models.values():
        enc = model.encode(images)
        assert enc["code"].shape == (5, model.config.code_size)
        assert model.decode(enc["code"]).shape == (5, 28, 28)
        assert model.reconstruct(images).dtype == np.uint8
    assert models["vae"].encode(images)["sigma"].shape == (5, 4)
    assert models["vq"].encode(images)["indices"].shape == (5, 7, 7)
    idx = models["vq"].encode(images)["indices"]
    np.testing.assert_array_equal(models["vq"].decode_indices(idx), models["vq"].reconstruct(images))


def test_map_coordinates(trained):
    models, _ = trained
    images = data.load_shipped("test").images[:50]
    ae = models["ae"]
    np.testing.assert_allclose(ae.to_2d(ae.encode(images)["code"]), ae.encode(images)["code"])
    for model in (models["vae"], models["vq"]):
        points = model.to_2d(model.encode(images)["code"])
        assert points.shape == (50, 2) and points.std(0).min() > 0
        np.testing.assert_allclose(model.to_2d(model.from_2d(points)), points, atol=1e-4)  # PCA plane round trip
        assert model.decode_2d(points[:3]).shape == (3, 28, 28)


def test_prior_samples_are_deterministic(trained):
    models, _ = trained
    for model in models.values():
        a = model.sample(6, seed=4)
        assert a.shape == (6, 28, 28)
        np.testing.assert_array_equal(a, model.sample(6, seed=4))
        assert not np.array_equal(a, model.sample(6, seed=5))


def test_posterior_draws_use_the_reparameterisation(trained):
    models, _ = trained
    image = data.load_shipped("test").images[0]
    draws = models["vae"].posterior_draws(image, n=200, seed=0)
    assert draws["images"].shape == (200, 28, 28)
    np.testing.assert_allclose(draws["z"].mean(0), draws["mu"], atol=4 * draws["sigma"].max() / np.sqrt(200))
    np.testing.assert_allclose(draws["z"].std(0), draws["sigma"], rtol=0.25)
    with pytest.raises(ValueError):
        models["ae"].posterior_draws(image, n=2, seed=0)


def test_interpolation_ends_at_the_reconstructions(trained):
    models, _ = trained
    a, b = data.load_shipped("test").images[:2]
    frames = models["vae"].interpolate(a, b, 10)
    assert frames.shape == (10, 28, 28)
    np.testing.assert_array_equal(frames[[0, -1]], models["vae"].reconstruct(np.stack([a, b])))
    fade = autoencoders.pixel_interpolation(a, b, 5)
    np.testing.assert_array_equal(fade[0], a)
    np.testing.assert_array_equal(fade[-1], b)


def test_every_shipped_name_is_registered():
    from models.registry import TRAINERS

    assert set(autoencoders.SHIPPED) <= set(TRAINERS)
    assert autoencoders.MAIN_VAE in autoencoders.SHIPPED


def test_bad_kind():
    with pytest.raises(ValueError, match="kind"):
        autoencoders.AutoencoderNet(AutoencoderConfig(kind="gan"))
