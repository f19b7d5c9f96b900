"""Glossary: one Korean and one English name per concept, used on every page."""

import streamlit as st

from dashboard.core import widgets
from dashboard.core.i18n import glossary, lang, t

widgets.setup_page()
st.title(t("glossary.title"))
widgets.paragraph("glossary.intro")

entries = glossary()
topics = list(dict.fromkeys(e["topic"] for e in entries))
query_col, topic_col = st.columns([2, 1])
query = query_col.text_input(t("glossary.search"), placeholder=t("glossary.search_hint"), max_chars=80)
topic_names = {k: t(f"glossary.topic.{k}") for k in ["all", *topics]}
topic = topic_col.selectbox(t("glossary.topic"), list(topic_names), format_func=topic_names.get)

here, other = lang(), "en" if lang() == "ko" else "ko"
needle = query.strip().lower()
shown = [
    e for e in entries
    if (topic == "all" or e["topic"] == topic)
    and (not needle or any(needle in e[k].lower() for k in ("ko", "en", "def_ko", "def_en")))
]
st.caption(t("glossary.count", n=len(shown), total=len(entries)))
box = widgets.key_figure()  # the table of terms
if not shown:
    box.info(t("glossary.none"), icon="🔎")
else:
    widgets.table(
        [{t("glossary.col.term"): e[here], t("glossary.col.other"): e[other],
          t("glossary.col.topic"): topic_names[e["topic"]], t("glossary.col.definition"): e[f"def_{here}"]}
         for e in shown],
        "glossary", {"topic": topic, "search": needle}, static=True, container=box, hide_index=True,
        border="horizontal",
    )
