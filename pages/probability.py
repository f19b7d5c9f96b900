import streamlit as st

from dashboard import widgets
from dashboard.i18n import t

widgets.setup_page()
st.title(t("prob.title"))
