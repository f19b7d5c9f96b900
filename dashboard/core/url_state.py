"""Every page's URL parameters, declared in one table, and the only code that reads them.

A shared link such as ``/music?bars=12&temp=0.8&start=C5 D5`` restores a view. Anything in a
URL is untrusted: :data:`PAGES` lists, per page, each parameter the page reads and its kind, and
the readers below turn any text into a valid value or ``None`` with ``adjusted=True`` (the caller
shows a notice and uses its default), never an exception. The synced controls of
:mod:`dashboard.core.widgets` read through here; a parameter a page reads without declaring it here is
an error in tests (``GENAI_LAB_STRICT_URL=1``), so a fuzz test that walks this table
(``tests/pages/test_url_fuzz.py``) covers every parameter, including ones added later.

Kinds: ``int`` (a number box or slider), ``float``, ``choice`` (the position of a radio, select
box or select slider option), ``classes`` (a comma-separated list of class indices), ``text``
(free text such as starting notes) and ``code`` (a class room's code, checked against
:data:`dashboard.lesson.rooms.CODE`). ``when`` names other parameters that make the control appear
(e.g. ``?app=1`` shows the super-resolution controls), so the fuzz test can reach it.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

STRICT_ENV = "GENAI_LAB_STRICT_URL"
MAX_RAW = 2000           # longer values are never parsed (a 5,000-digit number, a pasted essay)
MAX_TEXT = 400           # free-text parameters keep at most this many characters


@dataclass(frozen=True)
class Param:
    kind: str                                            # int | float | choice | classes | text | code
    when: tuple[tuple[tuple[str, str], ...], ...] = ()   # URL contexts that show the control (any one)


INT, FLOAT, CHOICE, CLASSES, TEXT, CODE = (Param(k) for k in ("int", "float", "choice", "classes", "text", "code"))


def _when(param: Param, *contexts: dict[str, str], **others: str) -> Param:
    """``param`` drawn only in the given contexts, e.g. ``_when(INT, app="1")`` or
    ``_when(INT, {"sec": "0"}, {"sec": "3"})``."""
    return Param(param.kind, tuple(tuple(c.items()) for c in (*contexts, others) if c))


#: Read on every page (by :mod:`dashboard.core.i18n`, :mod:`dashboard.core.presenter` and, for the
#: class room a student joined, :mod:`dashboard.lesson.share_view`).
COMMON: dict[str, Param] = {"lang": CHOICE, "present": CHOICE, "room": CODE}

#: Page (its file name under ``pages/``, also its URL path) → the parameters it reads.
PAGES: dict[str, dict[str, Param]] = {
    "lesson": {},
    "overview": {"img": INT, "cls": CHOICE, "seed": INT},
    "glossary": {},
    "compare": {"cls": CHOICE, "seed": INT, "n": INT},
    "gan": {"cls": CHOICE, "za": INT, "zb": INT, "pos": INT, "seed": INT, "epoch": INT},
    "flow": {"img": INT, "cls": CHOICE, "seed": INT, "temp": INT},
    "diffusion": {"img": INT, "t": INT, "cls": CHOICE, "sampler": CHOICE, "seed": INT, "steps": INT, "w": INT},
    "pipeline": {"fam": CHOICE, "classes": CLASSES, "n": CHOICE, "ep": INT, "seed": INT},
    "latent_map": {"model": CHOICE, "p0": INT, "p1": INT, "seed": INT},
    "autoencoder": {"img": INT, "beta": CHOICE, "seed": INT},
    "interpolation": {"asrc": CHOICE, "a": INT, "bsrc": CHOICE, "b": INT, "frames": INT, "gcls": CHOICE, "ga": INT,
                      "gb": INT, "minus": CHOICE, "plus": CHOICE},
    "tokens": {"tok": CHOICE},
    "next_token": {"model": CHOICE, "temp": FLOAT, "top_k": INT, "top_p": FLOAT, "seed": INT, "max_new": INT},
    "own_text": {"secs": CHOICE, "seed": INT},
    "own_images": {"fam": CHOICE, "secs": CHOICE, "seed": INT},
    "transformer_vs_rnn": {"attn_model": CHOICE, "layer": INT, "head": INT},
    "lab_2d": {"data": CHOICE, "family": CHOICE, "lr": FLOAT, "spr": INT, "seed": INT, "t": _when(INT, family="3"),
               "mode": _when(CHOICE, family="0"), "k": _when(INT, family="0", mode="1")},
    "probability": {"model": CHOICE, "mu1": FLOAT, "s1": FLOAT, "mu2": FLOAT, "s2": FLOAT, "w": FLOAT,
                    "data2d": CHOICE, "k": INT, "seed": INT, "n": INT, "temp": FLOAT},
    "applications": {"app": CHOICE, "seed": INT, "asrc": _when(CHOICE, app="0"), "a": _when(INT, app="0"),
                     "icls": _when(CHOICE, app="0"), "mask": _when(CHOICE, app="0"),
                     "bsrc": _when(CHOICE, app="1"), "b": _when(INT, app="1"), "scls": _when(CHOICE, app="1"),
                     "factor": _when(CHOICE, app="1"), "csrc": _when(CHOICE, app="2"), "c": _when(INT, app="2"),
                     "target": _when(CHOICE, app="2"), "vcls": _when(CHOICE, app="4"),
                     "dsrc": _when(CHOICE, app="5"), "d": _when(INT, app="5"), "sto": _when(CHOICE, app="5"),
                     "strength": _when(FLOAT, app="5")},
    "augmentation": {"fam": CHOICE, "real": CHOICE, "synth": CHOICE, "seed": INT},
    "landscape": {},
    "music": {"mode": CHOICE, "bars": INT, "temp": FLOAT, "seed": INT, "bpm": INT, "start": TEXT, "tune": CHOICE},
    "pros_cons": {"sec": CHOICE, "seed": _when(INT, {"sec": "0"}, {"sec": "3"}, {"sec": "4"}),
                  "psrc": _when(CHOICE, sec="0"), "p": _when(INT, sec="0"), "spread": _when(FLOAT, sec="0"),
                  "mfam": _when(CHOICE, sec="2"), "bfam": _when(CHOICE, sec="3"), "cfam": _when(CHOICE, sec="4"),
                  "ccls": _when(CHOICE, sec="4")},
}


#: Read on every page (by :mod:`dashboard.lesson.lesson_view`): ``?step=n`` says the visitor came from the
#: lesson path, so the page ends with a link to the next step.
LESSON: dict[str, Param] = {"step": INT}
PAGES = {page: {**params, **LESSON} for page, params in PAGES.items()}

#: In strict mode (tests): page → the parameters it was seen reading, for the coverage test.
SEEN: dict[str, dict[str, str]] = {}


class UndeclaredParameter(LookupError):
    """A page read a URL parameter that :data:`PAGES` does not list for it."""


def current_page() -> str:
    """The running page's name (``pages/<name>.py``); ``""`` outside a Streamlit run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return ""
    manager = ctx.pages_manager
    info = manager.get_pages().get(manager.current_page_script_hash) or {}
    return Path(str(info.get("script_path", ""))).stem


def declared(page: str) -> dict[str, Param]:
    return {**COMMON, **PAGES.get(page, {})}


def check_declared(name: str, kind: str) -> None:
    """Raise :class:`UndeclaredParameter` in strict mode (tests) for a parameter missing from the table."""
    page = current_page()
    if page not in PAGES or not os.environ.get(STRICT_ENV):
        return
    SEEN.setdefault(page, {})[name] = kind
    param = declared(page).get(name)
    if param is None or param.kind != kind:
        found = "undeclared" if param is None else f"declared as {param.kind!r}"
        raise UndeclaredParameter(f"page {page!r} reads ?{name}= as {kind!r} but it is {found} in "
                                  f"dashboard/url_state.PAGES")


def raw(name: str, kind: str) -> str | None:
    """The URL's text for ``name`` (the last one if repeated), after the declaration check."""
    check_declared(name, kind)
    value = st.query_params.get(name)
    return None if value is None else str(value)


def write(name: str, value: object) -> None:
    st.query_params[name] = str(value)


# --- parsing: text in, a valid value (or None) and whether anything was changed out ---------------

_ASCII_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?", re.ASCII)
_ASCII_INT = re.compile(r"[+-]?\d+", re.ASCII)


def parse_number(text: str, lo: float, hi: float, cast=int) -> tuple[float | int | None, bool]:
    """``text`` as a number in [lo, hi]: ``(value, adjusted)``; ``(None, True)`` for anything that is
    not a plain ASCII decimal (``²``, ``٣``, ``0x10``, ``nan``, ``inf``, 5,000 digits)."""
    text = text.strip()
    if len(text) > 40 or not _ASCII_NUMBER.fullmatch(text):
        return None, True
    if cast is int:
        if not _ASCII_INT.fullmatch(text):
            return None, True
        value: float | int = int(text)
    else:
        value = float(text)
        if not math.isfinite(value):
            return None, True
    clamped = min(max(value, lo), hi)
    return cast(clamped), clamped != value


def parse_classes(text: str, count: int) -> tuple[list[int], bool]:
    """``"1,7,8"`` → sorted distinct class indices below ``count``; anything else is dropped."""
    parts = [p.strip() for p in text[:MAX_RAW].split(",")]
    kept = sorted({int(p) for p in parts if re.fullmatch(r"[0-9]{1,2}", p) and int(p) < count})
    wanted = [p for p in parts if p]
    return kept, len(kept) != len(wanted) or len(text) > MAX_RAW


def parse_text(text: str, limit: int = MAX_TEXT) -> tuple[str, bool]:
    """Free text: control and format characters removed, at most ``limit`` characters."""
    cleaned = "".join(ch for ch in text[: limit * 4] if unicodedata.category(ch)[0] != "C" or ch == " ")
    cleaned = cleaned[:limit]
    return cleaned, cleaned != text
