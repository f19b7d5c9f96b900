"""Choose a 28×28 image: from the test set, uploaded (PNG/JPEG) or drawn on a canvas.

Uploads and drawings go through :mod:`models.image.image_input` (size, type and decompression-bomb
checks, then the dataset's convention); a refused file becomes a translated message and the
picker keeps the picture the user had (the last upload it could read, else the test image), so
the page keeps working.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.core import loaders, pictures, widgets
from dashboard.core.i18n import t
from models.image.image_input import ImageInputError, read_drawing, read_upload

SOURCES = ("test", "upload", "draw")
#: extensions the uploader lets through: what we read, plus what phones and browsers send that we
#: refuse with our own translated reason (HEIC, animated GIF/WebP) rather than the widget's English one
UPLOAD_TYPES = ["png", "jpg", "jpeg", "mpo", "heic", "heif", "gif", "webp"]
KEPT = "picker_kept"  # session key: {picker name: the last uploaded picture that could be read}
CANVAS_PX = 224


def pick_image(name: str, default_index: int, container=st) -> tuple[np.ndarray, str, int | None]:
    """Draw the picker for image ``name`` (also the URL key of its test index).

    Returns (image, caption, label): the label is the test image's class, ``None`` for a user's picture."""
    test = loaders.test_split()
    names = widgets.class_names()
    outer = container.container(border=True)
    box, shown = outer.columns([3, 2], vertical_alignment="center")  # the picture beside its controls: a short box
    labels = [t(f"picker.source.{s}") for s in SOURCES]
    source = SOURCES[widgets.synced_index(box.radio, t("picker.source", name=name.upper()), f"{name}src", labels,
                                          horizontal=True)]
    index = widgets.synced_int(box.number_input, t("picker.index", n=len(test) - 1), name, default_index, 0,
                               len(test) - 1, step=1, disabled=source != "test")
    fallback = (test.images[index], t("picker.caption.test", index=index, name=names[int(test.labels[index])]))
    image = None
    if source == "upload":
        image = _uploaded(box, name)
    elif source == "draw":
        image = _drawn(box, name)
    label = None
    if image is None:
        image, caption = fallback
        label = int(test.labels[index])
        if source != "test":
            box.caption(t("picker.fallback"))
    else:
        caption = t(f"picker.caption.{source}")
    pictures.show_grid(image[None], 1, caption=caption, container=shown, key=f"pick_{name}", width=pictures.TILE_PX,
                       file_name=pictures.file_name("picture", name, source=source,
                                                    img=index if label is not None else ""))
    return image, caption, label


def _uploaded(box, name: str) -> np.ndarray | None:
    file = box.file_uploader(t("picker.upload"), type=UPLOAD_TYPES, key=f"upload_{name}",
                             help=t("picker.upload_help"))
    kept = st.session_state.setdefault(KEPT, {})
    if file is None:
        kept.pop(name, None)  # the user removed the file: back to the test image
        return None
    return upload_image(file.getvalue(), name, box)


def upload_image(raw: bytes, name: str, box=st) -> np.ndarray | None:
    """An upload's bytes → the 28×28 picture, with a caption; refused: a translated error, and the
    picture last read for this picker (``None`` if there is none)."""
    kept = st.session_state.setdefault(KEPT, {})
    try:
        converted = read_upload(raw)
    except ImageInputError as exc:
        box.error(t(f"picker.error.{exc.code}", **exc.params), icon="🚫")
        if name in kept:
            box.caption(t("picker.kept"))
        return kept.get(name)
    kept[name] = converted.image
    box.caption(t("picker.converted", w=converted.source_size[0], h=converted.source_size[1],
                  mode=converted.source_mode, inverted=t("picker.inverted") if converted.inverted else ""))
    return converted.image


def _drawn(box, name: str) -> np.ndarray | None:
    try:
        from streamlit_drawable_canvas import st_canvas
    except Exception:  # the optional component is missing or broken: say so, keep going
        box.warning(t("picker.no_canvas"), icon="⚠️")
        return None
    with box:
        st.caption(t("picker.draw_help"))
        result = st_canvas(stroke_width=16, stroke_color="#FFFFFF", background_color="#000000",
                           height=CANVAS_PX, width=CANVAS_PX, drawing_mode="freedraw", return_image_data=True,
                           key=f"canvas_{name}")
    try:
        pixels = result.image_data
    except Exception:  # nothing sent back yet (first run, or AppTest without a browser)
        return None
    return None if pixels is None else read_drawing(pixels)

