"""Next-token lab: an autoregressive model writes one token at a time, and you can watch and steer it."""

import time

import numpy as np
import streamlit as st

from dashboard import serving
from dashboard.core import charts, loaders, widgets
from dashboard.core.i18n import lang, t
from dashboard.language import loaders as language_loaders
from dashboard.language import own_view, text_sections, text_view
from models.core import checkpoints
from models.language import text

widgets.setup_page()
st.title(t("next.title"))
widgets.paragraph("next.intro")

# 1. Model, prompt and decoding settings ----------------------------------------------------
c1, c2 = st.columns([1, 2])
name = text_view.model_choice(container=c1, hub=True, own=True, extra=text.CODE_MODELS)
own = own_view.session_run() if name == own_view.OWN else None  # the model trained on "Your own text"


def _model_or_fallback(chosen: str):
    """``(name, model)``: the chosen model, or the shipped GPT when the hub model cannot be had."""
    if own is not None:
        return chosen, own.tm
    try:
        return chosen, language_loaders.text_model(chosen)
    except checkpoints.HubModelError as exc:  # offline, a wrong id, no pinned revision: tried once, remembered
        fallback = f"gpt_{lang()}"
        c1.warning(t("common.hub_fallback", detail=str(exc), model=t(f"text.model.{fallback}")), icon="🌐")
        return fallback, language_loaders.text_model(fallback)


name, tm = widgets.load_or_stop(lambda: _model_or_fallback(name))
code = text_view.is_code(tm)  # the code model's output is shown as code (monospace, kept as written)
prompt = text_view.prompt_box(t("next.prompt"), f"prompt_{tm.name}",
                              own.prompt if own else text_view.default_prompt(name), container=c2)
prompt_ids, cut = tm.encode(prompt)
if cut:
    st.info(t("text.notice.context", n=tm.context - 1), icon="✂️")

s1, s2, s3, s4, s5 = st.columns(5)
temperature = widgets.synced_float(s1.slider, t("next.temperature"), "temp", 1.0, 0.05, 2.0, step=0.05,
                                   help=t("next.temperature_help"))
top_k = widgets.synced_int(s2.slider, t("next.top_k"), "top_k", 40, 0, 200, help=t("next.top_k_help"))
top_p = widgets.synced_float(s3.slider, t("next.top_p"), "top_p", 0.95, 0.05, 1.0, step=0.05,
                             help=t("next.top_p_help"))
seed = widgets.seed_input(container=s4)
max_new = widgets.synced_int(s5.number_input, t("next.max_new"), "max_new", 80, 1, text.MAX_NEW_TOKENS, step=10)
decoding = text.Decoding(temperature, top_k, top_p)

# 2. One token at a time ----------------------------------------------------------------------
st.header(t("next.step.header"))
widgets.paragraph("next.step.body")
signature = (tm.name, tuple(prompt_ids))
if st.session_state.get("nt_signature") != signature:
    st.session_state["nt_signature"], st.session_state["nt_chosen"] = signature, []
chosen: list[int] = st.session_state["nt_chosen"]
ids = prompt_ids + chosen
view = text.candidates(tm, ids, decoding)
shown = [text_view.token_label(s) for s in view["texts"]]
stage_names = {"raw": t("next.stage.raw"), "temperature": t("next.stage.temperature"),
               "top_k": t("next.stage.top_k"), "top_p": t("next.stage.top_p")}
with widgets.key_figure():  # the next-token distribution, stage by stage
    st.plotly_chart(charts.grouped_bars({label: view["stages"][key] for key, label in stage_names.items()}, shown,
                                        t("next.step.y"), percent=True, height=360), key="stages")
    st.caption(t("next.step.caption", kept=f"{view['kept']:,}", vocab=f"{len(tm.tokenizer):,}",
                 entropy=f"{view['entropy']:.2f}"))


def _add(token: int) -> None:
    st.session_state["nt_chosen"] = st.session_state["nt_chosen"] + [int(token)]


b1, b2, b3, b4, b5 = st.columns([1, 1, 2, 1, 1])
rng = np.random.default_rng([seed, len(chosen)])
b1.button(t("next.step.sample"), on_click=_add, args=(text.choose(view["final"], decoding, rng),), icon="🎲",
          disabled=view["kept"] == 0)
b2.button(t("next.step.greedy"), on_click=_add, args=(view["ids"][0],), icon="🥇")
options = [f"{token}  ({p:.1%})" for token, p in zip(shown, view["stages"]["raw"], strict=True)]
pick = b3.selectbox(t("next.step.pick"), range(len(shown)), format_func=options.__getitem__,
                    label_visibility="collapsed")
b4.button(t("next.step.add"), on_click=_add, args=(view["ids"][pick],), icon="👆")
b5.button(t("next.step.reset"), on_click=lambda: st.session_state.update(nt_chosen=[]), icon="🔄", disabled=not chosen)
st.markdown(text_view.token_html([(i, tm.decode([i])) for i in ids], show_ids=False, highlight_from=len(prompt_ids)),
            unsafe_allow_html=True)

# 2b. The chain rule: the probability of the whole text, token by token ---------------------
st.header(t("next.chain.header"))
widgets.paragraph("next.chain.body")
st.latex(r"p(x_1, \dots, x_T) = \prod_{t=1}^{T} p(x_t \mid x_{<t})"
         r"\qquad \log p(x) = \sum_{t=1}^{T} \log p(x_t \mid x_{<t})")
text_sections.chain_rule(name, tm, ids)

# 3. Let it write: streaming, tokens per second, a stop button that stops -------------------
st.header(t("next.stream.header"))
widgets.paragraph("next.stream.body")
g1, g2, _ = st.columns([1, 1, 3])
g1.button(t("next.stream.go"), icon="▶️", type="primary", on_click=lambda: st.session_state.update(nt_go=True))
g2.button(t("next.stream.stop"), icon="⏹️", on_click=lambda: st.session_state.update(nt_stop=True))
output = st.container(border=True)
go = st.session_state.pop("nt_go", False)
if go:
    st.session_state["nt_stop"] = False
    run = st.session_state["nt_run"] = {"text": "", "tokens": 0, "seconds": 0.0, "done": False, "model": name}
    start = time.perf_counter()

    def tokens():
        for step in text.stream(tm, prompt_ids, decoding, max_new, seed,
                                should_stop=lambda: st.session_state.get("nt_stop", False)):
            run["text"] += step.text
            run["tokens"] += 1
            run["seconds"] = time.perf_counter() - start
            if run["tokens"] % 8 == 0:  # live speed while it writes
                live.caption(t("next.stream.live", n=run["tokens"], rate=f"{run['tokens'] / run['seconds']:,.0f}"))
            yield step.text
        run["done"] = True

    with output:
        if not code:
            st.markdown(f"**{t('next.stream.prompt')}** {widgets.md_escape(prompt[-300:])}")
        live = st.empty()
        with serving.heavy_slot():  # a whole generation is one turn of the fair queue
            start = time.perf_counter()
            if code:  # prompt and continuation as one piece of code, redrawn as it grows
                box = st.empty()
                for _ in tokens():
                    if run["tokens"] % 4 == 0:
                        box.code(prompt + run["text"], language="python")
                box.code(prompt + run["text"], language="python")
            else:
                st.write_stream(widgets.md_escape(piece, keep_lines=True) for piece in tokens())
        live.empty()
run = st.session_state.get("nt_run")
if run and run["tokens"] and run.get("model") == name:  # another model's text is not shown under this one
    if not go and code:  # shown again after a rerun (e.g. the stop button): nothing is lost
        output.code(prompt + run["text"], language="python")
    elif not go:
        output.markdown(f"**{t('next.stream.prompt')}** {widgets.md_escape(prompt[-300:])}")
        output.markdown(widgets.md_escape(run["text"], keep_lines=True))
    speed = run["tokens"] / max(run["seconds"], 1e-6)
    st.caption(t("next.stream.speed", n=run["tokens"], s=f"{run['seconds']:.2f}", rate=f"{speed:,.0f}",
                 device=loaders.device()))
    if not run["done"]:
        st.warning(t("next.stream.stopped", n=run["tokens"]), icon="⏹️")

# 4. Greedy vs sampling vs beam search ------------------------------------------------------
st.header(t("next.compare.header"))
widgets.paragraph("next.compare.body")
n_compare = min(max_new, 40)
results = (own_view.decoding_compare(own, prompt, temperature, top_k, top_p, seed, n_compare) if own else
           language_loaders.decoding_compare(name, prompt, temperature, top_k, top_p, seed, n_compare))
columns = st.columns(3)
for column, key in zip(columns, ("greedy", "sample", "beam"), strict=True):
    column.subheader(t(f"next.compare.{key}"))
    if key in results and code:
        column.code(prompt[-200:] + results[key], language="python")
    elif key in results:
        column.markdown("> " + widgets.md_escape(results[key], keep_lines=True).replace("\n", "\n> "))
    else:
        column.info(t("next.compare.beam_gpt_only"), icon="ℹ️")

# 5. Fluent but wrong: hallucination -------------------------------------------------------
st.header(t("next.halluc.header"))
widgets.paragraph("next.halluc.body")
if own:  # the fact questions are for the shipped models; the model card of your own model, and done
    st.info(t("owntext.lab_halluc"), icon="ℹ️")
    own_view.model_card(own)
    st.stop()
rows = language_loaders.hallucinations(name)
widgets.table([{t("next.halluc.prompt"): r["prompt"], t("next.halluc.continuation"): r["continuation"],
                t("next.halluc.answer"): r["answer"],
                t("next.halluc.correct"): "✅" if r["correct"] else "❌",
                t("next.halluc.confidence"): r["confidence"]} for r in rows], "hallucinations", {"model": name},
              hide_index=True, width="stretch",
              column_config={t("next.halluc.confidence"): st.column_config.ProgressColumn(
                  format="percent", min_value=0.0, max_value=1.0)})
wrong = [r for r in rows if not r["correct"]]
st.caption(t("next.halluc.caption", wrong=len(wrong), total=len(rows),
             conf=f"{np.mean([r['confidence'] for r in wrong]) if wrong else 0:.0%}"))

# 6. Code is text too -----------------------------------------------------------------------
text_view.code_section()

if name == text.HUB:
    st.stop()  # a hub model has no model card of ours
m = loaders.metrics(name)

widgets.model_card([
    (t("card.data"), text_view.card_data(tm)),
    (t("card.models"), t(f"text.card.model.{tm.arch}", p=f"{m.get('parameters', 0):,}", vocab=m.get("vocab_size", 0))),
    (t("card.training"), t("text.card.training", steps=m.get("steps", 0), epochs=f"{m.get('epochs', 0):.1f}",
                           minutes=f"{m.get('wall_time_s', 0) / 60:.1f}")),
    (t("card.metrics"), t("text.card.metrics", loss=f"{m.get('valid_loss_per_token', float('nan')):.3f}",
                          ppl=f"{m.get('valid_perplexity', float('nan')):.1f}",
                          char=f"{m.get('valid_loss_per_char', float('nan')):.3f}")
     + text_view.everyday_metric(name, m)),
    (t("card.limits"), t("text.card.limits")),
], developer=[
    (t("card.retrain"), f"`python -m models train {name}`"),
])
