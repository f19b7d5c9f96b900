"""Shared pieces of the text pages: coloured tokens, model and prompt controls, notices."""

from __future__ import annotations

import html
import os

import streamlit as st

from dashboard.core import widgets
from dashboard.core.i18n import lang, t
from models.language import corpus, text

#: Soft backgrounds that keep black text readable on a projector; neighbours always differ.
TOKEN_COLORS = ["#FDE2C8", "#CFE8F3", "#D9F0D3", "#F3D1E6", "#FFF3B0", "#E0DAF5"]


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


def model_choice(name: str = "model", archs: tuple[str, ...] = ("gpt", "lstm"), container=st,
                 hub: bool = False) -> str:
    """Pick a shipped text model; the default follows the UI language (Korean UI → Korean model).

    With ``hub`` and ``$GENAI_LAB_HUB_LM`` set (hosted Space), the hub model is one more option.
    """
    options = [f"{arch}_{lg}" for lg in corpus.LANGS for arch in archs]
    if hub and os.environ.get(text.HUB_ENV):
        options.append(text.HUB)
    default = options.index(f"{archs[0]}_{lang()}")
    labels = [t(f"text.model.{option}", hub=os.environ.get(text.HUB_ENV, "")) for option in options]
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
