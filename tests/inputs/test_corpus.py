"""The bad-input corpus: every hostile upload, prompt and CSV gets its own refusal code and a message
in both languages; odd-but-fine inputs are accepted and converted correctly."""

import io
import string
import tracemalloc

import numpy as np
import pytest
from PIL import Image

from dashboard.core.i18n import strings
from dashboard.lab2d.lab2d_input import ERROR_DEFAULTS
from models.image import image_input
from models.image.image_input import ImageInputError, read_upload
from models.lab2d import toy2d
from models.language import text
from tests.inputs import corpus


def ids(entries):
    return [entry[0] for entry in entries]


def message(prefix: str, code: str, params: dict) -> dict[str, str]:
    """The refusal as each language says it; fails on a missing key or placeholder."""
    out = {}
    for lang in ("en", "ko"):
        template = strings(lang)[f"{prefix}.{code}"]
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert names <= set(params), f"{lang} {code}: {names - set(params)} not filled"
        out[lang] = template.format(**params)
    return out


def test_the_corpus_is_large_enough():
    assert len(corpus.BAD_IMAGES) + len(corpus.PROMPTS) + len(corpus.BAD_CSVS) >= 30


# --- pictures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "make", "code"), corpus.BAD_IMAGES, ids=ids(corpus.BAD_IMAGES))
def test_bad_picture_is_refused_with_its_reason(name, make, code):
    with pytest.raises(ImageInputError) as info:
        read_upload(make())
    assert info.value.code == code
    texts = message("picker.error", code, info.value.params)
    assert "{" not in texts["en"] and texts["ko"] != texts["en"]


def test_bomb_headers_are_refused_before_decoding(monkeypatch):
    bombs = corpus.png_claiming(5000, 4000), corpus.jpeg_claiming(10_000, 8000)
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self))
    for raw in bombs:
        with pytest.raises(ImageInputError, match="too_many_pixels"):
            read_upload(raw)
    assert decoded == []  # refused on the header alone


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel().astype(float), b.ravel().astype(float))[0, 1])


def plain(size: tuple[int, int]) -> np.ndarray:
    """The same garment drawn small (≤ 400 px, same proportions) and read from a plain 8-bit PNG."""
    scale = min(1.0, 400 / max(size))
    small = corpus.shirt(round(size[0] * scale), round(size[1] * scale))
    return read_upload(corpus.encode(Image.fromarray(small))).image


@pytest.mark.parametrize(("name", "make"), corpus.GOOD_IMAGES, ids=ids(corpus.GOOD_IMAGES))
def test_odd_but_fine_picture_is_accepted(name, make):
    out = read_upload(make())
    assert out.image.shape == (28, 28) and out.image.dtype == np.uint8
    assert out.image.max() > 200 and out.image[0, 0] < 60 and out.image[-1, 0] < 60  # bright object, dark background
    if "4096" not in name:  # every other one draws the garment
        assert similarity(out.image, plain(out.source_size)) > 0.9, name


def test_exif_orientation_is_applied():
    raw = corpus.exif_rotated(600, 800)
    out = read_upload(raw)
    assert out.source_size == (600, 800)  # reported upright
    assert similarity(out.image, plain((600, 800))) > 0.9
    untagged = Image.open(io.BytesIO(raw))
    sideways = read_upload(corpus.encode(untagged.convert("RGB"), "JPEG")).image  # the same pixels, no tag
    assert similarity(out.image, sideways) < 0.7


def read_with_peak(raw: bytes):
    """``read_upload(raw)`` and the peak of Python-tracked memory it allocated."""
    tracemalloc.start()
    try:
        out = read_upload(raw)
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_phone_photo_is_reduced_while_decoding():
    raw = corpus.phone_jpeg()
    assert len(raw) <= image_input.MAX_BYTES
    out, peak = read_with_peak(raw)
    assert out.reduced and out.source_size == (8000, 6000) and out.source_mode == "RGB"
    assert peak < 32 * 2**20  # 48 MP decoded at 1/8; float64 of the whole photo was ~1.1 GB


def test_large_transparent_png_costs_little_memory():
    raw = corpus.rgba_4096()
    assert len(raw) < 0.1 * 2**20
    out, peak = read_with_peak(raw)
    assert out.reduced and out.inverted
    assert peak < 32 * 2**20  # was ~1 GB: float64 RGBA of 16.8 M pixels


def test_palette_transparency_survives_the_reduction():
    out = read_upload(corpus.palette_png())
    assert out.source_mode == "P" and out.reduced
    assert out.inverted  # the transparent background was flattened onto white, then inverted


# --- prompts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "prompt", "notices"), corpus.PROMPTS, ids=ids(corpus.PROMPTS))
def test_prompt_is_cleaned_with_notices(name, prompt, notices):
    cleaned, said = text.clean_prompt(prompt)
    assert said == notices
    assert len(cleaned) <= text.MAX_PROMPT_CHARS
    assert not text._CONTROL.search(cleaned)
    cleaned.encode("utf-8")  # no lone surrogate left: a tokenizer can take it
    for notice in said:
        message("text.notice", notice, {"n": f"{text.MAX_PROMPT_CHARS:,}"})


# --- 2-D lab CSVs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "make", "code"), corpus.BAD_CSVS, ids=ids(corpus.BAD_CSVS))
def test_bad_csv_is_refused_with_its_reason(name, make, code):
    with pytest.raises(toy2d.ToyDataError) as info:
        toy2d.validate_points(make())
    assert info.value.code == code
    texts = message("lab.error", code, {**ERROR_DEFAULTS, **info.value.params})
    assert texts["ko"] != texts["en"]


@pytest.mark.parametrize(("name", "make", "n"), corpus.GOOD_CSVS, ids=ids(corpus.GOOD_CSVS))
def test_odd_but_fine_csv_is_accepted(name, make, n):
    points = toy2d.validate_points(make())
    assert points.shape == (n, 2) and points.dtype == np.float32 and np.isfinite(points).all()
    if "decimal commas" in name:
        assert np.allclose(points[:2], [[1.5, 2.25], [-0.5, 3]])
