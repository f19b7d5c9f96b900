"""GenAI Lab entry point: page navigation, language switch, shared layout."""

import streamlit as st

from dashboard.core import navigation
from dashboard.core.i18n import init_lang, language_switch, t
from dashboard.lesson import lesson_view

st.set_page_config(page_title="GenAI Lab", page_icon="🧪", layout="wide")
init_lang()

pages = {t(section): [st.Page(p.file, title=t(p.title), icon=p.icon, url_path=p.url_path, default=p.default)
                     for p in rows]
         for section, rows in navigation.sections().items()}
page = st.navigation(pages, expanded=True)  # every page listed, none behind "View N more"
language_switch()
st.sidebar.caption(t("app.footer"))
lesson_view.arrive()  # a lesson link's settings win over values held from another page
page.run()
lesson_view.try_this()  # the page's question; the next step when it was opened from the lesson path
