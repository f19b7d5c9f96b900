"""Every image grid in the app: a crisp PNG mosaic shown with ``st.image``, a caption, and downloads.

The mosaic is built here, in numpy and PIL, once per distinct picture (a small LRU cache shared by
every session): each 28×28 image is enlarged with nearest-neighbour to :data:`TILE_PX` pixels, so
its pixels stay square, and optional titles (scores, ``t=…``, class names, Korean included) are
drawn above the tiles. The browser then scales the PNG to fill its column; :data:`CSS` keeps that
scaling crisp too (``image-rendering: pixelated``). Under every grid: a PNG download whose file
name carries the settings, and for an animation a GIF.

Streamlit resizes (bilinearly, blurring) any image wider than 1460 px, so a grid has at most
:data:`MAX_COLS` columns; wider grids wrap into more rows.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
import streamlit as st
from PIL import Image, ImageDraw

from dashboard.core import exports
from dashboard.core.i18n import t

TILE_PX = 112  #: pixels per 28-px tile in the PNG (4× nearest-neighbour)
GAP_PX = 4  #: white space between tiles, in PNG pixels
TITLE_PX = 30  #: height of the title band above each row of tiles, when a grid has titles
FONT_PX = 21
MAX_COLS = 12  #: 12·112 + 11·4 = 1388 px, under Streamlit's 1460 px resize limit
SINGLE_PX = 2 * TILE_PX  #: the display width of a lone picture (twice its PNG width, still crisp)
BACKGROUND, INK = 255, 40
#: Static CSS (a constant; no user text): the browser enlarges pictures without smoothing.
CSS = "<style>[data-testid=\"stImage\"] img {image-rendering: pixelated;}</style>"

_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def inject_css(container=st) -> None:
    """Add :data:`CSS` to the page (call once per script run, e.g. from ``widgets.setup_page``)."""
    container.html(CSS)


def _drawable(titles: Sequence[str] | None) -> bool:
    """Titles can be drawn unless they hold Hangul and no Hangul font is installed."""
    return bool(titles) and (exports.has_hangul_font() or not any(_HANGUL.search(s) for s in titles))


def _fitting(text: str, width: int):
    """(font, text) for a title ``width`` px wide: :data:`FONT_PX`, smaller down to 11 px where ``text`` is
    wider, and past that the text cut short with "…"."""
    for size in range(FONT_PX, 10, -1):
        font, _ = exports._font(size)
        if font.getlength(text) <= width:
            return font, text
    while len(text) > 1 and font.getlength(text + "…") > width:
        text = text[:-1]
    return font, text + "…"


def mosaic(images: np.ndarray, cols: int, titles: Sequence[str] | None = None) -> np.ndarray:
    """uint8 (N, 28, 28) images as one uint8 grey mosaic: ``cols`` per row (at most :data:`MAX_COLS`),
    each enlarged to ``TILE_PX`` × ``TILE_PX`` by repeating pixels, ``GAP_PX`` apart; with ``titles``
    (one per image, "" for none) a ``TITLE_PX`` band above every row holds them, centred on their tiles."""
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(f"expected images of shape (N, H, W), got {images.shape}")
    images = images.astype(np.uint8, copy=False)
    n, h, w = images.shape
    scale = max(1, TILE_PX // max(h, w))
    cols = max(1, min(cols, n, MAX_COLS))
    rows = -(-n // cols)
    band = TITLE_PX if titles else 0
    th, tw = h * scale, w * scale
    canvas = np.full((rows * (band + th) + (rows - 1) * GAP_PX, cols * tw + (cols - 1) * GAP_PX), BACKGROUND,
                     dtype=np.uint8)
    big = images.repeat(scale, axis=1).repeat(scale, axis=2)
    for i in range(n):
        r, c = divmod(i, cols)
        y, x = r * (band + th + GAP_PX) + band, c * (tw + GAP_PX)
        canvas[y:y + th, x:x + tw] = big[i]
    if titles:
        picture = Image.fromarray(canvas)
        draw = ImageDraw.Draw(picture)
        for i, text in enumerate(titles[:n]):
            if text:
                r, c = divmod(i, cols)
                font, text = _fitting(str(text), tw + GAP_PX)
                draw.text((c * (tw + GAP_PX) + tw / 2, r * (band + th + GAP_PX) + band / 2), text, fill=INK,
                          font=font, anchor="mm")
        canvas = np.asarray(picture)
    return canvas


@lru_cache(maxsize=256)
def _png(raw: bytes, shape: tuple[int, ...], cols: int, titles: tuple[str, ...] | None) -> bytes:
    canvas = mosaic(np.frombuffer(raw, dtype=np.uint8).reshape(shape), cols, titles)
    out = io.BytesIO()
    Image.fromarray(canvas).save(out, format="PNG", compress_level=1)
    return out.getvalue()


def png_bytes(images: np.ndarray, cols: int, titles: Sequence[str] | None = None) -> bytes:
    """:func:`mosaic` as PNG bytes, cached per distinct picture (every student sees the same defaults)."""
    images = np.ascontiguousarray(np.asarray(images).astype(np.uint8, copy=False))
    return _png(images.tobytes(), images.shape, cols, tuple(str(s) for s in titles) if titles else None)


def fit_cols(n: int, most: int) -> int:
    """Columns for ``n`` images in rows of at most ``most``, as even as possible: 16 in rows of ≤ 10 → 8."""
    rows = -(-max(n, 1) // max(most, 1))
    return -(-max(n, 1) // rows)


def file_name(page: str, what: str, **settings: object) -> str:
    """A picture's download name without extension (:func:`dashboard.core.exports.file_name`, the one
    builder of every download's name): ``file_name("gan", "walk", cls=3, seed=7)`` →
    ``genai-lab-gan-walk_cls-3_seed-7``."""
    return exports.file_name(f"{page}-{what}", **settings)


def show_grid(images: np.ndarray, cols: int, *, caption: str, file_name: str, key: str,
              titles: Sequence[str] | None = None, container=st, gif: np.ndarray | Callable[[], bytes] | None = None,
              width: int | str = "stretch") -> None:
    """Show ``images`` as one crisp picture filling ``container``'s width (``width``: "stretch", or a
    display width in px at least the PNG's, e.g. :data:`SINGLE_PX` for one picture), with ``caption``
    (the current language) below it; then a PNG download, and for an animation ``gif`` (its frames,
    or a function making the GIF's bytes) a GIF download. ``key`` keeps the buttons' keys unique."""
    drawn = titles if _drawable(titles) else None
    if titles and drawn is None:  # Hangul titles but no Hangul font: say them in the caption instead
        caption = f"{caption} ({' · '.join(s for s in titles if s)})"
    png = png_bytes(images, cols, drawn)
    box = container.container()
    box.image(png, caption=caption, width=width, output_format="PNG")
    buttons = box.container(horizontal=True, gap="small")
    # Built on the click, not on every run (the PNG is cached anyway; the GIF is not).
    buttons.download_button(t("common.png"), lambda: png, f"{file_name}.png", "image/png", key=f"png_{key}",
                            icon="🖼️", type="tertiary")
    if gif is not None:
        make = gif if callable(gif) else (lambda: exports.gif_bytes(gif))
        buttons.download_button(t("common.gif"), make, f"{file_name}.gif", "image/gif", key=f"gif_{key}",
                                icon="🎞️", type="tertiary")
