"""The class-conditional GAN: the shipped generator and discriminator, snapshots, training pipeline."""

import json

import numpy as np
import pytest
import torch

from models.basics import overview
from models.core import checkpoints, data
from models.image import gan


@pytest.fixture(scope="module")
def model():
    return gan.GAN.load()


@pytest.fixture
def tiny_split(monkeypatch):
    """128 real images (a few batches) instead of the 60k split, so one epoch takes a second."""
    shipped = data.load_shipped("train10k")
    split = data.Split(shipped.images[:128], shipped.labels[:128])
    monkeypatch.setattr(data, "load_train", lambda *args, **kwargs: split)
    return split


def test_shapes_and_dtypes(model):
    z = model.latent(5, seed=0)
    assert z.shape == (5, model.config.z_dim) and z.dtype == torch.float32
    images = model.decode(z, np.arange(5))
    assert images.shape == (5, 28, 28) and images.dtype == np.uint8
    samples = model.sample(np.arange(16) % 10, seed=0)
    assert samples.shape == (16, 28, 28) and samples.dtype == np.uint8
    assert samples.std() > 20  # images, not a constant
    # dataset convention: black (0) background, so the border is mostly dark
    border = np.concatenate([samples[:, 0, :], samples[:, -1, :], samples[:, :, 0], samples[:, :, -1]], axis=1)
    assert np.median(border) < 30


def test_sample_is_decode_of_latent(model):
    labels = np.array([3, 1, 4, 1, 5])
    np.testing.assert_array_equal(model.sample(labels, seed=9), model.decode(model.latent(5, seed=9), labels))


def test_same_seed_same_images_different_seed_different(model):
    labels = np.arange(10)
    a, b = model.sample(labels, seed=7), model.sample(labels, seed=7)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, model.sample(labels, seed=8))
    # an image depends only on its own z and label, not on the rest of the batch (BN in eval mode)
    np.testing.assert_array_equal(model.decode(model.latent(10, seed=7)[:3], labels[:3]), a[:3])


def test_labels_are_honoured(model):
    n = 64
    trousers = model.sample(np.full(n, 1), seed=0).astype(np.float32)
    bags = model.sample(np.full(n, 8), seed=0).astype(np.float32)
    # same noise, different label: clearly different pictures on average
    assert np.abs(trousers.mean(0) - bags.mean(0)).mean() > 40  # measured: 83
    # and an independent classifier recognises most samples as the class asked for
    labels = np.repeat(np.arange(10), 20)
    predicted = overview.Classifier.load().predict_proba(model.sample(labels, seed=1)).argmax(1)
    assert (predicted == labels).mean() >= 0.8  # measured: 0.885 (0.86 on real test images)


def test_bad_labels_are_rejected(model):
    with pytest.raises(ValueError):
        model.sample(np.array([0, 10]), seed=0)
    with pytest.raises(ValueError):
        model.decode(model.latent(3, seed=0), np.arange(2))


def test_discriminator_scores(model):
    test = data.load_shipped("test")
    real = model.discriminate(test.images[:64], test.labels[:64])
    assert real.shape == (64,) and np.all(np.isfinite(real))
    fake = model.discriminate(model.sample(test.labels[:64], seed=0), test.labels[:64])
    assert fake.shape == (64,) and np.all(np.isfinite(fake))
    # D tells real images from its generator's (measured: 1.37 vs 0.70 on 500 images). It was never shown
    # anything else, so scores of off-distribution inputs (uniform noise, wrong labels) mean nothing.
    assert real.mean() > fake.mean() + 0.2
    assert np.all(np.isfinite(model.discriminate(data.noise_images(8, seed=0), np.arange(8))))


def test_shipped_snapshots_and_metrics(model):
    snapshots = gan.load_snapshots()
    metrics = checkpoints.load_metrics(gan.NAME)
    assert snapshots.dtype == np.uint8 and snapshots.shape == (metrics["epochs"], 16, 28, 28)
    assert metrics["epochs"] == len(metrics["g_loss"]) == len(metrics["d_loss"]) == len(metrics["d_real"])
    assert metrics["parameters"] == model.num_parameters
    assert not np.array_equal(snapshots[0], snapshots[-1])  # the animation shows change


def test_training_pipeline(tmp_checkpoints, tiny_split):
    from models.registry import train

    metrics = train(gan.NAME, epochs=1, device="cpu", progress=False)
    for key in ("g_loss", "d_loss", "d_real", "d_fake"):
        assert len(metrics[key]) == 1 and np.isfinite(metrics[key][0])
    assert metrics["epochs"] == 1 and metrics["train_images"] == len(tiny_split)
    assert metrics["parameters"] > 0 and metrics["parameters_d"] > 0 and metrics["device"] == "cpu"
    files = sorted(p.name for p in (tmp_checkpoints / gan.NAME).iterdir())
    assert files == ["config.json", "metrics.json", "model.safetensors", gan.SNAPSHOTS]
    assert set(checkpoints.read_manifest(tmp_checkpoints)) == {f"{gan.NAME}/{f}" for f in files}
    _, tensors = checkpoints.load(gan.NAME)
    prefixes = {k.split(".", 1)[0] + "." for k in tensors}
    assert prefixes == {gan.G_PREFIX, gan.EMA_PREFIX, gan.D_PREFIX}
    assert json.loads((tmp_checkpoints / gan.NAME / "config.json").read_text())["epochs"] == 1

    snapshots = gan.load_snapshots()
    assert snapshots.shape == (1, 16, 28, 28) and snapshots.dtype == np.uint8
    reloaded = gan.GAN.load()
    assert reloaded.num_parameters == metrics["parameters"]
    # the snapshot is the EMA generator on the fixed noise, so the reloaded model reproduces it
    z, y = gan.snapshot_inputs(reloaded.config)
    np.testing.assert_array_equal(reloaded.decode(z, y.numpy()), snapshots[0])

    # resume continues from the saved weights and appends to the curves and the snapshots
    resumed = train(gan.NAME, epochs=1, device="cpu", resume=True, progress=False)
    assert resumed["epochs"] == 2 and len(resumed["g_loss"]) == 2 and resumed["resumed"]
    assert gan.load_snapshots().shape == (2, 16, 28, 28)
    np.testing.assert_array_equal(gan.load_snapshots()[0], snapshots[0])


def test_missing_checkpoint_raises(tmp_checkpoints):
    with pytest.raises(checkpoints.CheckpointError):
        gan.GAN.load()
    with pytest.raises(checkpoints.CheckpointError):
        gan.load_snapshots()


def test_failed_training_keeps_no_partial_checkpoint(tmp_checkpoints, monkeypatch):
    from models.registry import train

    test = data.load_shipped("test")
    too_small = data.Split(test.images[:10], test.labels[:10])
    monkeypatch.setattr(data, "load_train", lambda *args, **kwargs: too_small)
    with pytest.raises(ValueError, match="less than one batch"):
        train(gan.NAME, epochs=1, device="cpu", progress=False)
    assert list(tmp_checkpoints.iterdir()) == []  # no half-written checkpoint, no staging leftovers


def test_batch_spread_sees_a_collapsed_batch():
    varied = torch.randn(8, 5, generator=torch.Generator().manual_seed(0))
    same = varied[:1].repeat(8, 1)
    assert gan.batch_spread(varied).shape == (8, 1)
    assert torch.all(gan.batch_spread(same) == 0) and torch.all(gan.batch_spread(varied) > 0.3)
    # groups of four: each image gets its own group's spread
    mixed = torch.cat([same[:4], varied[:4]])
    spread = gan.batch_spread(mixed).squeeze(1)
    assert torch.all(spread[:4] == 0) and torch.all(spread[4:] > 0)
    assert gan.batch_spread(varied[:3]).shape == (3, 1) and torch.all(gan.batch_spread(varied[:1]) == 0)


def test_diff_augment_shifts_blanks_and_keeps_gradients():
    x = torch.full((6, 1, 28, 28), -1.0)
    x[:, :, 9:19, 9:19] = 1.0  # a bright square on the background
    x.requires_grad_(True)
    out = gan.diff_augment(x, torch.Generator().manual_seed(1))
    assert out.shape == x.shape and out.min() == -1.0 and out.max() == 1.0
    assert not torch.equal(out, x)  # moved and/or blanked
    assert ((out > 0).sum(dim=(1, 2, 3)) <= 100).all()  # nothing brighter appears, only less
    again = gan.diff_augment(x, torch.Generator().manual_seed(1))
    assert torch.equal(out, again)  # its own generator: the same draws, no global RNG
    out.sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0  # G learns through it


def test_recipe_options_train_and_old_checkpoints_still_load(tmp_checkpoints, tiny_split):
    """Minibatch std and DiffAugment train; a checkpoint saved before they existed (no such keys) loads
    as the plain architecture."""
    from dataclasses import asdict

    config = gan.GANConfig(g_channels=(16, 8, 4), d_channels=(4, 8, 16), minibatch_std=True, augment=True,
                           epochs=1, bn_batches=2)
    out = tmp_checkpoints / gan.NAME
    metrics = gan.train(out, progress=False, split=tiny_split, config=config)
    assert np.isfinite(metrics["d_loss"][0]) and np.isfinite(metrics["g_loss"][0])
    checkpoints.update_manifest(gan.NAME, tmp_checkpoints)
    model = gan.GAN.load()
    assert model.config.minibatch_std and model.discriminator.linear.in_features == 16 + 1
    legacy = {k: v for k, v in asdict(gan.GANConfig()).items() if k not in ("minibatch_std", "augment")}
    assert not gan.GANConfig.from_dict(legacy).minibatch_std and not gan.GANConfig.from_dict(legacy).augment
