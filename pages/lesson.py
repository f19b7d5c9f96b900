"""Lesson path: a 60–90 minute course through the pages in menu order, each step with its link
(settings preloaded), what to show, its question and its minutes."""

import streamlit as st

from dashboard.core import widgets
from dashboard.core.i18n import t
from dashboard.lesson import lesson_view

widgets.setup_page()
st.title(t("lesson.title"))
widgets.paragraph("lesson.intro", n=len(lesson_view.steps()), minutes=lesson_view.total_minutes())
with widgets.key_figure():  # the route itself is this page's figure
    lesson_view.path()
