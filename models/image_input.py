"""Turn a user's picture (upload or drawing) into a Fashion-MNIST-style 28×28 image, safely.

Checks, in order: size of the file (≤ 5 MB), that it is a PNG or JPEG, the pixel size read from
the header *before* decoding (≤ 4096×4096, so a decompression bomb is refused before it costs
memory), and that it decodes. Conversion follows the dataset's own recipe: grayscale, light
object on a dark background, cropped to the object, longest side scaled to 28 pixels, then
centred by mass.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4096
FORMATS = ("PNG", "JPEG")
SIZE = 28


class ImageInputError(ValueError):
    """A picture we refuse; ``code`` names the reason (the page translates it), ``params`` fill it in."""

    def __init__(self, code: str, **params):
        super().__init__(f"{code}: {params}" if params else code)
        self.code, self.params = code, params


@dataclass
class Converted:
    image: np.ndarray      # uint8 (28, 28), 0 = background
    inverted: bool         # the picture was dark-on-light and got inverted
    source_size: tuple[int, int]
    source_mode: str


def read_upload(raw: bytes) -> Converted:
    """Validate an uploaded file's bytes and convert it; raises :class:`ImageInputError`."""
    if len(raw) == 0:
        raise ImageInputError("empty")
    if len(raw) > MAX_BYTES:
        raise ImageInputError("file_too_large", size_mb=round(len(raw) / 2**20, 1), limit_mb=MAX_BYTES // 2**20)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))  # reads the header only
            if image.format not in FORMATS:
                raise ImageInputError("format", found=image.format or "?")
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE:
                raise ImageInputError("too_many_pixels", width=width, height=height, limit=MAX_SIDE)
            image.load()
    except ImageInputError:
        raise
    except UnidentifiedImageError:
        raise ImageInputError("not_image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageInputError("too_many_pixels", width="?", height="?", limit=MAX_SIDE) from None
    except (OSError, SyntaxError, ValueError):
        raise ImageInputError("corrupt") from None
    converted, inverted = convert(grayscale(image))
    return Converted(converted, inverted, image.size, image.mode)


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
    """Any PIL image → float luminance in [0, 255]. 16-bit images are scaled, transparency is
    flattened onto the background that contrasts with the opaque strokes."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") or values.max() > 255 else 255.0
        return np.clip(values / top * 255.0, 0, 255)
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = np.asarray(image.convert("RGBA"), dtype=np.float64)
        alpha = rgba[..., 3] / 255.0
        lum = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])
        if alpha.min() < 1.0:
            opaque = alpha > 0.5
            strokes_dark = opaque.any() and lum[opaque].mean() < 128
            background = 255.0 if strokes_dark else 0.0
            return alpha * lum + (1 - alpha) * background
        return lum
    return np.asarray(image.convert("L"), dtype=np.float64)


def _border(gray: np.ndarray) -> np.ndarray:
    return np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])


def convert(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """Luminance (H, W) → (uint8 (28, 28), inverted): light object on black, cropped to the object,
    longest side 28, centred by mass. A picture whose border is mostly light gets inverted."""
    gray = np.asarray(gray, dtype=np.float64)
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
