"""Uploaded and drawn pictures: refused with a reason code, or converted to the dataset's convention."""

import io

import numpy as np
import pytest
from PIL import Image

from models.core import data
from models.image import image_input
from models.image.image_input import ImageInputError, read_drawing, read_upload


def encode(image: Image.Image, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


@pytest.fixture(scope="module")
def boot():
    return data.load_shipped("test").images[0]


@pytest.mark.parametrize(("raw", "code"), [
    (b"", "empty"),
    (b"%PDF-1.4 this is not a picture at all", "not_image"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not_image"),
])
def test_non_images_are_refused(raw, code):
    with pytest.raises(ImageInputError) as info:
        read_upload(raw)
    assert info.value.code == code


def test_other_formats_are_refused():
    with pytest.raises(ImageInputError) as info:
        read_upload(encode(Image.new("L", (10, 10)), "GIF"))
    assert info.value.code == "format" and info.value.params["found"] == "GIF"


def test_huge_image_is_refused_before_decoding(monkeypatch):
    raw = encode(Image.new("L", (5000, 4000)))  # a small file that would decode to 20 M pixels, all in memory
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self))
    with pytest.raises(ImageInputError) as info:
        read_upload(raw)
    assert info.value.code == "too_many_pixels" and info.value.params["width"] == 5000
    assert info.value.params["limit_mp"] == 16.8  # a PNG decodes in full; a JPEG may have 50 MP (draft)
    assert decoded == []  # refused on the header alone


def test_large_file_is_refused():
    with pytest.raises(ImageInputError) as info:
        read_upload(b"\x89PNG" + b"\x00" * (image_input.MAX_BYTES + 1))
    assert info.value.code == "file_too_large"


def test_truncated_file_is_reported_as_corrupt(boot):
    raw = encode(Image.fromarray(np.kron(boot, np.ones((4, 4), dtype=np.uint8))))
    with pytest.raises(ImageInputError) as info:
        read_upload(raw[: len(raw) // 2])
    assert info.value.code == "corrupt"


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel().astype(float), b.ravel().astype(float))[0, 1])


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_dark_on_light_photo_is_inverted_and_scaled(boot, fmt):
    big = np.kron(255 - boot, np.ones((8, 8), dtype=np.uint8))  # 224 px, dark object on white
    out = read_upload(encode(Image.fromarray(big), fmt))
    assert out.inverted and out.source_size == (224, 224)
    assert out.image.shape == (28, 28) and out.image.dtype == np.uint8
    assert out.image[0].max() < 40 and out.image.max() > 200  # dark border, bright object
    assert similarity(out.image, boot) > 0.4


def test_sixteen_bit_png(boot):
    image = Image.fromarray(boot.astype(np.uint16) * 257)
    assert image.mode.startswith("I;16")
    out = read_upload(encode(image))
    assert not out.inverted and out.image.max() > 200
    assert similarity(out.image, read_upload(encode(Image.fromarray(boot))).image) > 0.99


def test_rgba_with_transparent_background():
    rgba = np.zeros((120, 80, 4), dtype=np.uint8)
    rgba[20:100, 30:50] = (10, 10, 10, 255)  # an opaque dark bar on a transparent background
    out = read_upload(encode(Image.fromarray(rgba, "RGBA")))
    assert out.inverted  # flattened onto white, then inverted: the bar becomes the light object
    assert out.image[14, 14] > 200 and out.image[14, 1] == 0
    rows = np.flatnonzero(out.image.max(1) > 25)
    assert rows[0] <= 1 and rows[-1] >= 26  # the longest side fills the frame


def test_centred_by_mass():
    square = np.zeros((100, 100), dtype=np.uint8)
    square[5:25, 60:95] = 255  # off-centre, wider than tall
    out = read_upload(encode(Image.fromarray(square))).image.astype(float)
    ys, xs = np.indices(out.shape)
    assert abs((ys * out).sum() / out.sum() - 13.5) < 1 and abs((xs * out).sum() / out.sum() - 13.5) < 1


def test_drawing():
    canvas = np.zeros((280, 280, 4), dtype=np.uint8)
    assert read_drawing(canvas) is None  # nothing drawn yet
    canvas[..., 3] = 255
    canvas[100:200, 130:150, :3] = 255  # a white stroke on the black canvas
    out = read_drawing(canvas)
    assert out.shape == (28, 28) and out[14, 14] > 200 and out[0, 0] == 0
