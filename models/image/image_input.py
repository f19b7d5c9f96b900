"""Turn a user's picture (upload or drawing) into a Fashion-MNIST-style 28×28 image, safely.

Checks, in order: size of the file (≤ 20 MB, what a phone sends), that it is no HEIC photo, a
still picture (one frame; a JPEG that Pillow calls ``MPO`` is fine: phones add a preview frame),
a PNG or JPEG, and the pixel count read from the header *before* decoding (a decompression bomb is
refused before it costs memory). Then it is reduced *while* decoding: a JPEG decodes at 1/2, 1/4
or 1/8 of its size (``Image.draft``), anything larger than :data:`WORK_SIDE` is thumbnailed, and
the EXIF orientation is applied — so a 48-megapixel phone photo costs a few megabytes, not a
gigabyte. Conversion follows the dataset's own recipe: grayscale, light object on a dark
background, cropped to the object, longest side scaled to 28 pixels, then centred by mass.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024   # phone photos are 3–12 MB; = server.maxUploadSize in .streamlit/config.toml
MAX_PIXELS = 50_000_000        # a JPEG decodes at ≤ 1/8 of this (draft), so 50 MP (8160 × 6120) is cheap …
MAX_FULL_PIXELS = 4096 * 4096  # … a PNG decodes in full: 16.8 MP (64 MB as RGBA) at most
WORK_SIDE = 512                # longest side the picture is reduced to before any float work
FORMATS = ("PNG", "JPEG", "MPO")
DRAFT_FORMATS = ("JPEG", "MPO")
SIZE = 28
#: ISO-BMFF brands of HEIF/HEIC files (iPhone photos); Pillow cannot read them without a plug-in
HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1")
_ROTATED = (5, 6, 7, 8)        # EXIF orientations that swap width and height
#: EXIF orientation → the transpose that makes the picture upright (the table of ImageOps.exif_transpose)
_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
              5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}


class ImageInputError(ValueError):
    """A picture we refuse; ``code`` names the reason (the page translates it), ``params`` fill it in.

    Codes: ``empty``, ``file_too_large``, ``heic``, ``animated``, ``not_image``, ``format``,
    ``too_many_pixels``, ``corrupt``.
    """

    def __init__(self, code: str, **params):
        super().__init__(f"{code}: {params}" if params else code)
        self.code, self.params = code, params


@dataclass
class Converted:
    image: np.ndarray      # uint8 (28, 28), 0 = background
    inverted: bool         # the picture was dark-on-light and got inverted
    source_size: tuple[int, int]  # the picture's own size, upright (after its EXIF orientation)
    source_mode: str
    reduced: bool = False  # it was larger than WORK_SIDE and got scaled down first


def is_heic(raw: bytes) -> bool:
    """An ISO-BMFF file (``....ftyp<brand>``) whose brands say HEIF/HEIC, not AVIF."""
    if raw[4:8] != b"ftyp":
        return False
    head = raw[8:64]
    return head[:4] in HEIC_BRANDS and b"avif" not in head or any(b in head for b in HEIC_BRANDS[:8])


def read_upload(raw: bytes) -> Converted:
    """Validate an uploaded file's bytes and convert it; raises :class:`ImageInputError`."""
    if len(raw) == 0:
        raise ImageInputError("empty")
    if len(raw) > MAX_BYTES:
        raise ImageInputError("file_too_large", size_mb=round(len(raw) / 2**20, 1), limit_mb=MAX_BYTES // 2**20)
    if is_heic(raw):
        raise ImageInputError("heic")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))  # reads the header only
            if getattr(image, "is_animated", False) and image.format not in DRAFT_FORMATS:
                raise ImageInputError("animated", found=image.format or "?", frames=getattr(image, "n_frames", "?"))
            if image.format not in FORMATS:
                raise ImageInputError("format", found=image.format or "?")
            width, height = image.size
            limit = MAX_PIXELS if image.format in DRAFT_FORMATS else MAX_FULL_PIXELS
            if width * height > limit:
                raise ImageInputError("too_many_pixels", width=width, height=height,
                                      megapixels=round(width * height / 1e6, 1), limit_mp=round(limit / 1e6, 1))
            mode = image.mode
            image, reduced, orientation = _decode_small(image)
    except ImageInputError:
        raise
    except UnidentifiedImageError:
        raise ImageInputError("not_image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageInputError("too_many_pixels", width="?", height="?", megapixels="?",
                              limit_mp=round(MAX_PIXELS / 1e6, 1)) from None
    except Exception:  # OSError, SyntaxError, struct.error …: whatever a damaged file makes a decoder raise
        raise ImageInputError("corrupt") from None
    converted, inverted = convert(grayscale(image))
    upright = (height, width) if orientation in _ROTATED else (width, height)
    return Converted(converted, inverted, upright, mode, reduced)


def _decode_small(image: Image.Image) -> tuple[Image.Image, bool, int]:
    """Decode ``image`` at no more than about :data:`WORK_SIDE` pixels a side, then turn it upright.

    Returns (image, reduced, EXIF orientation). The orientation is applied as
    :func:`PIL.ImageOps.exif_transpose` would, but to the small picture, with the tag read right
    after decoding (a PNG's EXIF may follow its pixels; a converted copy no longer carries it)."""
    mode = image.mode
    reduced = max(image.size) > WORK_SIDE
    if image.format in DRAFT_FORMATS and reduced:
        image.draft("L" if mode in ("RGB", "YCbCr", "L") else None, (WORK_SIDE, WORK_SIDE))  # DCT scaling
    image.load()
    orientation = _orientation(image)
    sixteen_bit = image.mode.startswith("I;16")
    if reduced:  # resampling knows neither palettes nor 16-bit nor 1-bit pixels
        if image.mode in ("P", "PA"):
            image = image.convert("RGBA")  # keeps a palette's transparency
        elif image.mode == "1":
            image = image.convert("L")
        elif sixteen_bit:
            image = image.convert("I")
        image.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.BOX, reducing_gap=None)
    if sixteen_bit:  # → mode F in [0, 255], so a dark 16-bit picture is not mistaken for an 8-bit one
        image = Image.fromarray(np.asarray(image, dtype=np.float32) * np.float32(255.0 / 65535.0), mode="F")
    method = _TRANSPOSE.get(orientation)
    return (image if method is None else image.transpose(method)), reduced, orientation


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation tag (1 = upright); 1 when the EXIF block is missing or damaged."""
    try:
        value = image.getexif().get(0x0112, 1)
        return int(value) if int(value) in _TRANSPOSE else 1
    except Exception:
        return 1


def read_drawing(rgba: np.ndarray) -> np.ndarray | None:
    """A canvas drawing (H, W, 4) uint8 → 28×28, or ``None`` while nothing has been drawn."""
    rgba = np.asarray(rgba)
    if rgba.ndim != 3 or rgba.shape[2] < 3:
        return None
    gray = grayscale(Image.fromarray(rgba.astype(np.uint8)))
    if np.ptp(gray) < 8:
        return None
    return convert(gray)[0]


def grayscale(image: Image.Image) -> np.ndarray:
    """Any PIL image → float32 luminance in [0, 255]. 16-bit images are scaled, transparency is
    flattened onto the background that contrasts with the opaque strokes."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.asarray(image, dtype=np.float32)
        top = 65535.0 if image.mode.startswith("I;16") or values.max() > 255 else 255.0
        return np.clip(values * np.float32(255.0 / top), 0, 255)
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = np.asarray(image.convert("RGBA"), dtype=np.float32)
        alpha = rgba[..., 3] / np.float32(255.0)
        lum = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        if alpha.min() < 1.0:
            opaque = alpha > 0.5
            strokes_dark = opaque.any() and lum[opaque].mean() < 128
            background = np.float32(255.0 if strokes_dark else 0.0)
            return alpha * lum + (1 - alpha) * background
        return lum
    return np.asarray(image.convert("L"), dtype=np.float32)


def _border(gray: np.ndarray) -> np.ndarray:
    return np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])


def convert(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """Luminance (H, W) → (uint8 (28, 28), inverted): light object on black, cropped to the object,
    longest side 28, centred by mass. A picture whose border is mostly light gets inverted."""
    gray = np.asarray(gray, dtype=np.float32)
    inverted = bool(np.median(_border(gray)) > 127)
    if inverted:
        gray = 255.0 - gray
    gray = np.clip(gray - np.median(_border(gray)), 0, None)
    if gray.max() <= 0:
        return np.zeros((SIZE, SIZE), dtype=np.uint8), inverted
    gray = gray / gray.max() * 255.0
    rows, cols = np.flatnonzero(gray.max(1) > 25), np.flatnonzero(gray.max(0) > 25)
    crop = gray[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = crop.shape
    scale = SIZE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = np.asarray(Image.fromarray(crop.astype(np.float32), mode="F").resize(size, Image.Resampling.LANCZOS))
    canvas = np.zeros((SIZE, SIZE))
    top, left = (SIZE - size[1]) // 2, (SIZE - size[0]) // 2
    canvas[top:top + size[1], left:left + size[0]] = np.clip(small, 0, 255)
    return _centre_by_mass(canvas), inverted


def _centre_by_mass(image: np.ndarray) -> np.ndarray:
    """Shift so the brightness-weighted centre sits in the middle, without pushing the object out."""
    total = image.sum()
    ys, xs = np.nonzero(image > 0)
    if total <= 0 or len(ys) == 0:
        return np.zeros((SIZE, SIZE), dtype=np.uint8)
    grid_y, grid_x = np.indices(image.shape)
    cy, cx = (grid_y * image).sum() / total, (grid_x * image).sum() / total
    dy = int(np.clip(round((SIZE - 1) / 2 - cy), -ys.min(), SIZE - 1 - ys.max()))
    dx = int(np.clip(round((SIZE - 1) / 2 - cx), -xs.min(), SIZE - 1 - xs.max()))
    shifted = np.roll(np.roll(image, dy, axis=0), dx, axis=1)
    return np.clip(np.rint(shifted), 0, 255).astype(np.uint8)
