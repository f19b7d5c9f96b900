"""Diffusion model: samplers, determinism, forward process, resumable training (tiny networks)."""

import numpy as np
import pytest

from models.core import checkpoints, data
from models.image.diffusion import NULL_CLASS, SAMPLERS, Diffusion, DiffusionConfig, build_scheduler, build_unet

TINY = DiffusionConfig(block_out_channels=(8, 16, 16), norm_num_groups=8)


@pytest.fixture(scope="module")
def tiny():
    import torch

    torch.manual_seed(0)
    return Diffusion(build_unet(TINY).eval(), build_scheduler(TINY), {})


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_samplers_are_deterministic(tiny, sampler):
    labels = np.array([0, 3, NULL_CLASS])
    a = tiny.sample(labels, seed=7, sampler=sampler, steps=3)
    assert a.shape == (3, 28, 28) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, tiny.sample(labels, seed=7, sampler=sampler, steps=3))
    assert not np.array_equal(a, tiny.sample(labels, seed=8, sampler=sampler, steps=3))


def test_guidance_changes_the_result(tiny):
    labels = np.array([1, 2])
    plain = tiny.sample(labels, seed=1, steps=2, guidance=1.0)
    guided = tiny.sample(labels, seed=1, steps=2, guidance=4.0)
    assert plain.shape == guided.shape and not np.array_equal(plain, guided)


def test_unknown_sampler(tiny):
    with pytest.raises(ValueError):
        tiny.sample(np.array([0]), seed=0, sampler="euler", steps=2)


def test_forward_process(tiny):
    image = data.load_shipped("test").images[:1]
    clean, mid, noisy = tiny.noise(np.repeat(image, 3, 0), [0, 500, 999], seed=0)
    assert np.abs(clean.astype(int) - image[0]).max() <= 3  # t=0 keeps the image
    corr = np.corrcoef(noisy.ravel().astype(float), image.ravel().astype(float))[0, 1]
    assert abs(corr) < 0.1  # t=999 has forgotten it
    levels = tiny.noise_levels(500)
    assert levels["signal"] ** 2 + levels["noise"] ** 2 == pytest.approx(1.0)
    schedule = tiny.schedule()
    assert np.all(np.diff(schedule["signal"]) < 0) and schedule["signal"][0] > 0.99 > 0.01 > schedule["signal"][-1]


def test_trajectory(tiny):
    out = tiny.trajectory(np.array([4, 4]), seed=2, steps=5, keep=3)
    assert out["x_t"].shape == (3, 2, 28, 28) and out["x0"].shape == (3, 2, 28, 28)
    assert list(out["timesteps"]) == sorted(out["timesteps"], reverse=True)
    np.testing.assert_array_equal(out["images"], tiny.sample(np.array([4, 4]), seed=2, steps=5))


def test_training_resumes(tmp_checkpoints, monkeypatch):
    from models.image import diffusion, train_diffusion

    monkeypatch.setattr(diffusion, "DiffusionConfig", lambda: DiffusionConfig(**{**TINY.__dict__, "batch_size": 8}))
    monkeypatch.setattr(train_diffusion, "DiffusionConfig", diffusion.DiffusionConfig)
    split = data.Split(data.load_shipped("test").images[:64], data.load_shipped("test").labels[:64])
    first = train_diffusion.train(max_steps=3, train_split=split, progress=False)
    assert first["step"] == 3
    files = {p.name for p in (tmp_checkpoints / "diffusion").iterdir()}
    assert {"config.json", "diffusion_pytorch_model.safetensors", "scheduler_config.json",
            train_diffusion.RAW, "metrics.json"} <= files
    second = train_diffusion.train(max_steps=2, train_split=split, progress=False, resume=True)
    assert second["step"] == 5 and len(second["sessions"]) == 2
    # one epoch of 64 images in batches of 8, saving after every step: still one entry per session
    third = train_diffusion.train(epochs=1, train_split=split, progress=False, resume=True, save_every_min=0)
    assert third["step"] == 13 and [s["ended_step"] for s in third["sessions"]] == [3, 5, 13]
    model = Diffusion.load()
    assert model.sample(np.array([0]), seed=0, steps=2).shape == (1, 28, 28)


def test_missing_checkpoint(tmp_checkpoints):
    with pytest.raises(checkpoints.CheckpointError, match="python -m models train diffusion"):
        Diffusion.load()


def test_bfloat16_inference_is_on_where_fast_and_draws_the_same_pictures(monkeypatch):
    import dataclasses

    import numpy as np

    from models.image import diffusion

    monkeypatch.setenv(diffusion.BF16_ENV, "off")
    assert not diffusion.fast_bf16("cpu")
    monkeypatch.delenv(diffusion.BF16_ENV)
    assert not diffusion.fast_bf16("cuda")
    model = diffusion.Diffusion.load()
    assert model.bf16 == diffusion.fast_bf16("cpu")
    labels = np.arange(8) % 10
    fast = dataclasses.replace(model, bf16=True).sample(labels, seed=3, steps=10)
    exact = dataclasses.replace(model, bf16=False).sample(labels, seed=3, steps=10)
    assert fast.dtype == np.uint8 and fast.shape == exact.shape
    # the same seed draws the same garments: pixels differ by a few grey levels at most on average
    assert np.abs(fast.astype(int) - exact.astype(int)).mean() < 4
