"""The 2-D lab's data controls: the user's points from a CSV upload or the canvas, validated, with
translated messages for refused files. Point checks live in :mod:`models.lab2d.toy2d`."""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.core import widgets
from dashboard.core.i18n import t
from dashboard.lab2d.lab2d_figures import FAKE  # drawn points look like generated ones
from models.lab2d import toy2d, toy2d_live

SOURCES = ("ring", "moons", "spiral", "checkerboard", "upload", "draw")
CANVAS_PX = 360
#: every placeholder an error message may use, so a code raised without some of them still reads well
ERROR_DEFAULTS = dict(size_kb="?", limit_kb=toy2d.MAX_CSV_BYTES // 1024, line="?", value="", columns="?",
                      rows="?", limit=toy2d.MAX_ROWS, minimum=toy2d.MIN_POINTS, row="?",
                      max_abs=f"{toy2d.MAX_ABS:,.0f}")
KEPT = "lab_kept_points"  # session key: the last points accepted from an upload or the canvas, per source


def error_text(exc: toy2d.ToyDataError) -> str:
    """The message for a refused file; text quoted from the file (a cell) is shown escaped."""
    params = {k: widgets.md_escape(v) if isinstance(v, str) else v for k, v in exc.params.items()}
    return t(f"lab.error.{exc.code}", **{**ERROR_DEFAULTS, **params})


def user_points(source: str, container=st) -> np.ndarray | None:
    """The user's points from a CSV upload or the canvas, validated, with a message saying so.

    A refused file gets its translated error, and the points last accepted from this source stay
    in use (the page keeps what the user had); with none, ``None`` and the page trains on the ring."""
    raw = _uploaded(container) if source == "upload" else _drawn(container)
    kept = st.session_state.setdefault(KEPT, {})
    if raw is None:
        kept.pop(source, None)  # the file was removed or the canvas cleared
        points = None
    else:
        try:
            points = kept[source] = toy2d.validate_points(raw)
        except toy2d.ToyDataError as exc:
            container.error(error_text(exc), icon="🚫")
            points = kept.get(source)
            if points is not None:
                container.info(t("lab.kept", n=f"{len(points):,}"), icon="ℹ️")
                return points
    if points is None:
        container.info(t("lab.fallback"), icon="ℹ️")
    else:
        container.success(t("lab.user_ok", n=f"{len(points):,}"), icon="✅")
    return points


def _uploaded(container) -> bytes | None:
    file = container.file_uploader(t("lab.upload"), type=["csv", "txt"], key="lab_csv", help=t("lab.upload_help"))
    return None if file is None else file.getvalue()


def _drawn(container) -> list | None:
    try:
        from streamlit_drawable_canvas import st_canvas
    except Exception:  # the optional component is missing or broken: say so, keep going
        container.warning(t("lab.no_canvas"), icon="⚠️")
        return None
    with container:
        st.caption(t("lab.draw_help", n=toy2d.MIN_POINTS))
        result = st_canvas(drawing_mode="point", point_display_radius=3, stroke_width=2, stroke_color=FAKE,
                           fill_color=FAKE, background_color="#FFFFFF", height=CANVAS_PX, width=CANVAS_PX,
                           key="lab_canvas")
    objects = ((getattr(result, "json_data", None) or {}).get("objects") or [])
    points = [canvas_to_xy(o) for o in objects if str(o.get("type", "")).lower() == "circle"]
    return points or None


def canvas_to_xy(obj: dict) -> tuple[float, float]:
    """A Fabric.js circle's centre in canvas pixels → (x, y) in the lab's square, y pointing up."""
    offsets = {"left": 0.0, "center": 0.5, "right": 1.0, "top": 0.0, "bottom": 1.0}
    width = 2 * obj.get("radius", 0) * obj.get("scaleX", 1)
    height = 2 * obj.get("radius", 0) * obj.get("scaleY", 1)
    cx = obj.get("left", 0) + (0.5 - offsets.get(obj.get("originX", "left"), 0)) * width
    cy = obj.get("top", 0) + (0.5 - offsets.get(obj.get("originY", "top"), 0)) * height
    scale = toy2d_live.EXTENT / (CANVAS_PX / 2)
    return (cx - CANVAS_PX / 2) * scale, (CANVAS_PX / 2 - cy) * scale
