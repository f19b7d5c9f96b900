"""Links to other pages of the app that also work when a page runs on its own.

Inside ``app.py``'s navigation ``st.page_link`` finds the page and takes its title and icon from
there. A page run alone (``AppTest.from_file("pages/x.py")`` or ``streamlit run pages/x.py``)
has no navigation, so the link falls back to plain text instead of raising.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"


def page_exists(stem: str) -> bool:
    """Whether ``pages/<stem>.py`` is part of this checkout (for pages that are still planned)."""
    return (PAGES_DIR / f"{stem}.py").is_file()


def page_link(stem: str, label: str | None = None, icon: str | None = None, container=None,
              query: dict[str, str] | None = None) -> None:
    """A link to ``pages/<stem>.py``; ``label=None`` uses the page's title from the navigation.
    ``query`` (declared URL parameters only, :data:`dashboard.core.url_state.PAGES`) opens the page
    with those settings."""
    target = container if container is not None else st
    try:
        target.page_link(f"pages/{stem}.py", label=label, icon=icon, query_params=query or None)
    except StreamlitAPIException:  # not inside app.py's navigation
        target.markdown(f"→ {label or stem}")
