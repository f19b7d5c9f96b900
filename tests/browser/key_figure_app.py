"""A stand-in page for the presenter-mode layout test: a title, a folded introduction, controls,
and one figure in ``st.container(key="key_figure")`` placed in the narrow column of a row, the way a
page may declare its key figure. Run by tests/browser/test_presenter_browser.py only."""

import numpy as np
import streamlit as st

from dashboard.core import presenter, widgets
from dashboard.core.i18n import init_lang, t

st.set_page_config(page_title="key figure", layout="wide",
                   initial_sidebar_state="collapsed" if presenter.init() else "auto")
init_lang()
presenter.inject_css()
st.title(t("gan.title"))
widgets.paragraph("gan.intro")
st.header(t("gan.generator.header"))
widgets.paragraph("gan.generator.body")
c1, c2, c3 = st.columns(3)
c1.selectbox(t("gan.class"), ["a", "b"])
c2.number_input(t("gan.seed_a"), value=1)
c3.number_input(t("gan.seed_b"), value=2)
left, right = st.columns([1, 2])
with left, st.container(key="key_figure"):
    tiles = np.kron(np.random.default_rng(0).integers(0, 255, (28, 28 * 8), dtype=np.uint8),
                    np.ones((4, 4), np.uint8))
    st.image(tiles, caption="key figure")
right.markdown(t("gan.generator.body"))
