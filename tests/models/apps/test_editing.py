"""Image applications: masks, inpainting keeps what is known, super-resolution keeps the block means,
SDEdit's strength, the text → class word list, PSNR/SSIM."""

import numpy as np
import pytest

from models.apps import editing, prompt_to_class
from models.core import data
from models.image.diffusion import Diffusion, build_scheduler, build_unet
from tests.models.image.test_diffusion import TINY


@pytest.fixture(scope="module")
def tiny():
    import torch

    torch.manual_seed(0)
    return Diffusion(build_unet(TINY).eval(), build_scheduler(TINY), {})


@pytest.fixture(scope="module")
def images():
    return data.load_shipped("test").images[:4]


def test_masks_are_checked():
    mask = editing.rect_mask(20, 30, 5, 10)  # corners in any order, clipped to the image
    assert mask.shape == (28, 28) and mask.sum() == 15 * 18
    with pytest.raises(editing.EditError) as err:
        editing.check_mask(np.zeros((28, 28), bool))
    assert err.value.code == "mask_empty"
    with pytest.raises(editing.EditError) as err:
        editing.check_mask(np.ones((28, 28), bool))
    assert err.value.code == "mask_full" and err.value.params["kept"] == "0%"
    with pytest.raises(editing.EditError) as err:
        editing.check_mask(np.ones((14, 14), bool))
    assert err.value.code == "mask_shape"


def test_brush_drawing_becomes_a_mask():
    rgba = np.zeros((224, 224, 4), np.uint8)
    rgba[:112, :, 3] = 255  # the top half painted
    mask = editing.mask_from_drawing(rgba)
    assert mask.shape == (28, 28) and mask[:14].all() and not mask[14:].any()
    assert not editing.mask_from_drawing(None).any()
    assert not editing.mask_from_drawing(np.zeros((5, 5), np.uint8)).any()  # not RGBA: nothing painted


def test_inpainting_keeps_known_pixels_and_is_seeded(tiny, images):
    mask = editing.rect_mask(8, 8, 20, 20)
    out = editing.inpaint(tiny, images, mask, labels=[0, 1, 2, 3], seed=3, steps=4)
    assert out.shape == images.shape and out.dtype == np.uint8
    np.testing.assert_array_equal(out[:, ~mask], images[:, ~mask])
    assert not np.array_equal(out[:, mask], images[:, mask])
    np.testing.assert_array_equal(out, editing.inpaint(tiny, images, mask, [0, 1, 2, 3], seed=3, steps=4))


def test_super_resolution_matches_the_small_input(tiny, images):
    for factor in editing.SR_FACTORS:
        small = editing.downsample(images, factor)
        assert small.shape == (4, 28 // factor, 28 // factor)
        out = editing.super_resolve(tiny, small, labels=0, seed=0, steps=3)
        assert out.shape == images.shape and out.dtype == np.uint8
    with pytest.raises(editing.EditError):
        editing.downsample(images, 3)
    with pytest.raises(editing.EditError):
        editing.super_resolve(tiny, np.zeros((1, 9, 9), np.uint8), 0, 0)


def test_sdedit_strength_sets_the_start(tiny, images):
    weak = editing.sdedit(tiny, images[:1], 3, 0.2, seed=0, steps=10)
    strong = editing.sdedit(tiny, images[:1], 3, 0.9, seed=0, steps=10)
    assert weak["t_start"] < strong["t_start"] <= 899
    # the weakly noised start is still close to the input, the strongly noised one is not
    near = editing.quality(weak["start"], images[:1])["psnr"][0]
    far = editing.quality(strong["start"], images[:1])["psnr"][0]
    assert near > far
    for bad in (0.0, 1.5, -1):
        with pytest.raises(editing.EditError):
            editing.sdedit(tiny, images[:1], 3, bad, seed=0)


def test_quality_measures_closeness(images):
    rng = np.random.default_rng(0)
    noisy = np.clip(images + rng.normal(0, 20, images.shape), 0, 255).astype(np.uint8)
    noisier = np.clip(images + rng.normal(0, 60, images.shape), 0, 255).astype(np.uint8)
    a, b = editing.quality(noisy, images), editing.quality(noisier, images)
    assert a["psnr"].shape == (4,) and (a["psnr"] > b["psnr"]).all() and (a["ssim"] > b["ssim"]).all()
    assert np.allclose(editing.quality(images, images)["ssim"], 1.0)


def test_shipped_diffusion_beats_bicubic_at_super_resolution():
    model = Diffusion.load()
    test = data.load_shipped("test")
    originals, labels = test.images[:8], test.labels[:8]
    small = editing.downsample(originals, 2)
    restored = editing.super_resolve(model, small, labels, seed=0)
    # the result agrees with the small input: its block means, up to rounding and clipping at 0 / 255
    assert np.abs(editing.downsample(restored, 2).astype(int) - small).mean() < 2
    ours, bicubic = editing.quality(restored, originals), editing.quality(editing.bicubic(small), originals)
    assert ours["psnr"].mean() > bicubic["psnr"].mean()


@pytest.mark.parametrize(("text", "labels", "ignored"), [
    ("a red striped dress", [3], ["red", "striped"]),
    ("빨간 줄무늬 원피스를 그려줘", [3], ["빨간", "줄무늬"]),
    ("black ankle boots and a T-shirt", [9, 0], ["black"]),
    ("운동화랑 가방", [7, 8], []),
    ("a shirt", [6], []),
])
def test_descriptions_pick_classes(text, labels, ignored):
    parsed = prompt_to_class.parse(text)
    assert parsed.labels == labels and parsed.ignored == ignored


@pytest.mark.parametrize(("text", "code"), [("", "empty"), ("   \u200b ", "empty"), ("a cat", "no_class"),
                                           ("dress " * 60, "too_long")])
def test_bad_descriptions_are_refused(text, code):
    with pytest.raises(prompt_to_class.PromptError) as err:
        prompt_to_class.parse(text)
    assert err.value.code == code


def test_every_class_has_words_in_both_languages():
    for label in range(data.NUM_CLASSES):
        for lang in ("en", "ko"):
            words = prompt_to_class.class_words(label, lang)
            assert words and all(prompt_to_class.parse(w).labels[0] == label for w in words), (label, lang)
