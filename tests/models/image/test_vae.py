"""Conditional VAE: shapes, determinism, the ELBO bound, a tiny training run."""

import numpy as np
import pytest
import torch

from models.core import checkpoints, data
from models.image import vae


@pytest.fixture(scope="module")
def model():
    return vae.VAE.load()


def test_sampling_is_deterministic_and_conditional(model):
    labels = np.array([1, 1, 7, 7])
    a = model.sample(labels, seed=3)
    assert a.shape == (4, 28, 28) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, model.sample(labels, seed=3))
    z = model.latent(1, seed=3).repeat(2, 1)
    trouser, sneaker = model.decode(z, np.array([1, 7]))
    assert np.abs(trouser.astype(int) - sneaker.astype(int)).mean() > 10  # the label changes the picture


def test_encoder_outputs(model):
    test = data.load_shipped("test")
    mu, logvar = model.encode(test.images[:10], test.labels[:10])
    assert mu.shape == logvar.shape == (10, model.config.latent_dim)
    assert np.all(np.exp(logvar) < 2)  # posteriors are narrower than the N(0, I) prior


def test_bits_per_dim_bound(model):
    test = data.load_shipped("test")
    bpd = model.bits_per_dim(test.images[:200], test.labels[:200])
    assert np.all(np.isfinite(bpd)) and 0 < bpd.mean() < 8
    noise_bpd = model.bits_per_dim(data.noise_images(50, 0), np.zeros(50, dtype=np.int64))
    assert noise_bpd.mean() > bpd.mean() + 1


def test_elbo_terms():
    torch.manual_seed(0)
    net = vae.ConditionalVAE(vae.VAEConfig())
    x = vae.to_unit(data.load_shipped("test").images[:4])
    elbo, rec, kl = net(x, torch.tensor([0, 1, 2, 3]))
    assert torch.allclose(elbo, rec - kl) and torch.all(kl >= 0)
    assert torch.all(vae.bits_per_dim(torch.full((1,), 784 * np.log(256))) == 0)  # 0 nats → 8 bits each


def test_a_refit_prior_keeps_the_networks_and_tightens_the_bound():
    """The refit prior replaces N(μ_y, I) by a Gaussian fitted to the encodings: encoder and decoder stay,
    the KL term (and so the bound) shrinks on the images it was fitted to, and samples stay seeded."""
    torch.manual_seed(0)
    config = vae.VAEConfig(latent_dim=4, channels=(4, 8), hidden=16, prior_rank=4)
    net = vae.ConditionalVAE(config)
    test = data.load_shipped("test")
    images, labels = test.images[:400], test.labels[:400]
    model = vae.VAE(config, net)
    with torch.no_grad():  # encodings away from N(0, I), as after training
        net.enc_fc[-1].bias[:4] += 2.0
    weights = {k: v.clone() for k, v in net.state_dict().items() if not k.startswith("prior")}
    before = model.bits_per_dim(images, labels).mean()
    vae.refit_prior(net, images, labels)
    assert config.prior_refit and net.prior_factor.shape == (10, 4, 4)
    assert model.bits_per_dim(images, labels).mean() < before
    for key, value in net.state_dict().items():
        if not key.startswith("prior"):
            torch.testing.assert_close(value, weights[key], rtol=0, atol=0, msg=key)
    a = model.sample(labels[:5], seed=2)
    np.testing.assert_array_equal(a, model.sample(labels[:5], seed=2))
    again = vae.ConditionalVAE(vae.VAEConfig(**{**config.__dict__}))
    again.load_state_dict(net.state_dict())
    np.testing.assert_array_equal(vae.VAE(again.config, again).sample(labels[:5], seed=2), a)


def test_tiny_training_run(tmp_checkpoints, monkeypatch):
    from models.registry import train

    split = data.load_shipped("train10k")
    small = data.Split(split.images[:256], split.labels[:256])
    monkeypatch.setattr(data, "load_train", lambda prefer_full=True: small)
    metrics = train("vae", epochs=1, device="cpu", progress=False)
    assert len(metrics["train_bpd"]) == 1 and np.isfinite(metrics["test_bpd_bound"])
    assert np.isfinite(metrics["test_bpd_bound_trained_prior"]) and metrics["prior"].startswith("refit")
    assert {p.name for p in (tmp_checkpoints / "vae").iterdir()} == {"config.json", "model.safetensors",
                                                                     "metrics.json"}
    assert vae.VAE.load().sample(np.array([0]), seed=0).shape == (1, 28, 28)

    # `--resume` goes on from the refit checkpoint (its net has the prior's buffers) and refits again
    resumed = train("vae", epochs=1, device="cpu", progress=False, resume=True)
    assert resumed["prior"].startswith("refit") and resumed["epochs"] == 2 and resumed["this_run"]["epochs"] == 1
    assert resumed["train_bpd"][0] == metrics["train_bpd"][0] and resumed["train_bpd"][1] < metrics["train_bpd"][0]


def test_missing_checkpoint(tmp_checkpoints):
    with pytest.raises(checkpoints.CheckpointError):
        vae.VAE.load()
