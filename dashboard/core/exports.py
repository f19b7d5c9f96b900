"""Downloads: PNG sheets with labels (Hangul-capable font when installed), NPZ arrays, CSV tables."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = [Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"),
              Path("/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf")]


@cache
def _font(size: int) -> tuple[ImageFont.ImageFont, bool]:
    """(font, has_hangul): NanumGothic from Debian's fonts-nanum, else PIL's default font."""
    for path in FONT_PATHS:
        if path.exists():
            return ImageFont.truetype(str(path), size), True
    return ImageFont.load_default(size), False


def has_hangul_font() -> bool:
    return _font(16)[1]


def sheet_png(rows: dict[str, np.ndarray], scale: int = 3, pad: int = 6) -> bytes:
    """One labelled row of 28×28 images per entry of ``rows``; returns PNG bytes."""
    font, _ = _font(16)
    label_w = 10 + max((int(font.getlength(name)) for name in rows), default=0)
    cols = max((len(images) for images in rows.values()), default=1)
    cell = 28 * scale + pad
    sheet = Image.new("L", (label_w + cols * cell + pad, len(rows) * cell + pad), 255)
    draw = ImageDraw.Draw(sheet)
    for r, (name, images) in enumerate(rows.items()):
        y = pad + r * cell
        draw.text((6, y + 28 * scale // 2 - 8), name, fill=0, font=font)
        for c, image in enumerate(np.asarray(images, dtype=np.uint8)):
            tile = Image.fromarray(image).resize((28 * scale, 28 * scale), Image.NEAREST)
            sheet.paste(tile, (label_w + c * cell, y))
    out = io.BytesIO()
    sheet.save(out, format="PNG", optimize=True)
    return out.getvalue()


def npz_bytes(**arrays: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.savez_compressed(out, **arrays)
    return out.getvalue()


def gif_bytes(frames: np.ndarray, scale: int = 6, ms_per_frame: int = 120, bounce: bool = True) -> bytes:
    """An animated GIF of uint8 frames (N, H, W), enlarged ``scale`` times; ``bounce`` plays back and forth."""
    frames = np.asarray(frames, dtype=np.uint8)
    order = list(frames) + (list(frames[-2:0:-1]) if bounce else [])
    pictures = [Image.fromarray(f).resize((f.shape[1] * scale, f.shape[0] * scale), Image.NEAREST) for f in order]
    out = io.BytesIO()
    pictures[0].save(out, format="GIF", save_all=True, append_images=pictures[1:], duration=ms_per_frame, loop=0)
    return out.getvalue()


_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


def file_name(stem: str, ext: str = "", **settings: object) -> str:
    """Every download's name (PNG, GIF, CSV, NPZ), carrying the view's settings:
    ``file_name("compare", "csv", lang="ko", seed=3)`` → ``genai-lab-compare_lang-ko_seed-3.csv``;
    without ``ext``, no extension. Only ASCII letters, digits, ``.``, ``_`` and ``-`` are kept (a
    setting's text from the URL cannot add a path or odd characters); empty settings are left out."""
    parts = ["genai-lab-" + (_UNSAFE.sub("-", str(stem)).strip("-.") or "table")]
    for name, value in settings.items():
        text = _UNSAFE.sub("-", "" if value is None else str(value)).strip("-.")[:40]
        if text:
            parts.append(f"{_UNSAFE.sub('-', name)}-{text}")
    ext = _UNSAFE.sub("", ext)
    return "_".join(parts) + (f".{ext}" if ext else "")


def csv_bytes(table) -> bytes:
    """A table (a pandas DataFrame, a list of row dicts or a dict of columns) as CSV: UTF-8 with a byte
    order mark, so Excel opens Korean text correctly; no index column."""
    import pandas as pd

    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table)
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
