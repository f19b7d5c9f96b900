"""Style transfer's closest demonstration: SDEdit toward a class and a VAE class direction —
shapes and range, seeded determinism, strength 0, the direction itself, the content/style scores."""

import numpy as np
import pytest

from models.apps import editing, style
from models.core import data
from models.image.diffusion import Diffusion, build_scheduler, build_unet
from models.latent.autoencoders import AutoencoderConfig, AutoencoderNet, LatentModel
from tests.models.image.test_diffusion import TINY


@pytest.fixture(scope="module")
def tiny_diffusion():
    import torch

    torch.manual_seed(0)
    return Diffusion(build_unet(TINY).eval(), build_scheduler(TINY), {})


@pytest.fixture(scope="module")
def tiny_vae():
    import torch

    torch.manual_seed(0)
    config = AutoencoderConfig(kind="vae", latent_dim=4, channels=(8, 16), hidden=32)
    return LatentModel("tiny", config, AutoencoderNet(config))


@pytest.fixture(scope="module")
def images():
    return data.load_shipped("test").images[:3]


def test_sdedit_transfer_shape_range_and_seed(tiny_diffusion, images):
    out = style.sdedit_transfer(tiny_diffusion, images, target=5, strength=0.6, seed=4, steps=4)
    assert out.shape == images.shape and out.dtype == np.uint8
    np.testing.assert_array_equal(out, style.sdedit_transfer(tiny_diffusion, images, 5, 0.6, seed=4, steps=4))
    assert not np.array_equal(out, style.sdedit_transfer(tiny_diffusion, images, 5, 0.6, seed=5, steps=4))
    assert not np.array_equal(out, images)
    one = style.sdedit_transfer(tiny_diffusion, images[0], 5, 0.6, seed=4, steps=4)  # a single 28×28 image
    assert one.shape == (1, 28, 28)


def test_strength_zero_returns_the_input(tiny_diffusion, images):
    out = style.sdedit_transfer(tiny_diffusion, images, target=1, strength=0.0, seed=0)
    np.testing.assert_array_equal(out, images)
    assert out is not images


def test_strength_outside_zero_to_one_is_refused(tiny_diffusion, tiny_vae, images):
    for bad in (-0.1, 1.5):
        with pytest.raises(editing.EditError) as err:
            style.sdedit_transfer(tiny_diffusion, images, 1, bad, seed=0)
        assert err.value.code == "strength"
        with pytest.raises(editing.EditError):
            style.vae_transfer(tiny_vae, images, np.zeros((10, 4)), 0, 1, bad)


def test_class_direction_is_the_difference_of_class_means():
    means = np.arange(40, dtype=np.float32).reshape(10, 4)
    np.testing.assert_array_equal(style.class_direction(means, 2, 7), means[7] - means[2])
    assert not style.class_direction(means, 3, 3).any()


def test_vae_transfer_moves_the_code_along_the_direction(tiny_vae, images):
    rng = np.random.default_rng(0)
    means = rng.standard_normal((10, 4)).astype(np.float32) * 3
    zero = style.vae_transfer(tiny_vae, images, means, 0, 9, 0.0)
    np.testing.assert_array_equal(zero, tiny_vae.reconstruct(images))  # strength 0: the reconstruction
    full = style.vae_transfer(tiny_vae, images, means, 0, 9, 1.0)
    assert full.shape == images.shape and full.dtype == np.uint8
    expected = tiny_vae.decode(tiny_vae.encode(images)["code"] + (means[9] - means[0]))
    np.testing.assert_array_equal(full, expected)
    assert not np.array_equal(full, zero)
    np.testing.assert_array_equal(full, style.vae_transfer(tiny_vae, images, means, 0, 9, 1.0))  # no randomness


def test_scores_measure_content_and_style(images):
    class Judge:  # says "class 4" with probability 0.25 for every image
        def predict_proba(self, x):
            p = np.full((len(x), 10), 0.75 / 9)
            p[:, 4] = 0.25
            return p

    s = style.scores(Judge(), images[0], np.stack([images[0], 255 - images[0]]), target=4)
    np.testing.assert_allclose(s["p_target"], [0.25, 0.25])
    assert s["ssim"][0] == pytest.approx(1.0) and s["ssim"][1] < 0.5
