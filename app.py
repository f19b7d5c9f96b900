"""GenAI Lab entry point: page navigation, language switch, shared layout."""

import streamlit as st

from dashboard.core.i18n import init_lang, language_switch, t

st.set_page_config(page_title="GenAI Lab", page_icon="🧪", layout="wide")
init_lang()

pages = {
    t("section.basics"): [
        st.Page("pages/overview.py", title=t("nav.overview"), icon="✨", url_path="overview", default=True),
        st.Page("pages/glossary.py", title=t("nav.glossary"), icon="📖", url_path="glossary"),
    ],
    t("section.image_models"): [
        st.Page("pages/compare.py", title=t("nav.compare"), icon="⚖️", url_path="compare"),
        st.Page("pages/gan.py", title=t("nav.gan"), icon="🥊", url_path="gan"),
        st.Page("pages/flow.py", title=t("nav.flow"), icon="🔁", url_path="flow"),
        st.Page("pages/diffusion.py", title=t("nav.diffusion"), icon="🌫️", url_path="diffusion"),
        st.Page("pages/pipeline.py", title=t("nav.pipeline"), icon="🏋️", url_path="pipeline"),
    ],
    t("section.latent"): [
        st.Page("pages/latent_map.py", title=t("nav.latent_map"), icon="🗺️", url_path="latent_map"),
        st.Page("pages/autoencoder.py", title=t("nav.autoencoder"), icon="🔍", url_path="autoencoder"),
        st.Page("pages/interpolation.py", title=t("nav.interpolation"), icon="🔀", url_path="interpolation"),
    ],
    t("section.text"): [
        st.Page("pages/tokens.py", title=t("nav.tokens"), icon="🔤", url_path="tokens"),
        st.Page("pages/next_token.py", title=t("nav.next_token"), icon="✍️", url_path="next_token"),
        st.Page("pages/transformer_vs_rnn.py", title=t("nav.tvr"), icon="🔭", url_path="transformer_vs_rnn"),
    ],
    t("section.lab"): [
        st.Page("pages/lab_2d.py", title=t("nav.lab_2d"), icon="🧫", url_path="lab_2d"),
        st.Page("pages/probability.py", title=t("nav.probability"), icon="🎲", url_path="probability"),
    ],
    t("section.society"): [
        st.Page("pages/applications.py", title=t("nav.applications"), icon="🛠️", url_path="applications"),
        st.Page("pages/augmentation.py", title=t("nav.augmentation"), icon="🧩", url_path="augmentation"),
        st.Page("pages/landscape.py", title=t("nav.landscape"), icon="🌐", url_path="landscape"),
        st.Page("pages/music.py", title=t("nav.music"), icon="🎼", url_path="music"),
        st.Page("pages/pros_cons.py", title=t("nav.pros_cons"), icon="📏", url_path="pros_cons"),
    ],
}
page = st.navigation(pages)
language_switch()
st.sidebar.caption(t("app.footer"))
page.run()
