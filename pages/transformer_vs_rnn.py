"""Transformer vs RNN: where attention looks, and what the two architectures cost, measured."""

import streamlit as st

from dashboard.core import charts, loaders, widgets
from dashboard.core.i18n import lang, t
from dashboard.language import loaders as language_loaders
from dashboard.language import own_view, text_sections, text_view
from models.language import corpus, text

widgets.setup_page()
st.title(t("tvr.title"))
widgets.paragraph("tvr.intro")

# 1. Self-attention, layer by layer and head by head ----------------------------------------
st.header(t("tvr.attn.header"))
widgets.paragraph("tvr.attn.body")
st.latex(r"\mathrm{Attention}(Q,K,V)=\mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}} + M\right)V")
c1, c2 = st.columns([1, 2])
name = text_view.model_choice("attn_model", archs=("gpt",), container=c1, own=True)
own = own_view.session_run() if name == own_view.OWN else None  # the model trained on "Your own text"
gpt = own.tm if own else widgets.load_or_stop(lambda: language_loaders.text_model(name))
prompt = text_view.prompt_box(t("tvr.attn.prompt"), f"attn_prompt_{gpt.name}",
                              own.prompt if own else text.ATTENTION_TEXTS[gpt.config.lang], height=70, container=c2)
MAX_SHOWN = 32
# shipped models: one view shared by every session; the session's own model: computed here, from its weights
view = text.attention_of(own.tm, prompt, MAX_SHOWN) if own else language_loaders.attention_view(name, prompt,
                                                                                                    MAX_SHOWN)
layers, heads = view["maps"].shape[:2]
l1, l2 = st.columns(2)
# a model with one layer or one head (one trained on "Your own text" may be that small) has nothing to slide
layer = widgets.synced_int(l1.slider, t("tvr.attn.layer"), "layer", 1, 1, layers) if layers > 1 else 1
head = widgets.synced_int(l2.slider, t("tvr.attn.head"), "head", 1, 1, heads) if heads > 1 else 1
labels = [f"{i}:{repr(tok)[1:-1]}" for i, tok in enumerate(view["tokens"])]
if len(view["tokens"]) >= MAX_SHOWN:
    st.caption(t("tvr.attn.first", n=MAX_SHOWN))
fig = charts.heatmap(view["maps"][layer - 1, head - 1], x=labels, y=labels, zmin=0, zmax=1, colorscale="Blues",
                     height=560, title=t("tvr.attn.map", layer=layer, head=head))
fig.update_xaxes(title=t("tvr.attn.key"), tickangle=-60)
fig.update_yaxes(title=t("tvr.attn.query"))
with widgets.key_figure():  # one head's attention map
    st.plotly_chart(fig, key="attention")
    st.caption(t("tvr.attn.caption"))

# 1b. The whole Transformer, drawn with this GPT's real sizes ---------------------------------
st.header(t("tvr.arch.header"))
widgets.paragraph("tvr.arch.body")
text_sections.structure(name, gpt)

# 1c. Decoder-only, encoder-only, encoder-decoder: GPT, BERT and T5 --------------------------
st.header(t("tvr.variants.header"))
widgets.paragraph("tvr.variants.body")
text_sections.variants()

# 2. Why one trains in parallel and the other does not ------------------------------------
st.header(t("tvr.why.header"))
left, right = st.columns(2)
widgets.paragraph("tvr.why.transformer", container=left)
widgets.paragraph("tvr.why.rnn", container=right)
st.plotly_chart(text_view.steps_figure(t("tvr.steps.tokens").split(), (t("tvr.steps.rnn"), t("tvr.steps.attn"))),
                key="steps_diagram")
st.caption(t("tvr.steps.caption"))

# 3. Measured side by side -----------------------------------------------------------------
st.header(t("tvr.measured.header"))
widgets.paragraph("tvr.measured.body")
bench = loaders.benchmark("text").get("models", {})
rows = []
for lg in corpus.LANGS:
    for arch in text.ARCHS:
        model_name = f"{arch}_{lg}"
        m, b = loaders.metrics(model_name), bench.get(model_name, {})
        if not m:
            continue
        rows.append({
            t("tvr.col.model"): t(f"text.model.{model_name}"), t("tvr.col.params"): m.get("parameters"),
            t("tvr.col.loss"): round(b.get("valid_nats_per_token", m.get("valid_loss_per_token", float("nan"))), 3),
            t("tvr.col.ppl"): round(b.get("valid_perplexity", m.get("valid_perplexity", float("nan"))), 1),
            t("tvr.col.char"): round(b.get("valid_nats_per_char", m.get("valid_loss_per_char", float("nan"))), 3),
            t("tvr.col.epoch"): round(m.get("seconds_per_epoch", float("nan")), 0),
            t("tvr.col.train_tps"): round(m.get("train_tokens_per_s", float("nan")), 0),
            t("tvr.col.gen_tps"): round(b.get("tokens_per_s", float("nan")), 0),
            t("tvr.col.gen_nocache"): round(b.get("tokens_per_s_no_cache", float("nan")), 0),
        })
if rows:
    widgets.table(rows, "tvr-measured", hide_index=True, width="stretch")
    machine = loaders.benchmark("text").get("machine", {})
    st.caption(t("tvr.measured.caption", machine=f"{machine.get('cpu', '?')} ({machine.get('cores', '?')} cores)")
               if machine
               else t("tvr.measured.no_bench"))
else:
    st.warning(t("tvr.measured.none"), icon="⚠️")

curves = {}
for arch in text.ARCHS:
    m = loaders.metrics(f"{arch}_{lang()}")
    if m.get("valid_curve"):
        curves[t(f"text.model.{arch}_{lang()}")] = m["valid_curve"]
if curves:
    fig = charts.curves({k: [p["loss"] for p in v] for k, v in curves.items()}, t("tvr.curve.x"), t("tvr.curve.y"),
                        x=[p["step"] for p in next(iter(curves.values()))], title=t("tvr.curve.title"))
    st.plotly_chart(fig, key="valid_curves")
widgets.model_card([], developer=[
    (t("card.measured_by"), "`python -m benchmarks text`"),
    (t("card.retrain"), " · ".join(f"`python -m models train {arch}_{lg}`"
                                   for lg in corpus.LANGS for arch in text.ARCHS)),
])

# 4. Try the speed yourself -----------------------------------------------------------------
st.subheader(t("tvr.speed.header"))
widgets.paragraph("tvr.speed.body")
st.button(t("tvr.speed.go"), icon="⏱️", on_click=lambda: st.session_state.update(tvr_speed=True))
if st.session_state.pop("tvr_speed", False):
    with st.spinner(t("tvr.speed.running")):
        lstm_lang = lang() if own else name.split("_")[1]  # the LSTM of the GPT's language (your model: the UI's)
        lstm = widgets.load_or_stop(lambda: language_loaders.text_model(f"lstm_{lstm_lang}"))
        measured = {t("tvr.speed.cache"): text.tokens_per_second(gpt, 60, use_cache=True),
                    t("tvr.speed.nocache"): text.tokens_per_second(gpt, 60, use_cache=False),
                    t("tvr.speed.lstm"): text.tokens_per_second(lstm, 60)}
    st.plotly_chart(charts.bars(list(measured.values()), list(measured), "", t("tvr.speed.y")), key="speed")

# 5. From our small GPT to large language models ---------------------------------------------
st.header(t("tvr.llm.header"))
for part in ("pretrain", "tuning", "chat", "cost"):
    widgets.paragraph(f"tvr.llm.{part}")
st.subheader(t("tvr.llm.scale.header"))
text_sections.llm_scale(name)
