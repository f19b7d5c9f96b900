"""scripts/check_screenshots.py: a missing, wrongly sized, non-PNG or blank screenshot is reported."""

import numpy as np
from PIL import Image

from scripts.check_screenshots import check, expected, problems


def _png(path, array, fmt="PNG"):
    Image.fromarray(array.astype(np.uint8)).save(path, format=fmt)
    return path


def test_a_page_like_screenshot_passes(tmp_path):
    page = np.full((72, 128, 3), 255)
    page[10:20, 10:100] = 30  # a title
    page[30:60:4, 10:120] = 80  # lines of text
    assert problems(_png(tmp_path / "a.png", page), (128, 72)) == []


def test_missing_wrong_size_blank_and_not_png_are_reported(tmp_path):
    white = _png(tmp_path / "white.png", np.full((72, 128, 3), 255))
    noisy = np.random.default_rng(0).integers(0, 256, (72, 128, 3))
    jpeg = _png(tmp_path / "photo.png", noisy, fmt="JPEG")
    found = check([(tmp_path / "none.png", (128, 72)), (white, (128, 72)), (white, (390, 844)), (jpeg, (128, 72))])
    assert len(found) == 5
    assert "missing" in found[0] and "blank" in found[1]
    assert "128×72 px, the viewport is 390×844" in found[2] and "blank" in found[3]
    assert "not a PNG" in found[4]


def test_every_view_of_the_layout_test_is_expected(tmp_path):
    from dashboard.core import navigation

    shots = expected(tmp_path)
    assert len(shots) == len(navigation.PAGES) * 2 * 2 * 2
    assert (tmp_path / "layout" / "gan-ko-present-1280x720.png", (1280, 720)) in shots
    assert (tmp_path / "layout" / "pros_cons-en-normal-390x844.png", (390, 844)) in shots
