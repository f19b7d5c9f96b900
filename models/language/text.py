"""Autoregressive text models: a small GPT (``transformers`` GPT-2) and an LSTM on the same tokens.

Both model p(token_t | tokens before t). Generation repeats one step: (1) run the model on the
tokens so far, (2) turn the last position's scores (logits) into probabilities, reshaped by
temperature, top-k and top-p, (3) pick a token, append it, repeat. The GPT keeps every earlier
token's keys and values (the KV cache) so each step only processes the newest token; the LSTM
carries a fixed-size hidden state instead.

Checkpoints: ``assets/checkpoints/<name>/`` holds the model (``config.json`` +
``model.safetensors``) **and its tokenizer**, so for a GPT ``AutoModelForCausalLM.from_pretrained``
and ``AutoTokenizer.from_pretrained`` both work on that directory offline.
"""

from __future__ import annotations

import math
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from models.core import checkpoints
from models.language import corpus, hub

ARCHS = ("gpt", "lstm")
#: Optional, off by default: a hub causal LM id for the hosted Space (e.g. ``gpt2``), pinned to the commit
#: in ``$GENAI_LAB_HUB_REVISION``; needs network (see :mod:`models.language.hub`).
HUB_ENV = hub.MODEL_ENV
HUB = "hub"

MAX_NEW_TOKENS = 400
#: Characters of a prompt that are tokenized at all (the model sees at most ``context`` tokens anyway).
MAX_PROMPT_CHARS = 4000
#: control and invisible format characters, and lone surrogates (a tokenizer cannot encode those)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")


def clean_prompt(prompt: str | None, max_chars: int = MAX_PROMPT_CHARS) -> tuple[str, list[str]]:
    """A prompt safe to tokenize: NFC, control characters removed, only its last ``max_chars``.

    Returns the text and notice codes ("control", "truncated") for the page to explain.
    """
    text = unicodedata.normalize("NFC", (prompt or "").replace("\r\n", "\n"))
    notices = []
    cleaned = _CONTROL.sub("", text.replace("\t", " "))
    if cleaned != text.replace("\t", " "):
        notices.append("control")
    if len(cleaned) > max_chars:
        cleaned = cleaned[-max_chars:]
        notices.append("truncated")
    return cleaned, notices


@dataclass
class TextConfig:
    lang: str = "en"
    arch: str = "gpt"
    tokenizer: str = "bpe"
    context: int = 256
    n_embd: int = 128
    n_layer: int = 4
    n_head: int = 4
    hidden: int = 384  # LSTM only
    dropout: float = 0.0
    # training
    batch_size: int = 32
    lr: float = 2e-3
    warmup_steps: int = 100
    steps: int = 2000
    eval_every: int = 250
    eval_batches: int = 20
    seed: int = 0
    #: extra training corpora beside ``lang``'s own (e.g. ``ko_everyday``); each is also scored held out
    also_train_on: tuple = ()
    extra: dict = field(default_factory=dict)


#: Step budgets fit 2 CPU cores (minutes each; a 4,096-token output layer makes a BPE step ~2× a
#: character step); the Korean corpus is small (~0.34M BPE tokens), so its models train fewer steps
#: with dropout. GPT and LSTM of a language always get the same windows and steps.
SHIPPED: dict[str, TextConfig] = {
    "gpt_en": TextConfig(lang="en", steps=500),
    # the Korean GPT also reads everyday Korean (stories and chat, corpus.EVERYDAY), with a tokenizer that
    # learnt both; 4.5-9 s a step on one busy thread (2026-12-02)
    "gpt_ko": TextConfig(lang="ko", steps=1000, dropout=0.1, eval_every=100, eval_batches=8,
                         also_train_on=(corpus.EVERYDAY,)),
    # 1,500 steps, then 3,000 more resumed (2026-12-02): held-out 1.72 → 1.59 nats/char
    "gpt_en_char": TextConfig(lang="en", tokenizer="char", steps=4500),
    "lstm_en": TextConfig(lang="en", arch="lstm", n_layer=1, steps=500),
    # the same corpora, tokenizer, windows and steps as gpt_ko (retrained 2026-12-02: 1,000 steps, then
    # --resume --epochs 2 as gpt_ko; ~1.1 s a step on one quiet thread)
    "lstm_ko": TextConfig(lang="ko", arch="lstm", n_layer=1, steps=1000, dropout=0.1, eval_every=100, eval_batches=8,
                          also_train_on=(corpus.EVERYDAY,)),
    # Python standard-library source (corpus.CODE), its own 1,024-token BPE: ~2.6 characters per
    # token, so 256 tokens see ~650 characters of code; 2.5-3.3 s a step on one quiet thread (~15 min),
    # ~3 passes over the 0.85 M training tokens, hence dropout.
    "gpt_code": TextConfig(lang=corpus.CODE, steps=300, dropout=0.1, eval_every=100),
}


#: Shipped models that write code, not a UI language: offered beside the per-language models where
#: the page makes sense for them (the next-token lab), left out where it does not (the LSTM comparison).
CODE_MODELS = tuple(name for name, cfg in SHIPPED.items() if cfg.lang == corpus.CODE)

#: Starting prompts in each model's own language (data for the model, not UI text). The Korean ones are
#: everyday prose: both Korean models read the stories and chat of corpus.EVERYDAY beside the statutes.
DEFAULT_PROMPTS = {"en": "ROMEO.\nBut soft, what light", "ko": "어느 날 아침, 나는",
                   corpus.CODE: "def fibonacci(n):\n"}
#: Short texts whose attention maps are worth a look.
ATTENTION_TEXTS = {"en": "KING. What says the queen? QUEEN. The queen says nothing.",
                   "ko": "어머니는 아들에게 편지를 썼고, 아들은 그 편지를 읽고 한참을 울었다.",
                   corpus.CODE: "def add(a, b):\n    return a + b\n\nprint(add(1, 2))"}


# ------------------------------------------------------------------------------------------ models
class LSTMConfig:
    """Enough of a ``PretrainedConfig`` for :class:`LSTMLM` (saved as plain ``config.json``)."""

    def __init__(self, vocab_size: int, n_embd: int, hidden: int, n_layer: int, dropout: float = 0.0, **_):
        self.vocab_size, self.n_embd, self.hidden = vocab_size, n_embd, hidden
        self.n_layer, self.dropout = n_layer, dropout

    def to_dict(self) -> dict:
        return {"model_type": "genai_lab_lstm", "vocab_size": self.vocab_size, "n_embd": self.n_embd,
                "hidden": self.hidden, "n_layer": self.n_layer, "dropout": self.dropout}


class LSTMLM(nn.Module):
    """Embedding → LSTM → projection back to the embedding size → tied output layer."""

    def __init__(self, config: LSTMConfig):
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.lstm = nn.LSTM(config.n_embd, config.hidden, config.n_layer, batch_first=True,
                            dropout=config.dropout if config.n_layer > 1 else 0.0)
        self.proj = nn.Linear(config.hidden, config.n_embd)
        self.head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.head.weight = self.embed.weight

    def forward(self, ids: torch.Tensor, state=None) -> tuple[torch.Tensor, tuple]:
        out, state = self.lstm(self.drop(self.embed(ids)), state)
        return self.head(self.proj(self.drop(out))), state


def build(config: TextConfig, vocab_size: int, eos_id: int) -> nn.Module:
    if config.arch == "gpt":
        from transformers import GPT2Config, GPT2LMHeadModel

        return GPT2LMHeadModel(GPT2Config(
            vocab_size=vocab_size, n_positions=config.context, n_embd=config.n_embd, n_layer=config.n_layer,
            n_head=config.n_head, resid_pdrop=config.dropout, embd_pdrop=config.dropout,
            attn_pdrop=config.dropout, bos_token_id=eos_id, eos_token_id=eos_id, pad_token_id=eos_id,
            tie_word_embeddings=True))
    if config.arch == "lstm":
        return LSTMLM(LSTMConfig(vocab_size, config.n_embd, config.hidden, config.n_layer, config.dropout))
    raise ValueError(f"arch must be one of {ARCHS}")


def logits_of(model: nn.Module, ids: torch.Tensor) -> torch.Tensor:
    """Next-token scores at every position, (batch, time, vocab), for either architecture."""
    if isinstance(model, LSTMLM):
        return model(ids)[0]
    return model(input_ids=ids).logits


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())


# ------------------------------------------------------------------------------------------ saving
def save(model: nn.Module, tokenizer, config: TextConfig, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(directory)
    if isinstance(model, LSTMLM):
        tensors = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items() if k != "head.weight"}
        cfg = {**model.config.to_dict(), "training": asdict(config)}
        checkpoints.save(directory, cfg, tensors)
    else:
        model.config.genai_lab = asdict(config)
        model.save_pretrained(directory, safe_serialization=True)


@dataclass
class TextModel:
    """A shipped model with its tokenizer; ``lock`` serialises calls from several app sessions."""

    name: str
    model: nn.Module
    tokenizer: object
    config: TextConfig
    device: str = "cpu"
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def arch(self) -> str:
        return "lstm" if isinstance(self.model, LSTMLM) else "gpt"

    @property
    def context(self) -> int:
        return self.config.context

    @classmethod
    def load(cls, name: str, device: str = "cpu", root: Path | None = None) -> TextModel:
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bars in the app's log
        root = root or checkpoints.checkpoint_root()
        checkpoints.verify(name, root)
        directory = root / name
        try:
            if name.startswith("lstm"):  # AutoTokenizer would read our own config.json as a transformers one
                from transformers import PreTrainedTokenizerFast

                tokenizer = PreTrainedTokenizerFast.from_pretrained(directory)
                cfg, tensors = checkpoints.load(name, root, verified=True)
                model = LSTMLM(LSTMConfig(**cfg))
                tensors["head.weight"] = tensors["embed.weight"]
                checkpoints.load_state_into(model, tensors)
                config = TextConfig(**cfg["training"])
            else:
                tokenizer = AutoTokenizer.from_pretrained(directory)
                # eager attention returns the attention weights (the heatmaps); at this size it is as fast
                model = AutoModelForCausalLM.from_pretrained(directory, use_safetensors=True,
                                                             attn_implementation="eager")
                config = TextConfig(**model.config.genai_lab)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise checkpoints.unreadable(name, directory, exc) from None
        return cls(name, model.to(device).eval(), tokenizer, config, device)

    @classmethod
    def from_hub(cls, model_id: str, revision: str, device: str = "cpu", lang: str = "en") -> TextModel:
        """Optional, for the hosted Space: a causal LM from the Hugging Face hub (needs network).

        ``revision`` must be a full commit id (a branch such as ``main`` is not pinned); only
        safetensors weights load. Offline, for an unknown id or an unpinned revision, raises
        ``checkpoints.HubModelError`` with one clear message.
        """
        if not hub.pinned(revision):
            raise checkpoints.HubModelError(
                f"The hub model {model_id!r} (set by ${HUB_ENV}) needs a pinned revision: set "
                f"${hub.REVISION_ENV} to the 40-hex commit id to load (a branch such as 'main' can change). "
                "The shipped models work without it.")
        from transformers import AutoModelForCausalLM, AutoTokenizer

        try:
            tokenizer = AutoTokenizer.from_pretrained(model_id, revision=revision)
            model = AutoModelForCausalLM.from_pretrained(model_id, revision=revision, use_safetensors=True,
                                                         attn_implementation="eager")
        except (OSError, ValueError) as exc:
            raise checkpoints.HubModelError(
                f"The hub model {model_id!r} at revision {revision[:12]} (set by ${HUB_ENV} and "
                f"${hub.REVISION_ENV}) could not be loaded: this machine may be offline, the id or revision is "
                f"wrong, or it has no safetensors weights ({type(exc).__name__}). "
                "The shipped models work without it.") from None
        context = min(getattr(model.config, "n_positions", None) or model.config.max_position_embeddings, 1024)
        if tokenizer.eos_token_id is None:
            raise checkpoints.HubModelError(f"The hub model {model_id!r} has no end-of-text token; choose a causal LM.")
        return cls(HUB, model.to(device).eval(), tokenizer, TextConfig(lang=lang, context=context), device)

    # -------------------------------------------------------------------------------- encoding
    def encode(self, text: str) -> tuple[list[int], bool]:
        """Token ids of ``text`` (at most ``context - 1``, the last ones) and whether it was cut."""
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        if not ids:
            ids = [self.tokenizer.eos_token_id]  # an empty prompt starts a new "document"
        limit = self.context - 1
        return (ids[-limit:], True) if len(ids) > limit else (ids, False)

    def decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids)

    # --------------------------------------------------------------------------- one step
    @torch.inference_mode()
    def next_logits(self, ids: list[int]) -> torch.Tensor:
        """Scores for the token after ``ids`` (the last ``context`` tokens are used), float32 (vocab,)."""
        x = torch.tensor([ids[-self.context:]], device=self.device)
        with self.lock:
            return logits_of(self.model, x)[0, -1].float().cpu()

    @torch.inference_mode()
    def attentions(self, ids: list[int]) -> np.ndarray:
        """GPT attention weights, (layers, heads, T, T)."""
        if self.arch != "gpt":
            raise ValueError("only the Transformer has attention")
        x = torch.tensor([ids[-self.context:]], device=self.device)
        with self.lock:
            out = self.model(input_ids=x, output_attentions=True)
        return torch.stack([a[0] for a in out.attentions]).float().cpu().numpy()

    @torch.inference_mode()
    def loss(self, text: str, max_tokens: int = 20_000) -> dict:
        """Average negative log-likelihood of ``text`` (teacher forcing, windows of ``context``)."""
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"][:max_tokens + 1]
        chars = len(self.decode(ids))
        total, count = 0.0, 0
        step = self.context
        for start in range(0, len(ids) - 1, step):
            window = torch.tensor([ids[start:start + step + 1]], device=self.device)
            if window.shape[1] < 2:
                break
            with self.lock:
                logits = logits_of(self.model, window[:, :-1])
            nll = torch.nn.functional.cross_entropy(logits[0].float(), window[0, 1:], reduction="sum")
            total += float(nll)
            count += window.shape[1] - 1
        return {"tokens": count, "characters": chars, "nats_per_token": total / max(count, 1),
                "nats_per_char": total / max(chars, 1), "perplexity": math.exp(total / max(count, 1))}


# ----------------------------------------------------------------------------------------- decoding
@dataclass(frozen=True)
class Decoding:
    temperature: float = 1.0
    top_k: int = 0  # 0 = off
    top_p: float = 1.0  # 1 = off
    greedy: bool = False


def filter_stages(logits: torch.Tensor, decoding: Decoding) -> dict[str, np.ndarray]:
    """Probabilities before and after each filter: raw → temperature → top-k → top-p.

    The filters are ``transformers``' own logits warpers, so the lab shows exactly what
    ``model.generate(do_sample=True, ...)`` would do.
    """
    from transformers.generation.logits_process import TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    scores = logits.float().unsqueeze(0)
    stages = {"raw": torch.softmax(scores, -1)}
    scores = TemperatureLogitsWarper(max(decoding.temperature, 1e-4))(None, scores)
    stages["temperature"] = torch.softmax(scores, -1)
    if decoding.top_k > 0:
        scores = TopKLogitsWarper(decoding.top_k)(None, scores)
    stages["top_k"] = torch.softmax(scores, -1)
    if decoding.top_p < 1.0:
        scores = TopPLogitsWarper(decoding.top_p)(None, scores)
    stages["top_p"] = torch.softmax(scores, -1)
    return {k: v[0].numpy() for k, v in stages.items()}


def choose(probs: np.ndarray, decoding: Decoding, generator: np.random.Generator) -> int:
    if decoding.greedy:
        return int(np.argmax(probs))
    p = probs.astype(np.float64)
    return int(generator.choice(len(p), p=p / p.sum()))


def candidates(tm: TextModel, ids: list[int], decoding: Decoding, k: int = 12) -> dict:
    """The ``k`` most likely next tokens after ``ids`` with their probability at every filter stage.

    ``final`` is the whole filtered distribution (for sampling), ``kept`` how many tokens survive
    the filters, ``entropy`` the model's own uncertainty in bits.
    """
    stages = filter_stages(tm.next_logits(ids), decoding)
    top = np.argsort(-stages["raw"], kind="stable")[:k]
    raw = stages["raw"].astype(np.float64)
    return {"ids": top.tolist(), "texts": [tm.decode([int(i)]) for i in top],
            "stages": {name: probs[top] for name, probs in stages.items()}, "final": stages["top_p"],
            "kept": int((stages["top_p"] > 0).sum()),
            "entropy": float(-(raw * np.log2(np.clip(raw, 1e-12, None))).sum())}


@dataclass
class Step:
    token_id: int
    text: str
    probability: float  # of the chosen token under the final (filtered) distribution
    raw_probability: float  # under the model's own distribution (temperature 1, no filters)


def stream(tm: TextModel, prompt_ids: list[int], decoding: Decoding, max_new_tokens: int, seed: int,
           should_stop: Callable[[], bool] = lambda: False, stop_at_eos: bool = True) -> Iterator[Step]:
    """Generate token by token, using the KV cache (GPT) or the carried hidden state (LSTM).

    Same seed and settings ⇒ same tokens. ``should_stop()`` is checked before every token.
    """
    rng = np.random.default_rng(seed)
    ids = list(prompt_ids[-tm.context:])
    cache = None
    fresh = ids
    for _ in range(max(0, max_new_tokens)):
        if should_stop():
            return
        with torch.inference_mode(), tm.lock:
            logits, cache = _step(tm, fresh, cache)
        if decoding.greedy:  # no filters needed: the most likely token under any temperature
            raw = torch.softmax(logits, -1).numpy()
            token = int(np.argmax(raw))
            final = raw
        else:
            stages = filter_stages(logits, decoding)
            raw, final = stages["raw"], stages["top_p"]
            token = choose(final, decoding, rng)
        ids.append(token)
        yield Step(token, tm.decode([token]), float(final[token]), float(raw[token]))
        if stop_at_eos and token == tm.tokenizer.eos_token_id:
            return
        fresh = [token]
        if tm.arch == "gpt" and len(ids) >= tm.context:  # cache full: restart from the last window
            cache, fresh = None, ids[-(tm.context - 1):]


def _step(tm: TextModel, fresh: list[int], cache):
    """Scores after the ``fresh`` tokens, continuing from ``cache`` (GPT keys/values or LSTM state)."""
    x = torch.tensor([fresh], device=tm.device)
    if tm.arch == "lstm":
        logits, state = tm.model(x, cache)
        return logits[0, -1].float().cpu(), state
    out = tm.model(input_ids=x, past_key_values=cache, use_cache=True)
    return out.logits[0, -1].float().cpu(), out.past_key_values


def generate(tm: TextModel, prompt: str, decoding: Decoding = Decoding(), max_new_tokens: int = 60,
             seed: int = 0) -> tuple[str, list[Step]]:
    ids, _ = tm.encode(prompt)
    steps = list(stream(tm, ids, decoding, max_new_tokens, seed))
    return tm.decode([s.token_id for s in steps]), steps


@torch.inference_mode()
def beam_search(tm: TextModel, prompt: str, beams: int = 4, max_new_tokens: int = 40) -> str:
    """``transformers``' beam search (GPT only)."""
    if tm.arch != "gpt":
        raise ValueError("beam search here uses the Transformer's generate()")
    ids, _ = tm.encode(prompt)
    x = torch.tensor([ids], device=tm.device)
    max_new_tokens = min(max_new_tokens, tm.context - len(ids))
    with tm.lock:
        out = tm.model.generate(x, num_beams=beams, do_sample=False, max_new_tokens=max_new_tokens,
                                early_stopping=True, pad_token_id=tm.tokenizer.eos_token_id)
    return tm.decode(out[0, len(ids):].tolist())


def decoding_compare(tm: TextModel, prompt: str, temperature: float, top_k: int, top_p: float, seed: int,
                     n: int, beams: int = 4) -> dict[str, str]:
    """Greedy, sampling and (Transformer only) beam search continuations of one prompt."""
    out = {"greedy": generate(tm, prompt, Decoding(greedy=True), n, seed)[0],
           "sample": generate(tm, prompt, Decoding(temperature, top_k, top_p), n, seed)[0]}
    if tm.arch == "gpt":
        out["beam"] = beam_search(tm, prompt, beams, n)
    return out


def attention_of(tm: TextModel, prompt: str, max_tokens: int) -> dict:
    """The prompt's first ``max_tokens`` tokens (as text) and the GPT's attention over them, (layers, heads, T, T)."""
    ids, _ = tm.encode(prompt)
    ids = ids[:max_tokens]
    return {"tokens": [tm.decode([i]) for i in ids], "maps": tm.attentions(ids)}


@torch.inference_mode()
def tokens_per_second(tm: TextModel, n_tokens: int = 100, use_cache: bool = True, prompt_tokens: int = 16,
                      seed: int = 0) -> float:
    """Greedy generation speed; without the cache the GPT re-reads the whole sequence every step."""
    ids = list(np.random.default_rng(seed).integers(2, len(tm.tokenizer), prompt_tokens))
    n_tokens = min(n_tokens, tm.context - prompt_tokens - 1)
    start = time.perf_counter()
    if use_cache or tm.arch == "lstm":
        for _ in stream(tm, ids, Decoding(greedy=True), n_tokens, seed, stop_at_eos=False):
            pass
    else:
        for _ in range(n_tokens):
            ids.append(int(torch.argmax(tm.next_logits(ids))))
    return n_tokens / (time.perf_counter() - start)


# ------------------------------------------------------------------------------------ hallucination
#: Questions whose answer the corpora never state; a fluent continuation is then made up.
FACT_PROMPTS = {
    "en": [("The capital of France is", "Paris"), ("The first man on the moon was", "Armstrong"),
           ("Water is made of hydrogen and", "oxygen"), ("The author of Hamlet is", "Shakespeare")],
    "ko": [("대한민국의 수도는", "서울"), ("물은 수소와", "산소"), ("달에 처음 간 사람은", "암스트롱"),
           ("리브레오피스는", "오피스")],
    # the code model knows Python, not the world: asked in a comment, it answers in code or comments
    corpus.CODE: [("# The capital of France is", "Paris"), ("# The first man on the moon was", "Armstrong"),
             ("# Water is made of hydrogen and", "oxygen"), ("# The author of Hamlet is", "Shakespeare")],
}


def hallucinations(tm: TextModel, max_new_tokens: int = 20) -> list[dict]:
    """Greedy continuations of :data:`FACT_PROMPTS` with the model's confidence per token.

    ``correct`` says whether the known answer appears; ``confidence`` is the mean probability
    the model gave its own tokens — high confidence on a wrong continuation is a hallucination.
    """
    rows = []
    for prompt, answer in FACT_PROMPTS[tm.config.lang]:
        text, steps = generate(tm, prompt, Decoding(greedy=True), max_new_tokens)
        probs = [s.raw_probability for s in steps]
        rows.append({"prompt": prompt, "answer": answer, "continuation": text,
                     "correct": answer.lower() in text.lower(),
                     "confidence": float(np.mean(probs)) if probs else 0.0,
                     "tokens": [(s.text, s.raw_probability) for s in steps]})
    return rows


# ------------------------------------------------------------------------------------- chain rule
@torch.inference_mode()
def sequence_log_prob(tm: TextModel, ids: list[int]) -> dict:
    """The chain rule on a real text: log p(x) = Σ_t log p(x_t | x_<t) under ``tm``.

    The first token is given (the model needs one token to start: it never saw a start marker in
    training), so the sum runs over tokens 2…T of the last ``context`` ids, exactly the terms the
    training loss averages. Returns per-token ``probs`` p(x_t | x_<t) and ``log_probs`` (nats), their
    running sum ``cumulative`` (its last value is ``total`` = log p(x_2…x_T | x_1)) and ``tokens``
    (the decoded text of every id, the given first one included).
    """
    ids = [int(i) for i in ids[-tm.context:]]
    tokens = [tm.decode([i]) for i in ids]
    if len(ids) < 2:
        empty = np.zeros(0)
        return {"ids": ids, "tokens": tokens, "probs": empty, "log_probs": empty, "cumulative": empty,
                "total": 0.0, "nats_per_token": float("nan")}
    x = torch.tensor([ids], device=tm.device)
    with tm.lock:
        logits = logits_of(tm.model, x[:, :-1])[0].float()
    log_probs = torch.log_softmax(logits, -1).gather(1, x[0, 1:, None])[:, 0].double().cpu().numpy()
    cumulative = np.cumsum(log_probs)
    return {"ids": ids, "tokens": tokens, "probs": np.exp(log_probs), "log_probs": log_probs,
            "cumulative": cumulative, "total": float(cumulative[-1]),
            "nats_per_token": float(-cumulative[-1] / len(log_probs))}
