"""GenAI Lab entry point: page navigation, language switch, presenter mode, shared layout."""

import streamlit as st

from dashboard.core import navigation, presenter
from dashboard.core.i18n import init_lang, language_switch, t
from dashboard.lesson import share_view

# Presenter mode (?present=1, kept in the session) starts with the sidebar folded; its opener at the
# top left, reachable by keyboard, brings back the menu and the switch that turns the mode off.
st.set_page_config(page_title="GenAI Lab", page_icon="🧪", layout="wide",
                   initial_sidebar_state="collapsed" if presenter.init() else "auto")
init_lang()

pages = {t(section): [st.Page(p.file, title=t(p.title), icon=p.icon, url_path=p.url_path, default=p.default)
                     for p in rows]
         for section, rows in navigation.sections().items()}
page = st.navigation(pages, expanded=True)  # every page listed, none behind "View N more"
language_switch()
presenter.toggle(t("presenter.toggle"), t("presenter.toggle_help"))
presenter.inject_css()
st.sidebar.caption(t("app.footer"))
share_view.room_box(page.url_path)       # a joined student's question, or the instructor's live answers
page.run()
share_view.share_control(page.url_path)  # after the page: its controls have written the URL
