"""Shared pieces of the text pages: coloured tokens, model and prompt controls, notices."""

from __future__ import annotations

import html
import os

import numpy as np
import streamlit as st

from dashboard.core import widgets
from dashboard.core.i18n import lang, t
from models.language import corpus, text

#: Soft backgrounds that keep black text readable on a projector; neighbours always differ.
TOKEN_COLORS = ["#FFCCCC", "#CCEEFF", "#CCDDAA", "#EEEEBB", "#BBCCEE", "#EEDD88"]  # Paul Tol's pale/light


def token_html(pieces: list[tuple[int, str]], show_ids: bool = True, highlight_from: int | None = None) -> str:
    """Tokens as coloured boxes (id underneath); spaces shown as ␣ and newlines as ↵.

    Tokens from ``highlight_from`` on get a border (e.g. the generated ones).
    """
    spans = []
    for i, (token_id, piece) in enumerate(pieces):
        shown = html.escape(piece).replace(" ", "␣").replace("\n", "↵") or "∅"
        border = "2px solid #332288" if highlight_from is not None and i >= highlight_from else "1px solid #bbb"
        idline = f"<br><small style='color:#555'>{token_id}</small>" if show_ids else ""
        spans.append(f"<span style='display:inline-block;background:{TOKEN_COLORS[i % len(TOKEN_COLORS)]};"
                     f"border:{border};border-radius:4px;padding:1px 4px;margin:2px;text-align:center;"
                     f"font-family:monospace;font-size:1.05em;color:#111'>{shown}{idline}</span>")
    return "<div style='line-height:2.2'>" + "".join(spans) + "</div>"


def token_label(piece: str) -> str:
    """A token as a chart or menu label: escapes visible (``\\n``), a run of spaces (code's
    indentation) as ␣ per space, the empty token as ∅."""
    shown = repr(piece)[1:-1]
    return (shown if piece.strip() else shown.replace(" ", "␣")) or "∅"


def model_choice(name: str = "model", archs: tuple[str, ...] = ("gpt", "lstm"), container=st,
                 hub: bool = False, own: bool = False, extra: tuple[str, ...] = ()) -> str:
    """Pick a shipped text model; the default follows the UI language (Korean UI → Korean model).

    ``extra``: shipped models that are not one per UI language (e.g. ``text.CODE_MODELS``), listed
    after them, labelled by ``text.model.<name>``. With ``hub`` and ``$GENAI_LAB_HUB_LM`` set (hosted
    Space), the hub model is one more option; with ``own`` and a model of the session's own (the
    "Your own text" page), that model is one more.
    """
    from dashboard.language import own_view

    options = [f"{arch}_{lg}" for lg in corpus.LANGS for arch in archs] + list(extra)
    if hub and os.environ.get(text.HUB_ENV):
        options.append(text.HUB)
    if own and own_view.session_run() is not None:
        options.append(own_view.OWN)
    default = options.index(f"{archs[0]}_{lang()}")
    labels = [t("owntext.model") if option == own_view.OWN else
              t(f"text.model.{option}", hub=os.environ.get(text.HUB_ENV, "")) for option in options]
    index = widgets.synced_index(container.selectbox, t("text.model"), name, labels, default)
    return options[index]


def prompt_box(label: str, key: str, default: str, height: int = 100, container=st) -> str:
    """A text area whose content is cleaned (control characters, length) with a notice per change.

    The box holds at most ``MAX_PROMPT_CHARS`` characters (the browser stops typing and pasting
    there, and Streamlit cuts a longer value on the server); a full box gets a notice, and
    :func:`models.language.text.clean_prompt` checks again for callers that bypass the widget."""
    raw = container.text_area(label, value=default[:text.MAX_PROMPT_CHARS], key=key, height=height,
                              max_chars=text.MAX_PROMPT_CHARS)
    prompt, notices = text.clean_prompt(raw)
    if len(raw or "") >= text.MAX_PROMPT_CHARS and "truncated" not in notices:
        notices.append("full")
    for notice in notices:
        container.info(t(f"text.notice.{notice}", n=f"{text.MAX_PROMPT_CHARS:,}"), icon="ℹ️")
    return prompt


def default_prompt(name: str) -> str:
    return text.DEFAULT_PROMPTS["en" if name == text.HUB else name.split("_")[1]]


def is_code(tm) -> bool:
    """Whether a text model writes code (its output is shown as code, monospace, not as prose)."""
    return tm.config.lang == corpus.CODE


def _code_corpus() -> dict | None:
    """``sources.json``'s code entry, or None after showing why it cannot be read."""
    try:
        return corpus.code_summary()
    except corpus.CorpusError as exc:  # a damaged sources.json: say so, the rest of the page stands
        st.error(str(exc), icon="🚫")
        return None


def card_data(tm) -> str:
    """The model card's data line; the code model's names the Python version and its file split."""
    facts = {}
    if is_code(tm) and (info := _code_corpus()):
        facts = {"python": info["python"], "files": info["file_count"],
                 "train": info["splits"]["code/train"]["documents"], "valid": info["splits"]["code/valid"]["documents"]}
    everyday = corpus.EVERYDAY in getattr(tm.config, "also_train_on", ())  # e.g. gpt_ko, not lstm_ko
    return t(f"text.card.data.{corpus.EVERYDAY if everyday else tm.config.lang}", **facts)


def everyday_metric(name: str, metrics: dict) -> str:
    """The model card's held-out everyday Korean figure for a model trained on it ("" for the others):
    the text benchmark's (whole held-out split) when it has one, else the training run's last estimate."""
    from dashboard.core import loaders

    if corpus.EVERYDAY not in metrics:
        return ""
    measured = loaders.benchmark("text").get("models", {}).get(name, {}).get("everyday_nats_per_char")
    char = measured if measured is not None else metrics[corpus.EVERYDAY]["valid_loss_per_char"]
    return t("text.card.metrics_everyday", char=f"{char:.3f}")


def code_section() -> None:
    """"Code is text too": code generation as next-token prediction, with the code model's own figures
    (corpus, training, and the text benchmark's held-out loss against a character bigram)."""
    from dashboard.core import loaders

    st.header(t("next.code.header"))
    info = _code_corpus()
    if not info or not text.CODE_MODELS:
        return
    name = text.CODE_MODELS[0]
    trained = loaders.metrics(name)
    train = info["splits"]["code/train"]
    widgets.paragraph("next.code.body", modules=train["documents"], python=info["python"],
                      chars=f"{train['characters'] / 1e6:.1f}", params=f"{trained.get('parameters', 0):,}",
                      minutes=f"{trained.get('wall_time_s', 0) / 60:.0f}")
    row = loaders.benchmark("text").get("models", {}).get(name, {})
    if row.get("bigram_nats_per_char"):
        st.caption(t("next.code.figures", gpt=f"{row['valid_nats_per_char']:.2f}",
                     bigram=f"{row['bigram_nats_per_char']:.2f}", rate=f"{row['tokens_per_s']:,.0f}",
                     chars=f"{row['valid_chars_scored']:,}"))


def steps_figure(tokens: list[str], titles: tuple[str, str], height: int = 380):
    """RNN step by step vs attention in parallel, drawn for a few tokens.

    Top: the hidden state h_i needs h_(i-1), so the n states are computed in n steps, one after
    another (the arrows are numbered by step). Bottom: every token looks at every earlier token at
    once — all the arcs belong to one step (one matrix multiplication)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    n = len(tokens)
    fig = make_subplots(rows=2, cols=1, subplot_titles=titles, vertical_spacing=0.16)
    xs = np.arange(n, dtype=float)
    for row in (1, 2):
        fig.add_trace(go.Scatter(x=xs, y=np.zeros(n), mode="markers+text", text=tokens, textposition="bottom center",
                                 marker=dict(size=16, color=TOKEN_COLORS[1], line=dict(color="#333", width=1)),
                                 hoverinfo="skip", showlegend=False), row=row, col=1)
    # RNN: token i feeds h_i, and h_(i-1) -> h_i is step i
    fig.add_trace(go.Scatter(x=xs, y=np.ones(n), mode="markers+text", text=[f"h{i + 1}" for i in range(n)],
                             textposition="top center", marker=dict(size=18, color=TOKEN_COLORS[0],
                                                                    line=dict(color="#333", width=1)),
                             hoverinfo="skip", showlegend=False), row=1, col=1)
    for i in range(n):
        fig.add_annotation(x=i, y=0.82, ax=i, ay=0.15, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                           arrowhead=2, arrowcolor="#999", text="")
        if i:
            fig.add_annotation(x=i - 0.12, y=1, ax=i - 0.88, ay=1, xref="x", yref="y", axref="x", ayref="y",
                               showarrow=True, arrowhead=2, arrowwidth=2, arrowcolor="#CC6677", text="")
        fig.add_annotation(x=i - 0.5 if i else -0.4, y=1.22, xref="x", yref="y", text=f"<b>{i + 1}</b>",
                           showarrow=False, font=dict(color="#CC6677"))
    # attention: an arc from every earlier token j to token i (and i to itself), all in one step
    t_arc = np.linspace(0, 1, 20)
    for i in range(n):
        for j in range(i):
            height_ = 0.25 + 0.18 * (i - j)
            fig.add_trace(go.Scatter(x=j + (i - j) * t_arc, y=4 * height_ * t_arc * (1 - t_arc), mode="lines",
                                     line=dict(color="#332288", width=1.5), opacity=0.6, hoverinfo="skip",
                                     showlegend=False), row=2, col=1)
    fig.update_xaxes(visible=False, range=[-0.6, n - 0.4])
    fig.update_yaxes(visible=False, range=[-0.45, 1.45], row=1, col=1)
    fig.update_yaxes(visible=False, range=[-0.45, 0.3 + 0.18 * n], row=2, col=1)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), paper_bgcolor="rgba(0,0,0,0)",
                      font=dict(size=14))
    return fig
