"""Presenter mode: the app readable from the back of a room on a 1280×720 projector.

On with ``?present=1`` or the sidebar toggle; like the language (:func:`dashboard.core.i18n.init_lang`)
it lives in ``st.session_state`` and is written back to the URL on every run, because sidebar
navigation drops query parameters. ``?present=0`` turns it off; off, the parameter is left out of
the URL. When on: the sidebar starts collapsed (``app.py``), type is larger, controls are closer
together, explanations are folded (:func:`dashboard.core.widgets.paragraph`) and the page's key
figure (``widgets.key_figure()``, DOM class ``st-key-key_figure``) gets the full content width.
"""

from __future__ import annotations

import streamlit as st

PARAM = "present"
_STATE = "presenter"
_WIDGET = "_presenter_toggle"

#: Static CSS injected on every run: on phones (390 px) nothing pushes the page sideways, and what is
#: wider than the screen (a formula, a Markdown table, a canvas) scrolls inside its own box.
BASE_CSS = """
<style>
[data-testid="stMarkdownContainer"] code, [data-testid="stMarkdownContainer"] a,
[data-testid="stCaptionContainer"] code, [data-testid="stCaptionContainer"] a { overflow-wrap: anywhere; }
[data-testid="stMarkdownContainer"] .katex-display { overflow-x: auto; overflow-y: hidden; max-width: 100%;
  padding: 0.1rem 0; }
[data-testid="stImage"] img { max-width: 100%; height: auto; }
@media (max-width: 640px) {
  [data-testid="stMarkdownContainer"] table { display: block; overflow-x: auto; max-width: 100%; }
  [data-testid="stTable"], [data-testid="stCustomComponentV1"], iframe { max-width: 100%; overflow-x: auto; }
  [data-testid="stMarkdownContainer"] pre { max-width: 100%; overflow-x: auto; }
}
</style>
"""

#: Static CSS injected while presenter mode is on (a constant: no user or URL text ever goes in).
CSS = """
<style>
/* larger type: body text, lists, tables, widget labels and values at least 20 px */
.stApp [data-testid="stMarkdownContainer"] p,
.stApp [data-testid="stMarkdownContainer"] li,
.stApp [data-testid="stMarkdownContainer"] td,
.stApp [data-testid="stMarkdownContainer"] th,
.stApp [data-testid="stCaptionContainer"],
.stApp [data-testid="stCaptionContainer"] p,
.stApp [data-testid="stWidgetLabel"] p,
.stApp [data-testid="stExpander"] summary p,
.stApp [data-testid="stTable"] td, .stApp [data-testid="stTable"] th,
.stApp [data-testid="stMetricLabel"] p { font-size: 20px !important; line-height: 1.45; }
.stApp [data-testid="stMetricValue"] { font-size: 2.4rem; }
.stApp input, .stApp textarea, .stApp [data-baseweb="select"] { font-size: 20px !important; }
/* less chrome above the first screen: a thin top margin, tighter titles */
.stMainBlockContainer, [data-testid="stMainBlockContainer"] { padding-top: 3.75rem !important;
  padding-left: 2rem !important; padding-right: 2rem !important; max-width: 100% !important; }
.stApp h1 { font-size: 2.2rem; padding: 0 0 0.25rem 0 !important; margin: 0 !important; }
.stApp h2 { font-size: 1.8rem; padding: 0.5rem 0 0.2rem 0 !important; }
.stApp h3 { font-size: 1.5rem; padding: 0.4rem 0 0.2rem 0 !important; }
/* condensed controls: smaller gaps between blocks and widgets */
.stMainBlockContainer [data-testid="stVerticalBlock"] { gap: 0.5rem; }
.stMainBlockContainer [data-testid="stHorizontalBlock"] { gap: 0.75rem; }
.stMainBlockContainer [data-testid="stExpander"] details summary { padding-top: 0.3rem; padding-bottom: 0.3rem; }
/* the key figure takes the whole content width, even when the page puts it in a column */
[data-testid="stHorizontalBlock"]:has(.st-key-key_figure) { flex-wrap: wrap; }
[data-testid="stColumn"]:has(.st-key-key_figure) { flex: 1 1 100% !important; width: 100% !important;
  min-width: 100% !important; }
.st-key-key_figure, .st-key-key_figure :is([data-testid="stElementContainer"], [data-testid="stFullScreenFrame"],
  [data-testid="stFullScreenFrame"] > div, [data-testid="stImage"], [data-testid="stImageContainer"]) {
  width: 100% !important; max-width: 100% !important; }
.st-key-key_figure [data-testid="stImage"] img { width: 100% !important; height: auto !important;
  image-rendering: pixelated; }
</style>
"""


def _asked() -> bool | None:
    """What the URL asks for: ``True`` for ``?present=1``, ``False`` for any other value, ``None`` without one."""
    text = st.query_params.get(PARAM)  # read like ``lang`` (declared in url_state.COMMON)
    return None if text is None else str(text).strip() == "1"


def init() -> bool:
    """Settle this run's mode (the URL first, then the session) and write it back to the URL."""
    asked = _asked()
    if asked is not None:
        st.session_state[_STATE] = asked
    on = bool(st.session_state.get(_STATE, False))
    st.session_state[_STATE] = on
    if on and st.query_params.get(PARAM) != "1":
        st.query_params[PARAM] = "1"
    elif not on and PARAM in st.query_params:
        del st.query_params[PARAM]
    return on


def is_on() -> bool:
    """Whether presenter mode is on for this session (settled by :func:`init`, else read from the URL)."""
    if _STATE not in st.session_state:
        return init()
    return bool(st.session_state[_STATE])


def _on_toggle() -> None:
    st.session_state[_STATE] = bool(st.session_state.get(_WIDGET))
    if st.session_state[_STATE]:
        st.query_params[PARAM] = "1"
    elif PARAM in st.query_params:
        del st.query_params[PARAM]


def toggle(label: str, help_text: str) -> bool:
    """The sidebar switch (next to the language switch); returns whether the mode is on."""
    on = is_on()
    if st.session_state.get(_WIDGET) != on:
        st.session_state[_WIDGET] = on
    st.sidebar.toggle(label, key=_WIDGET, on_change=_on_toggle, help=help_text)
    return is_on()


def inject_css() -> None:
    """Add the layout style sheet to this run's page, and the presenter one while the mode is on."""
    st.html(BASE_CSS + (CSS if is_on() else ""))
