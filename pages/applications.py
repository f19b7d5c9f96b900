"""Applications: inpainting, super-resolution, editing, text → image and image → video with our own models."""

import streamlit as st

from dashboard.apps import apps_view as view
from dashboard.core import widgets
from dashboard.core.i18n import t
from dashboard.image import loaders as image_loaders

widgets.setup_page()
st.title(t("apps.title"))
widgets.paragraph("apps.intro")
widgets.load_or_stop(lambda: image_loaders.zoo_model("diffusion"))

names = [t(f"apps.section.{s}") for s in view.SECTIONS]
section = view.SECTIONS[widgets.synced_index(st.radio, t("apps.choose"), "app", names, horizontal=True)]
st.header(names[view.SECTIONS.index(section)])
with widgets.key_figure():  # the chosen application, live
    view.SECTION_VIEWS[section]()

st.divider()
st.subheader(t("apps.limits.header"))
widgets.paragraph("apps.limits.body")
