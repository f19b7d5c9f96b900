"""Tokens: how text becomes the numbers a language model reads."""

import streamlit as st

from dashboard.core import charts, widgets
from dashboard.core.i18n import lang, t
from dashboard.language import loaders as language_loaders
from dashboard.language import text_view
from models.language import corpus, tokenization

widgets.setup_page()
st.title(t("tokens.title"))
widgets.paragraph("tokens.intro")

# 1. Your text, cut into tokens ------------------------------------------------------------
st.header(t("tokens.try.header"))
sample = text_view.prompt_box(t("tokens.input"), "tokens_text", tokenization.SAMPLE_TEXT[lang()])
kinds = [(lg, kind) for lg in corpus.LANGS for kind in tokenization.KINDS]
labels = [t(f"tokens.tok.{lg}_{kind}") for lg, kind in kinds]
default = kinds.index((lang(), "bpe"))
chosen = widgets.synced_index(st.radio, t("tokens.which"), "tok", labels, default, horizontal=True)
tok_lang, tok_kind = kinds[chosen]
tokenizer = widgets.load_or_stop(lambda: language_loaders.tokenizer(tok_lang, tok_kind))
pieces = tokenization.pieces(tokenizer, sample)
box = widgets.key_figure()  # the text cut into tokens
if pieces:
    box.markdown(text_view.token_html(pieces), unsafe_allow_html=True)
    unknown = tokenization.unknown_count(tokenizer, sample)
    st.caption(t("tokens.count", chars=len(sample), tokens=len(pieces), ratio=f"{len(sample) / len(pieces):.2f}",
                 unknown=unknown))
    if unknown:
        st.warning(t("tokens.unknown", n=unknown), icon="❓")
else:
    st.info(t("tokens.empty"), icon="✏️")

# 2. The same text through every tokenizer ------------------------------------------------
st.subheader(t("tokens.all.header"))
rows = []
for (lg, kind), name in zip(kinds, labels, strict=True):
    tok = widgets.load_or_stop(lambda lg=lg, kind=kind: language_loaders.tokenizer(lg, kind))
    n = len(tok(sample, add_special_tokens=False)["input_ids"]) if sample else 0
    rows.append({t("tokens.col.tokenizer"): name, t("tokens.col.vocab"): len(tok), t("tokens.col.tokens"): n,
                 t("tokens.col.ratio"): round(len(sample) / n, 2) if n else 0.0,
                 t("tokens.col.unknown"): tokenization.unknown_count(tok, sample) if sample else 0})
widgets.table(rows, "tokenizers", {"chars": len(sample)}, hide_index=True, width="stretch")

# 3. Korean vs English: characters per token, measured ------------------------------------
st.header(t("tokens.cpt.header"))
widgets.paragraph("tokens.cpt.body")
stats = widgets.load_or_stop(language_loaders.tokenizer_stats)
fig = charts.grouped_bars({t(f"tokens.textlang.{text_lang}"): [stats[f"{lg}_{kind}"][text_lang] for lg, kind in kinds]
                           for text_lang in corpus.LANGS}, labels, t("tokens.cpt.y"))
st.plotly_chart(fig, key="cpt")
st.caption(t("tokens.cpt.caption", en=f"{stats['en_bpe']['en']:.2f}", ko=f"{stats['ko_bpe']['ko']:.2f}",
             cross=f"{stats['en_bpe']['ko']:.2f}"))

# 4. Why byte-level BPE never meets an unknown character ----------------------------------
st.header(t("tokens.bytes.header"))
widgets.paragraph("tokens.bytes.body")
demo = tokenization.UNUSUAL_TEXT[lang()]
b1, b2 = st.columns(2)
for column, kind in ((b1, "bpe"), (b2, "char")):
    tok = widgets.load_or_stop(lambda kind=kind: language_loaders.tokenizer(lang(), kind))
    column.markdown(f"**{t(f'tokens.tok.{lang()}_{kind}')}**")
    column.markdown(text_view.token_html(tokenization.pieces(tok, demo), show_ids=False), unsafe_allow_html=True)
    column.caption(t("tokens.bytes.unknown", n=tokenization.unknown_count(tok, demo)))
