"""The generative AI landscape: output modalities, the model families behind them, the application
areas where they are put to work, and where each idea can be tried in this app."""

import pandas as pd
import streamlit as st

from dashboard.core import links, widgets
from dashboard.core.i18n import t
from models.apps.landscape import AREAS, FAMILIES, MAIN, MODALITIES, PART

widgets.setup_page()
st.title(t("landscape.title"))
widgets.paragraph("landscape.intro")

# 1. Modality x model family --------------------------------------------------------------
st.header(t("landscape.table.header"))
widgets.paragraph("landscape.table.body")
table = pd.DataFrame(
    [[f"{m.icon} {t(f'modality.{m.key}.name')}", *(t(f"landscape.level.{m.families[f]}") for f in FAMILIES)]
     for m in MODALITIES],
    columns=[t("landscape.table.modality"), *(t(f"landscape.family.{f}") for f in FAMILIES)],
)
with widgets.key_figure():  # modality × model family
    widgets.table(table, "landscape", static=True, hide_index=True, border="horizontal")
    st.caption(t("landscape.legend"))
widgets.paragraph("landscape.flow_note", kind="info")


def family_names(modality, level: int) -> str:
    return ", ".join(t(f"landscape.family.{f}") for f in FAMILIES if modality.families[f] == level)


def in_cards(items):
    """Each item in a bordered card of its own, two cards a row (yields inside the card)."""
    for i in range(0, len(items), 2):
        for col, item in zip(st.columns(2, gap="medium"), items[i:i + 2], strict=False):
            with col.container(border=True):
                yield item


# 2. Output by output ----------------------------------------------------------------------
st.header(t("landscape.detail.header"))
for m in in_cards(MODALITIES):
    st.subheader(f"{m.icon} {t(f'modality.{m.key}.name')}", anchor=f"modality-{m.key}")
    st.markdown(t(f"modality.{m.key}.what"))
    st.caption(t("overview.modalities.systems", systems=t(f"modality.{m.key}.systems")))
    st.markdown(f"**{t('landscape.main', families=family_names(m, MAIN))}**  \n"
                + t("landscape.also", families=family_names(m, PART) or "–"))
    st.markdown(t(f"landscape.{m.key}.how"))
    st.markdown(t(f"landscape.{m.key}.here"))
    if m.made_here:
        st.success(t("landscape.made_here"), icon="✅")
    st.markdown(f"**{t('landscape.try')}**")
    for stem in m.planned:
        if links.page_exists(stem):
            links.page_link(stem)
        else:
            st.caption(t("landscape.planned"))
    for stem in m.demos:
        links.page_link(stem)


# 3. Application areas ----------------------------------------------------------------------
st.header(t("landscape.areas.header"))
widgets.paragraph("landscape.areas.body")
st.markdown("\n".join([
    f"| {t('landscape.areas.col.area')} | {t('landscape.areas.col.what')} | {t('landscape.areas.col.families')} |",
    "|---|---|---|",
    *(f"| {a.icon} {t(f'area.{a.key}.name')} | {t(f'area.{a.key}.what')} | "
      f"{', '.join(t(f'landscape.family.{f}') for f in a.families)} |" for a in AREAS),
]))
for a in in_cards(AREAS):
    st.subheader(f"{a.icon} {t(f'area.{a.key}.name')}", anchor=f"area-{a.key}")
    st.markdown(t(f"area.{a.key}.how"))
    st.markdown(f"**{t('landscape.try')}**")
    for stem in a.demos:
        links.page_link(stem)
