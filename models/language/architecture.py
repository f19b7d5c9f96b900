"""What a GPT is made of, how GPT, BERT and T5 differ, and how big large language models are.

* :func:`gpt_anatomy` reads a loaded GPT-2-style model (ours, or a GPT-2 from the hub): its sizes
  from the model's own config and its parameter count part by part, so the parts add up to the
  whole model.
* :func:`attention_mask` draws which token may look at which for the three Transformer layouts
  in :data:`VARIANTS` (decoder-only, encoder-only, encoder-decoder).
* :data:`PUBLIC_SCALE` holds rough, public orders of magnitude of a few large models (rounded,
  from their papers or announcements), next to which :func:`our_scale` puts our models' real
  numbers from their ``metrics.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from torch import nn

#: The parts of a GPT-2 block stack, in reading order (the i18n keys ``tvr.arch.part.<part>``).
PARTS = ("token_embedding", "position_embedding", "attention", "mlp", "block_norms", "final_norm", "output")

_PATTERNS = (
    ("token_embedding", re.compile(r"transformer\.wte\.")),
    ("position_embedding", re.compile(r"transformer\.wpe\.")),
    ("attention", re.compile(r"transformer\.h\.\d+\.attn\.")),
    ("mlp", re.compile(r"transformer\.h\.\d+\.mlp\.")),
    ("block_norms", re.compile(r"transformer\.h\.\d+\.ln_[12]\.")),
    ("final_norm", re.compile(r"transformer\.ln_f\.")),
    ("output", re.compile(r"lm_head\.")),
)


def gpt_anatomy(model: nn.Module) -> dict | None:
    """Sizes and parameters per part of a GPT-2-style causal LM, or ``None`` for any other model
    (an LSTM, or a hub model of another layout).

    ``parts`` maps each of :data:`PARTS` to its parameter count over all blocks (a tied output layer
    counts 0: it reuses the token embedding); they add up to ``total``, the model's parameter count.
    """
    config = getattr(model, "config", None)
    if getattr(config, "model_type", None) != "gpt2":
        return None
    parts = dict.fromkeys(PARTS, 0)
    for name, param in model.named_parameters():  # a tied weight is listed once (under wte)
        part = next((p for p, pattern in _PATTERNS if pattern.match(name)), None)
        if part is None:
            return None  # a layout this figure does not know: better no figure than a wrong one
        parts[part] += param.numel()
    n_embd, n_head = int(config.n_embd), int(config.n_head)
    return {
        "vocab": int(config.vocab_size), "context": int(config.n_positions), "n_embd": n_embd,
        "n_layer": int(config.n_layer), "n_head": n_head, "d_head": n_embd // n_head,
        "d_mlp": int(config.n_inner or 4 * n_embd),
        "tied": bool(getattr(config, "tie_word_embeddings", False)) and parts["output"] == 0,
        "parts": parts, "total": sum(parts.values()),
    }


# ------------------------------------------------------------------------------- GPT, BERT, T5
@dataclass(frozen=True)
class Variant:
    """One Transformer layout; its explanations are the i18n keys ``tvr.variants.<key>.*``."""

    key: str
    examples: str  # well-known models of this layout (names, not translated)
    mask: str  # an :func:`attention_mask` kind


VARIANTS: tuple[Variant, ...] = (
    Variant("decoder", "GPT (2018), GPT-2, GPT-3, LLaMA", "decoder"),
    Variant("encoder", "BERT (2018), RoBERTa", "encoder"),
    Variant("encoder_decoder", "T5 (2019), BART", "encoder_decoder"),
)


def attention_mask(kind: str, n: int = 6, n_source: int = 3) -> np.ndarray:
    """Which token (row, the query) may look at which (column, the key): 1 = may look, 0 = masked.

    ``decoder``: causal, each token sees itself and the tokens before it (GPT). ``encoder``: every
    token sees every token (BERT). ``encoder_decoder``: the first ``n_source`` tokens are the input,
    read by the encoder with full attention; the output tokens see the whole input (cross-attention)
    and, among themselves, only the earlier ones (T5).
    """
    if kind == "decoder":
        return np.tril(np.ones((n, n), dtype=np.int8))
    if kind == "encoder":
        return np.ones((n, n), dtype=np.int8)
    if kind == "encoder_decoder":
        if not 0 < n_source < n:
            raise ValueError("n_source must leave at least one input and one output token")
        mask = np.zeros((n, n), dtype=np.int8)
        mask[:n_source, :n_source] = 1  # the encoder reads the input both ways
        mask[n_source:, :n_source] = 1  # cross-attention: every output token sees the whole input
        mask[n_source:, n_source:] = np.tril(np.ones((n - n_source, n - n_source), dtype=np.int8))
        return mask
    raise ValueError(f"unknown attention layout {kind!r}")


# ---------------------------------------------------------------------------- scale of LLMs
@dataclass(frozen=True)
class PublicModel:
    """Rough, public sizes of a large model (rounded; as its paper or announcement states them).

    ``params`` and ``tokens`` are (low, high) ranges when the family has several sizes; ``tokens``
    is ``None`` when the publication gives the data only in gigabytes (``data_gb``).
    """

    name: str
    year: int
    params: tuple[float, float]
    tokens: tuple[float, float] | None
    context: int
    source: str  # where the numbers are stated (for readers who want to check)
    data_gb: float | None = None


PUBLIC_SCALE: tuple[PublicModel, ...] = (
    PublicModel("GPT-2", 2019, (1.5e9, 1.5e9), None, 1024, "Radford et al., 2019", data_gb=40),
    PublicModel("GPT-3", 2020, (1.75e11, 1.75e11), (3e11, 3e11), 2048, "Brown et al., 2020"),
    PublicModel("Llama 2", 2023, (7e9, 7e10), (2e12, 2e12), 4096, "Touvron et al., 2023"),
    PublicModel("Llama 3.1", 2024, (8e9, 4.05e11), (1.5e13, 1.5e13), 131_072, "Meta AI, 2024"),
)


def our_scale(metrics: dict) -> dict:
    """Our model's real scale from its ``metrics.json``: parameters, distinct training tokens and
    the tokens it read in training (steps × tokens per step, several passes over the text)."""
    seen = metrics.get("steps", 0) * metrics.get("tokens_per_step", 0)
    return {"params": int(metrics.get("parameters", 0)), "train_tokens": int(metrics.get("train_tokens", 0)),
            "tokens_seen": int(seen), "epochs": float(metrics.get("epochs", 0.0))}


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def approx(value: float) -> str:
    """A rough number as ``≈ 1.8 × 10¹¹`` (two significant digits: these are orders of magnitude)."""
    if value <= 0:
        return "0"
    exponent = int(np.floor(np.log10(value)))
    mantissa = round(value / 10**exponent, 1)
    if mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    head = f"{mantissa:g} × " if mantissa != 1 else ""
    return f"≈ {head}10{str(exponent).translate(_SUPERSCRIPT)}"


def round_to(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant digits (a ratio of rough numbers is rough too)."""
    if value == 0:
        return 0.0
    return float(round(value, digits - 1 - int(np.floor(np.log10(abs(value))))))


def approx_range(low: float, high: float) -> str:
    return approx(low) if low == high else f"{approx(low)} – {approx(high)[2:]}"
