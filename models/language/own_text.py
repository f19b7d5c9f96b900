"""Your own text: a small GPT with a character vocabulary, trained live on text the user brings.

1. **check the text** — :func:`read_upload` (bytes of a ``.txt``) and :func:`check_text` (pasted
   text) return clean text or raise :class:`OwnTextError` with a ``code`` the page translates:
   ``empty``, ``too_short``, ``too_long``, ``binary``, ``not_utf8``, ``vocab`` (too many different
   characters);
2. **a vocabulary from the text** — one token per character it uses
   (:func:`models.language.tokenization.char_tokenizer`, the shipped character tokenizers' own kind), so the model
   never meets an unknown character of its own text;
3. **the baseline** — a character-bigram table fitted on the first nine tenths, scored on the last
   tenth (:func:`bigram_baseline`): the GPT has learned something beyond "which character follows
   which" only once its held-out loss is below that line;
4. **training** — :class:`OwnRun` trains ``transformers``' GPT-2 (built by
   :func:`models.language.text.build`, wrapped as a :class:`models.language.text.TextModel`, so the
   next-token lab's code — ``text.candidates``, ``text.stream``, attention — works on it as it is)
   step by step (:meth:`OwnRun.steps`, a generator), for a time budget per call
   (:meth:`OwnRun.train_for`); every random draw comes from the run's own ``torch.Generator``
   (initial weights, windows, samples), never torch's global RNG, and torch's thread count is left
   alone. :meth:`OwnRun.finish` drops the optimiser's state when a run ends;
5. **keep it** — :func:`export_zip` writes ``config.json`` + ``model.safetensors`` + ``vocab.json``
   in one zip; :func:`import_zip` reads such a zip back and refuses anything else: too large, other
   or badly named files (non-UTF-8 names such as CP949, paths, ``..``), encrypted or oversized
   members (zip bombs), config values out of range, tensors of other names, shapes or types. Weights
   are read only as safetensors, never a pickle; no code from the zip is ever run (no
   ``trust_remote_code``: the network is built here from the checked numbers).

:class:`ModelStore` (from :mod:`models.core.model_zip`) bounds how many user models one server keeps in
memory. No Streamlit import.
"""

from __future__ import annotations

import io
import json
import math
import re
import threading
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from models.core import model_zip, training
from models.core.model_zip import ModelStore  # noqa: F401  (the page's store of user models)
from models.language import text, tokenization

MIN_CHARS = 2_000
MAX_CHARS = 500_000
MAX_UPLOAD_BYTES = 4 * MAX_CHARS + 3  # UTF-8 needs at most 4 bytes a character (+ a byte-order mark)
MAX_VOCAB = 5_000                      # different characters a text may use
VALID_SHARE = 0.1                      # the last tenth of the text is held out
EVAL_TOKENS = 8_192                    # held-out targets scored at every evaluation (the same ones each time)
SPECIAL = 2                            # <|endoftext|> and <unk> come before the characters
PROMPT_CHARS = 40

FORMAT = "genai-lab-own-text"
FORMAT_VERSION = 1
FILES = ("config.json", "model.safetensors", "vocab.json")
MAX_ZIP_BYTES = 40 * 2**20
MAX_MEMBER_BYTES = {"config.json": 2**20, "vocab.json": 2**20, "model.safetensors": 60 * 2**20}
#: allowed values of the network's numbers in an uploaded config (inclusive ranges)
LIMITS = {"context": (16, 512), "n_embd": (16, 512), "n_layer": (1, 8), "n_head": (1, 16),
          "vocab_size": (SPECIAL + 1, SPECIAL + MAX_VOCAB)}
MAX_CURVE = 5_000

_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LETTER = re.compile(r"[^\W\d_]")
#: control characters other than tab, newline and carriage return; invisible format characters
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")
#: what only binary data holds in quantity: C0 control characters other than tab, newline, carriage return
_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


class OwnTextError(ValueError):
    """Text or a model file the page cannot use; ``code`` and ``params`` let it translate the message."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code, self.params = code, params


# ------------------------------------------------------------------------------------ 1. the text
def read_upload(data: bytes | None) -> str:
    """The text of an uploaded ``.txt`` (UTF-8, an optional byte-order mark), checked by :func:`check_text`."""
    if not data:
        raise OwnTextError("empty", "the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise OwnTextError("too_long", f"the file has {len(data):,} bytes, more than {MAX_CHARS:,} characters can take",
                           n=f"{len(data):,}", maximum=f"{MAX_CHARS:,}")
    head = data[:65536]
    controls = sum(b < 32 and b not in (9, 10, 13) for b in head)
    if b"\x00" in data or controls > 0.01 * len(head):
        raise OwnTextError("binary", "this looks like a binary file, not text")
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OwnTextError("not_utf8", f"not UTF-8 text (byte {exc.start:,} cannot be read)",
                           at=f"{exc.start:,}") from None
    return check_text(decoded)


def check_text(raw: str | None) -> str:
    """Text ready to train on: NFC, line breaks as ``\\n``, tabs as spaces, invisible characters removed;
    between :data:`MIN_CHARS` and :data:`MAX_CHARS` characters and at most :data:`MAX_VOCAB` different ones."""
    raw = raw or ""
    if len(raw) > 2 * MAX_CHARS:  # never normalise a huge paste only to refuse it
        raise OwnTextError("too_long", f"{len(raw):,} characters, at most {MAX_CHARS:,}", n=f"{len(raw):,}",
                           maximum=f"{MAX_CHARS:,}")
    if "\x00" in raw or len(_BINARY.findall(raw[:65536])) > 0.01 * max(1, len(raw[:65536])):
        raise OwnTextError("binary", "this looks like binary data, not text")
    cleaned = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    cleaned = _CONTROL.sub("", cleaned)
    if not cleaned.strip():
        raise OwnTextError("empty", "there is no text")
    if len(cleaned) < MIN_CHARS:
        raise OwnTextError("too_short", f"{len(cleaned):,} characters, at least {MIN_CHARS:,}", n=f"{len(cleaned):,}",
                           minimum=f"{MIN_CHARS:,}")
    if len(cleaned) > MAX_CHARS:
        raise OwnTextError("too_long", f"{len(cleaned):,} characters, at most {MAX_CHARS:,}", n=f"{len(cleaned):,}",
                           maximum=f"{MAX_CHARS:,}")
    distinct = len(set(cleaned))
    if distinct > MAX_VOCAB:
        raise OwnTextError("vocab", f"{distinct:,} different characters, at most {MAX_VOCAB:,}", n=f"{distinct:,}",
                           maximum=f"{MAX_VOCAB:,}")
    return cleaned


def language_of(sample: str) -> str:
    """"ko", "en" or "mixed" by the share of Hangul among the letters."""
    letters = len(_LETTER.findall(sample))
    share = len(_HANGUL.findall(sample)) / max(1, letters)
    return "ko" if share >= 0.7 else "en" if share <= 0.05 else "mixed"


# ------------------------------------------------------------------------------------ 2. vocabulary
def encode(text_: str, chars: list[str]) -> np.ndarray:
    table = {c: i + SPECIAL for i, c in enumerate(chars)}
    return np.fromiter((table.get(c, 1) for c in text_), dtype=np.int64, count=len(text_))


# ------------------------------------------------------------------------------------ 3. baseline
def bigram_baseline(train_ids: np.ndarray, targets: np.ndarray, previous: np.ndarray, vocab: int) -> dict:
    """Held-out nats per character of a character-bigram table fitted on ``train_ids``.

    p(b | a) = (count(a, b) + k · p(b)) / (count(a) + k), with p(b) the add-one unigram; the
    smoothing strength k is the best of a few on the held-out targets (a baseline as strong as a
    bigram table gets). ``targets[i]`` follows ``previous[i]``. Also the unigram's loss.
    """
    uni = np.bincount(train_ids, minlength=vocab).astype(np.float64)
    p_uni = (uni + 1) / (uni.sum() + vocab)
    pair_codes, pair_counts = np.unique(train_ids[:-1] * vocab + train_ids[1:], return_counts=True)
    first = np.bincount(train_ids[:-1], minlength=vocab).astype(np.float64)
    codes = previous * vocab + targets
    pos = np.clip(np.searchsorted(pair_codes, codes), 0, max(len(pair_codes) - 1, 0))
    seen = np.where(pair_codes[pos] == codes, pair_counts[pos], 0).astype(np.float64) if len(pair_codes) else 0.0
    best = None
    for k in (0.1, 0.3, 1.0, 3.0, 10.0, 30.0):
        p = (seen + k * p_uni[targets]) / (first[previous] + k)
        loss = float(-np.log(p).mean())
        if best is None or loss < best[1]:
            best = (k, loss)
    return {"bigram": best[1], "smoothing": best[0], "unigram": float(-np.log(p_uni[targets]).mean())}


# ------------------------------------------------------------------------------------ 4. training
@dataclass
class OwnConfig:
    context: int = 64
    n_embd: int = 128
    n_layer: int = 3
    n_head: int = 4
    batch_size: int = 32
    lr: float = 3e-3
    warmup_steps: int = 20
    weight_decay: float = 0.1
    seed: int = 0
    eval_every_s: float = 4.0     # training seconds between held-out evaluations
    sample_every_s: float = 6.0   # training seconds between fresh samples (a sample costs about a step)
    sample_chars: int = 100
    sample_temperature: float = 0.8

    def text_config(self, lang: str) -> text.TextConfig:
        return text.TextConfig(lang=lang, tokenizer="char", context=self.context, n_embd=self.n_embd,
                               n_layer=self.n_layer, n_head=self.n_head, batch_size=self.batch_size, lr=self.lr,
                               warmup_steps=self.warmup_steps, steps=0, seed=self.seed)


def build_gpt(config: text.TextConfig, vocab_size: int, generator: torch.Generator | None) -> torch.nn.Module:
    """GPT-2 as :func:`models.language.text.build` makes it, with eager attention (the attention maps),
    built on the meta device and initialised as GPT-2 initialises itself — N(0, 0.02), the residual
    projections scaled by 1/√(2·layers), norms at one, biases at zero — drawing from ``generator``
    (``None``: zeros, for weights loaded right after)."""
    with torch.device("meta"):
        model = text.build(config, vocab_size, eos_id=0)
    model.config._attn_implementation = "eager"
    model = model.to_empty(device="cpu")
    with torch.no_grad():
        for name, p in model.named_parameters():  # the tied output layer is the token embedding
            if generator is None or name.endswith(".bias"):
                p.zero_()
            elif ".ln_" in name or name.startswith("transformer.ln_f"):
                p.fill_(1.0)
            elif name.endswith("c_proj.weight"):
                p.normal_(0.0, 0.02 / math.sqrt(2 * config.n_layer), generator=generator)
            else:
                p.normal_(0.0, 0.02, generator=generator)
        model.tie_weights()
    return model


def tensors_of(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The weights to save: every parameter once (the output layer is tied to the token embedding)."""
    return {name: p.detach().cpu().contiguous() for name, p in model.named_parameters()}


@dataclass
class OwnRun:
    """One model on one text: its tokenizer, the held-out targets, the baseline, the history."""

    config: OwnConfig
    chars: list[str]
    lang: str
    prompt: str
    baseline: dict
    tm: text.TextModel
    train_ids: torch.Tensor | None = None
    eval_batches: list[torch.Tensor] = field(default_factory=list)
    text_chars: int = 0
    step: int = 0
    seconds: float = 0.0                                # training time so far
    curve: list[list[float]] = field(default_factory=list)  # [step, seconds, held-out loss]
    train_losses: list[float] = field(default_factory=list)
    samples: list[tuple[int, str]] = field(default_factory=list)  # (step, text)
    beat_at: float | None = None                        # training seconds when held-out loss fell below the bigram
    digest: str = ""                                    # sha256 of the text (the page's "same text?")
    optimizer: torch.optim.Optimizer | None = None
    generator: torch.Generator | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _last_eval: float = 0.0
    _last_sample: float = -1e9
    _warm_from: int = 0

    @classmethod
    def create(cls, text_: str, config: OwnConfig | None = None, name: str = "own") -> OwnRun:
        """Tokenizer, split, baseline and an untrained model for ``text_`` (already :func:`check_text`-ed)."""
        config = config or OwnConfig()
        chars = tokenization.char_vocabulary(text_)
        ids = encode(text_, chars)
        split = int(round(len(ids) * (1 - VALID_SHARE)))
        train_ids, valid_ids = ids[:split], ids[split:]
        length = config.context + 1
        n_windows = max(1, min(EVAL_TOKENS // config.context, (len(valid_ids) - 1) // config.context))
        windows = np.stack([valid_ids[i * config.context:i * config.context + length] for i in range(n_windows)
                            if i * config.context + length <= len(valid_ids)] or [valid_ids[:length]])
        baseline = bigram_baseline(train_ids, windows[:, 1:].reshape(-1), windows[:, :-1].reshape(-1),
                                   len(chars) + SPECIAL)
        lang = language_of(text_[:20_000])
        generator = torch.Generator().manual_seed(config.seed)
        tconf = config.text_config(lang)
        model = build_gpt(tconf, len(chars) + SPECIAL, generator)
        tm = text.TextModel(name, model.eval(), tokenization.char_tokenizer(chars), tconf)
        size = config.batch_size
        batches = [torch.from_numpy(windows[i:i + size]) for i in range(0, len(windows), size)]
        run = cls(config, chars, lang, _prompt_from(text_[split:]), baseline, tm,
                  train_ids=torch.from_numpy(train_ids), eval_batches=batches, text_chars=len(text_),
                  generator=generator)
        run.curve.append([0, 0.0, run.evaluate()])
        return run

    @property
    def trainable(self) -> bool:
        """False for a model loaded from a zip: its text is not here to train on."""
        return self.train_ids is not None and len(self.train_ids) > self.config.context + 1

    @property
    def valid_loss(self) -> float:
        return self.curve[-1][2]

    @torch.no_grad()
    def evaluate(self) -> float:
        """Mean held-out nats per character over the fixed held-out windows."""
        model = self.tm.model
        total, count = 0.0, 0
        for batch in self.eval_batches:
            logits = text.logits_of(model, batch[:, :-1])
            total += float(torch.nn.functional.cross_entropy(logits.flatten(0, 1).float(), batch[:, 1:].flatten(),
                                                             reduction="sum"))
            count += batch[:, 1:].numel()
        return total / max(count, 1)

    def _optimizer(self) -> torch.optim.Optimizer:
        if self.optimizer is None:
            self.optimizer = training.adamw(self.tm.model, self.config.lr, self.config.weight_decay)
            self._warm_from = self.step
        return self.optimizer

    def steps(self) -> Iterator[float]:
        """Train one optimiser step per ``next()``; yields that step's training loss. The learning rate
        warms up over ``warmup_steps`` after every (re)start, then stays at its peak."""
        if not self.trainable:
            raise OwnTextError("no_text", "a model loaded from a file has no text here to train on")
        model, cfg = self.tm.model, self.config
        optimizer = self._optimizer()
        n = len(self.train_ids)
        while True:
            starts = torch.randint(0, n - cfg.context - 1, (cfg.batch_size,), generator=self.generator)
            batch = torch.stack([self.train_ids[s:s + cfg.context + 1] for s in starts.tolist()])
            factor = min(1.0, (self.step - self._warm_from + 1) / cfg.warmup_steps)
            for group in optimizer.param_groups:
                group["lr"] = cfg.lr * factor
            model.train()
            logits = text.logits_of(model, batch[:, :-1])
            loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1).float(), batch[:, 1:].flatten())
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            model.eval()
            self.step += 1
            yield loss.item()

    def train_for(self, seconds: float, max_steps: int | None = None, sample: bool = True) -> None:
        """Train for about ``seconds`` (or ``max_steps``), evaluating on the held-out tenth every
        ``eval_every_s`` training seconds and at the end, and writing a fresh sample every
        ``sample_every_s``. Holds the run's lock: two calls never train the same run at once."""
        with self.lock:
            start, done = time.perf_counter(), 0
            losses = []
            for loss in self.steps():
                losses.append(loss)
                done += 1
                now = time.perf_counter() - start
                if self.seconds + now - self._last_eval >= self.config.eval_every_s:
                    self._record(now)
                if now >= seconds or (max_steps is not None and done >= max_steps):
                    break
            self.train_losses.append(float(np.mean(losses)))
            self._record(time.perf_counter() - start)
            self.seconds += time.perf_counter() - start
            if sample and self.seconds - self._last_sample >= self.config.sample_every_s:
                self._last_sample = self.seconds
                self.samples.append((self.step, self.sample(self.config.sample_chars)))

    def _record(self, elapsed: float) -> None:
        """Score the held-out tenth now (once per step)."""
        at = self.seconds + elapsed
        if self.curve and self.curve[-1][0] == self.step:
            return
        loss = self.evaluate()
        self._last_eval = at
        self.curve.append([self.step, round(at, 3), loss])
        if self.beat_at is None and loss < self.baseline["bigram"]:
            self.beat_at = at

    def sample(self, n_chars: int, seed: int | None = None, prompt: str | None = None) -> str:
        """``n_chars`` characters written after ``prompt`` (the start of the held-out text), same seed each time."""
        ids, _ = self.tm.encode(self.prompt if prompt is None else prompt)
        decoding = text.Decoding(temperature=self.config.sample_temperature, top_k=0, top_p=1.0)
        steps = text.stream(self.tm, ids, decoding, n_chars, self.config.seed if seed is None else seed,
                            stop_at_eos=False)
        return "".join(s.text for s in steps if s.token_id >= SPECIAL)  # never the special tokens' names

    def release(self) -> None:
        """Drop the optimiser's state without waiting for a round (the store drops this run)."""
        self.optimizer = None

    def finish(self) -> None:
        """The run has ended (stopped or done): drop the optimiser's state; the weights stay."""
        with self.lock:
            self.optimizer = None

    def info(self) -> dict:
        return {"steps": self.step, "seconds": round(self.seconds, 3), "text_chars": self.text_chars,
                "vocab": len(self.chars), "lang": self.lang, "valid_loss": self.valid_loss,
                "bigram": self.baseline["bigram"], "unigram": self.baseline["unigram"], "beat_at": self.beat_at,
                "parameters": text.parameter_count(self.tm.model)}


def _prompt_from(held_out: str) -> str:
    """A start for the samples: the first line of the held-out text that has a few characters (≤ 40)."""
    for line in held_out.split("\n")[1:] + held_out.split("\n")[:1]:
        if len(line.strip()) >= 8:
            return line.strip()[:PROMPT_CHARS]
    return held_out[:PROMPT_CHARS]


# ------------------------------------------------------------------------------------ 5. keep it
def export_zip(run: OwnRun) -> bytes:
    """``config.json`` + ``model.safetensors`` + ``vocab.json`` in one zip (the bytes)."""
    from safetensors.torch import save

    tconf = run.tm.config
    config = {
        "format": FORMAT, "version": FORMAT_VERSION,
        "model": {"context": tconf.context, "n_embd": tconf.n_embd, "n_layer": tconf.n_layer, "n_head": tconf.n_head,
                  "vocab_size": len(run.chars) + SPECIAL},
        "lang": run.lang, "prompt": run.prompt, "seed": run.config.seed,
        "training": {**run.info(), "curve": run.curve[-MAX_CURVE:], "smoothing": run.baseline.get("smoothing")},
        "own_config": asdict(run.config),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", json.dumps(config, ensure_ascii=False, indent=1))
        archive.writestr("model.safetensors", save(tensors_of(run.tm.model), metadata={"format": FORMAT}))
        archive.writestr("vocab.json", json.dumps({"chars": run.chars}, ensure_ascii=False))
    return buffer.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    """The three files of a model zip, each checked before and while it is read."""
    return model_zip.read_members(data, error=OwnTextError, max_bytes=MAX_ZIP_BYTES,
                                  limit=model_zip.limits(MAX_MEMBER_BYTES), files=FILES)


def _json(body: bytes, name: str):
    return model_zip.json_of(body, name, OwnTextError)


def _check_config(config) -> dict:
    if not isinstance(config, dict) or config.get("format") != FORMAT or config.get("version") != FORMAT_VERSION:
        raise OwnTextError("bad_format", "config.json is not a GenAI Lab own-text model (format, version)")
    model = config.get("model")
    if not isinstance(model, dict) or set(model) != set(LIMITS):
        raise OwnTextError("bad_config", f"config.json's model needs exactly {sorted(LIMITS)}", field="model")
    for key, (low, high) in LIMITS.items():
        if not model_zip.number(model[key], low, high, integer=True):
            raise OwnTextError("bad_config", f"config.json: {key} = {model[key]!r} is outside {low}–{high}", field=key)
    if model["n_embd"] % model["n_head"]:
        raise OwnTextError("bad_config", "config.json: n_embd must be a multiple of n_head", field="n_embd")
    if config.get("lang") not in ("ko", "en", "mixed"):
        raise OwnTextError("bad_config", "config.json: lang", field="lang")
    if not isinstance(config.get("prompt"), str) or len(config["prompt"]) > 4 * PROMPT_CHARS:
        raise OwnTextError("bad_config", "config.json: prompt", field="prompt")
    if not model_zip.number(config.get("seed"), 0, 2**32 - 1, integer=True):
        raise OwnTextError("bad_config", "config.json: seed", field="seed")
    training = config.get("training")
    if not isinstance(training, dict):
        raise OwnTextError("bad_config", "config.json: training", field="training")
    for key, high in (("steps", 10**9), ("seconds", 10**7), ("text_chars", MAX_CHARS), ("valid_loss", 100),
                      ("bigram", 100), ("unigram", 100)):
        if not model_zip.number(training.get(key), 0, high):
            raise OwnTextError("bad_config", f"config.json: training.{key}", field=f"training.{key}")
    if training.get("beat_at") is not None and not model_zip.number(training["beat_at"], 0, 10**7):
        raise OwnTextError("bad_config", "config.json: training.beat_at", field="training.beat_at")
    curve = training.get("curve")
    if not isinstance(curve, list) or not 1 <= len(curve) <= MAX_CURVE or not all(
            isinstance(p, list) and len(p) == 3 and all(model_zip.number(v, 0, 10**9) for v in p) for p in curve):
        raise OwnTextError("bad_config", "config.json: training.curve", field="training.curve")
    return config


def _check_vocab(vocab, size: int) -> list[str]:
    chars = vocab.get("chars") if isinstance(vocab, dict) else None
    if not isinstance(chars, list) or len(chars) != size - SPECIAL or set(vocab) != {"chars"}:
        raise OwnTextError("bad_vocab", f"vocab.json must list {size - SPECIAL} characters")
    if not all(isinstance(c, str) and len(c) == 1 and not _CONTROL.match(c) for c in chars) \
            or len(set(chars)) != len(chars):
        raise OwnTextError("bad_vocab", "vocab.json must list distinct single characters")
    return chars


def import_zip(data: bytes, name: str = "own") -> OwnRun:
    """A model saved by :func:`export_zip`, checked at every step (see the module docstring); raises
    :class:`OwnTextError` with a code the page translates. The result generates but does not train."""
    from safetensors import SafetensorError
    from safetensors.torch import load

    files = _members(data)
    config = _check_config(_json(files["config.json"], "config.json"))
    m = config["model"]
    chars = _check_vocab(_json(files["vocab.json"], "vocab.json"), m["vocab_size"])
    try:
        tensors = load(files["model.safetensors"])
    except (SafetensorError, ValueError, RuntimeError, OSError) as exc:
        raise OwnTextError("bad_weights", f"model.safetensors cannot be read ({type(exc).__name__})") from None
    own = OwnConfig(context=m["context"], n_embd=m["n_embd"], n_layer=m["n_layer"], n_head=m["n_head"],
                    seed=config["seed"])
    tconf = own.text_config(config["lang"])
    model = build_gpt(tconf, m["vocab_size"], None)
    expected = {k: v.shape for k, v in tensors_of(model).items()}
    if set(tensors) != set(expected):
        raise OwnTextError("bad_weights", "model.safetensors holds other tensors than this model has")
    for key, shape in expected.items():
        tensor = tensors[key]
        if tensor.dtype != torch.float32 or tuple(tensor.shape) != tuple(shape) or not torch.isfinite(tensor).all():
            raise OwnTextError("bad_weights", f"model.safetensors: {key} has the wrong shape or type, or is not finite")
    with torch.no_grad():
        for key, p in model.named_parameters():
            p.copy_(tensors[key])
    training = config["training"]
    tm = text.TextModel(name, model.eval(), tokenization.char_tokenizer(chars), tconf)
    baseline = {"bigram": float(training["bigram"]), "unigram": float(training["unigram"]),
                "smoothing": training.get("smoothing")}
    run = OwnRun(own, chars, config["lang"], text.clean_prompt(config["prompt"])[0], baseline, tm,
                 text_chars=int(training["text_chars"]), step=int(training["steps"]),
                 seconds=float(training["seconds"]), curve=[[float(v) for v in p] for p in training["curve"]],
                 beat_at=None if training.get("beat_at") is None else float(training["beat_at"]))
    return run
