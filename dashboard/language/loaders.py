"""Loaders of the text pages (tokens, next token, Transformer vs RNN): tokenizers, the shipped GPT
and LSTM (or the optional hub model) and the views computed from them. See :mod:`dashboard.core.loaders`."""

from __future__ import annotations

import streamlit as st

from dashboard.core.loaders import device
from dashboard.serving import shared
from models.core import checkpoints
from models.language import corpus


@st.cache_resource(show_spinner=False)
def text_model(name: str):
    """A shipped GPT or LSTM with its tokenizer (``TextModel`` carries its own lock), or the
    optional hub model named by ``$GENAI_LAB_HUB_LM`` at ``$GENAI_LAB_HUB_REVISION`` (``name == "hub"``)."""
    from models.language import hub
    from models.language.text import HUB, TextModel

    if name == HUB:
        attempt = _hub_attempt(hub.model_id(), hub.revision())
        if isinstance(attempt, checkpoints.HubModelError):
            raise checkpoints.HubModelError(str(attempt))
        return attempt
    return TextModel.load(name, device())


@st.cache_resource(show_spinner=False)
def _hub_attempt(model_id: str, revision: str):
    """The hub model, or the error of the one attempt to load it: a failure (offline, a wrong id)
    is remembered for these settings, so reruns do not wait on the network again."""
    from models.language.text import TextModel

    try:
        return TextModel.from_hub(model_id, revision, device())
    except checkpoints.HubModelError as exc:
        return exc


@st.cache_resource(show_spinner=False)
def tokenizer(lang: str, kind: str):
    from models.language import tokenization

    return tokenization.load(lang, kind)


@st.cache_data(show_spinner=False)
def tokenizer_stats(sample_chars: int = 50_000) -> dict[str, dict[str, float]]:
    """Characters per token of every tokenizer on the start of each validation corpus."""
    from models.language import tokenization

    samples = {lang: corpus.load(lang, "valid")[:sample_chars] for lang in corpus.LANGS}
    return {f"{lang}_{kind}": {text_lang: tokenization.chars_per_token(tokenizer(lang, kind), sample)
                               for text_lang, sample in samples.items()}
            for lang in corpus.LANGS for kind in tokenization.KINDS}


@shared(heavy=True)
def decoding_compare(name: str, prompt: str, temperature: float, top_k: int, top_p: float, seed: int,
                     n: int, beams: int = 4) -> dict[str, str]:
    """Greedy, sampling and (Transformer only) beam search continuations of one prompt."""
    from models.language import text

    return text.decoding_compare(text_model(name), prompt, temperature, top_k, top_p, seed, n, beams)


@shared(heavy=True)
def hallucinations(name: str) -> list[dict]:
    from models.language import text

    return text.hallucinations(text_model(name))


@shared
def sequence_view(name: str, ids: tuple[int, ...]) -> dict:
    """The chain rule on ``ids``: every token's p(x_t | x_<t) and the running log p(x) (see
    :func:`models.language.text.sequence_log_prob`), once for every session."""
    from models.language import text

    return text.sequence_log_prob(text_model(name), list(ids))


@shared
def attention_view(name: str, prompt: str, max_tokens: int) -> dict:
    """Tokens of the prompt (at most ``max_tokens``, the first ones) and attention (layers, heads, T, T)."""
    from models.language import text

    return text.attention_of(text_model(name), prompt, max_tokens)
