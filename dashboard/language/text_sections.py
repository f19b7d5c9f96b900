"""Sections of the text pages about what a language model is: the chain rule over the current text
(next-token lab), the Transformer's structure with the loaded GPT's real sizes, how GPT, BERT and T5
differ, and where our small models stand next to large language models (Transformer vs RNN).

Every number comes from the loaded model, its config or its ``metrics.json`` (the public sizes of
large models from :data:`models.language.architecture.PUBLIC_SCALE`)."""

from __future__ import annotations

import math

import streamlit as st

from dashboard.core import loaders, widgets
from dashboard.core.i18n import strings, t
from dashboard.language import architecture_view, own_view
from dashboard.language import loaders as language_loaders
from models.language import architecture, text


def _shown(token: str) -> str:
    return repr(token)[1:-1] or "∅"


def model_label(name: str) -> str:
    if name == own_view.OWN:
        return t("owntext.model")
    key = f"text.model.{name}"
    return t(key, hub="") if key in strings("en") else name


# ------------------------------------------------------------------------------ the chain rule
def chain_rule(name: str, tm: text.TextModel, ids: list[int]) -> dict | None:
    """The chain rule on ``ids`` (the prompt and the tokens added to it): a chart of every token's
    p(x_t | x_<t) with the running log p(x), a caption with the total, the numbers in a folded table."""
    if name in text.SHIPPED or name == text.HUB:  # shared by every session
        view = language_loaders.sequence_view(name, tuple(ids))
    else:  # a model this process does not load by name (e.g. one a student trained): compute it here
        view = text.sequence_log_prob(tm, ids)
    if len(view["log_probs"]) == 0:
        st.info(t("next.chain.short"), icon="✏️")
        return None
    tokens = [_shown(tok) for tok in view["tokens"]]
    fig = architecture_view.chain_figure(tokens[1:], view["probs"], view["cumulative"],
                                         (t("next.chain.bar"), t("next.chain.line")),
                                         (t("next.chain.y"), t("next.chain.y2")))
    st.plotly_chart(fig, key="chain_rule")
    total, n = view["total"], len(view["log_probs"])
    st.caption(t("next.chain.caption", first=tokens[0], n=n, total=f"{total:.1f}",
                 power=f"{total / math.log(10):.1f}", nll=f"{view['nats_per_token']:.2f}",
                 ppl=f"{math.exp(view['nats_per_token']):.1f}"))
    cols = {k: t(f"next.chain.col.{k}") for k in ("t", "token", "p", "logp", "sum")}
    rows = [{cols["t"]: i + 2, cols["token"]: tok, cols["p"]: float(p), cols["logp"]: round(float(lp), 3),
             cols["sum"]: round(float(c), 3)}
            for i, (tok, p, lp, c) in enumerate(zip(tokens[1:], view["probs"], view["log_probs"], view["cumulative"],
                                                    strict=True))]
    with st.expander(t("next.chain.table"), icon="🔢"):
        widgets.table(rows, "chain_rule", {"model": name}, hide_index=True, width="stretch",
                      column_config={cols["p"]: st.column_config.NumberColumn(format="%.4f")})
    return view


# --------------------------------------------------------------------- the Transformer's structure
def structure(name: str, tm: text.TextModel) -> dict | None:
    """The loaded GPT drawn part by part with its real sizes, and its parameters per part in a table.
    A model that is not a GPT-2-style Transformer (the LSTM) gets a note instead."""
    anatomy = architecture.gpt_anatomy(tm.model) if tm.arch == "gpt" else None
    if anatomy is None:
        st.info(t("tvr.arch.not_gpt", model=model_label(name)), icon="ℹ️")
        return None
    a, parts = anatomy, anatomy["parts"]
    n = a["n_layer"]
    size = {k: f"{a[k]:,}" for k in ("vocab", "context", "n_embd", "n_layer", "n_head", "d_head", "d_mlp")}
    labels = {
        "tokens": t("tvr.arch.box.tokens", **size),
        "token_embedding": t("tvr.arch.box.token_embedding", p=f"{parts['token_embedding']:,}", **size),
        "position_embedding": t("tvr.arch.box.position_embedding", p=f"{parts['position_embedding']:,}", **size),
        "sum": t("tvr.arch.box.sum", **size),
        "block": t("tvr.arch.box.block", p=f"{(parts['attention'] + parts['mlp'] + parts['block_norms']):,}", **size),
        "attention": t("tvr.arch.box.attention", p=f"{parts['attention'] // n:,}", **size),
        "mlp": t("tvr.arch.box.mlp", p=f"{parts['mlp'] // n:,}", **size),
        "residual": t("tvr.arch.box.residual"),
        "final_norm": t("tvr.arch.box.final_norm", p=f"{parts['final_norm']:,}", **size),
        "output": t("tvr.arch.box.output_tied" if a["tied"] else "tvr.arch.box.output",
                    p=f"{parts['output']:,}", **size),
        "softmax": t("tvr.arch.box.softmax", **size),
    }
    st.plotly_chart(architecture_view.structure_figure(labels), key="structure")
    st.caption(t("tvr.arch.caption", model=model_label(name), total=f"{a['total']:,}", **size))
    cols = {k: t(f"tvr.arch.col.{k}") for k in ("part", "params", "share")}
    rows = [{cols["part"]: t(f"tvr.arch.part.{part}"), cols["params"]: parts[part],
             cols["share"]: parts[part] / a["total"]} for part in architecture.PARTS]
    rows.append({cols["part"]: t("tvr.arch.part.total"), cols["params"]: a["total"], cols["share"]: 1.0})
    with st.expander(t("tvr.arch.table"), icon="🔢"):
        widgets.table(rows, "transformer_parts", {"model": name}, hide_index=True, width="stretch",
                      column_config={cols["share"]: st.column_config.NumberColumn(format="percent")})
    return anatomy


def variants() -> None:
    """GPT, BERT and T5 in a table, and the attention mask of each drawn as a small matrix."""
    cols = {k: t(f"tvr.variants.col.{k}") for k in ("layout", "examples", "sees", "trained", "use")}
    rows = [{cols["layout"]: t(f"tvr.variants.{v.key}.name"), cols["examples"]: v.examples,
             cols["sees"]: t(f"tvr.variants.{v.key}.sees"), cols["trained"]: t(f"tvr.variants.{v.key}.trained"),
             cols["use"]: t(f"tvr.variants.{v.key}.use")} for v in architecture.VARIANTS]
    widgets.table(rows, "transformer_variants", static=True)
    n, n_source = 6, 3
    plain = [str(i) for i in range(1, n + 1)]
    split = [t("tvr.variants.in", i=i) for i in range(1, n_source + 1)] + \
            [t("tvr.variants.out", i=i) for i in range(1, n - n_source + 1)]
    ticks = tuple(tuple(split if v.mask == "encoder_decoder" else plain) for v in architecture.VARIANTS)
    fig = _masks_figure(n, n_source, tuple(t(f"tvr.variants.{v.key}.title") for v in architecture.VARIANTS), ticks,
                        (t("tvr.attn.query"), t("tvr.attn.key")))
    st.plotly_chart(fig, key="attention_masks")
    st.caption(t("tvr.variants.caption", n=n_source))


@st.cache_data(show_spinner=False, max_entries=8)
def _masks_figure(n: int, n_source: int, titles: tuple[str, ...], ticks: tuple[tuple[str, ...], ...],
                  axis_titles: tuple[str, str]):
    """The three masks' figure, built once per language (three subplots take plotly ~0.1 s)."""
    masks = [architecture.attention_mask(v.mask, n, n_source) for v in architecture.VARIANTS]
    return architecture_view.masks_figure(masks, titles, ticks, axis_titles)


# ------------------------------------------------------------------------ large language models
def llm_scale(name: str) -> None:
    """Our GPTs' real parameters and training tokens (their ``metrics.json``) next to rough public
    sizes of a few large models, and how many times larger those are than the GPT on this page."""
    cols = {k: t(f"tvr.llm.col.{k}") for k in ("model", "year", "params", "tokens", "context")}
    rows = []
    for model_name, config in text.SHIPPED.items():
        m = loaders.metrics(model_name)
        if config.arch != "gpt" or not m:
            continue
        ours = architecture.our_scale(m)
        rows.append({cols["model"]: model_label(model_name), cols["year"]: t("tvr.llm.this_app"),
                     cols["params"]: f"{ours['params']:,}", cols["tokens"]: f"{ours['tokens_seen']:,}",
                     cols["context"]: f"{config.context:,}"})
    for pm in architecture.PUBLIC_SCALE:
        tokens = architecture.approx_range(*pm.tokens) if pm.tokens else t("tvr.llm.gb", gb=f"{pm.data_gb:g}")
        rows.append({cols["model"]: pm.name, cols["year"]: str(pm.year),
                     cols["params"]: architecture.approx_range(*pm.params), cols["tokens"]: tokens,
                     cols["context"]: f"{pm.context:,}"})
    widgets.table(rows, "llm_scale", static=True)
    m = loaders.metrics(name)
    gpt3 = next((pm for pm in architecture.PUBLIC_SCALE if pm.name == "GPT-3"), None)
    if m and gpt3 and m.get("parameters") and m.get("steps"):
        ours = architecture.our_scale(m)
        st.caption(t("tvr.llm.caption", model=model_label(name), params=f"{ours['params']:,}",
                     distinct=f"{ours['train_tokens']:,}", epochs=f"{ours['epochs']:.1f}",
                     seen=f"{ours['tokens_seen']:,}",
                     p_ratio=f"{architecture.round_to(gpt3.params[0] / ours['params']):,.0f}",
                     t_ratio=f"{architecture.round_to(gpt3.tokens[0] / ours['tokens_seen']):,.0f}"))
    st.caption(t("tvr.llm.sources", sources="; ".join(f"{pm.name}: {pm.source}" for pm in architecture.PUBLIC_SCALE)))
