"""A melody model: Bach chorale tunes as token sequences, a small GPT that continues them, and audio.

Music becomes text in three steps:

1. **a grid** — time is cut into sixteenth notes; 16 steps are one 4/4 bar;
2. **one token per step** — a pitch token where a note *starts*, ``hold`` while it keeps sounding,
   ``rest`` for silence; a melody opens with ``<major>`` or ``<minor>`` and closes with ``<end>``;
3. **next-token prediction** — exactly as for text, the model learns p(token_t | tokens before t).

A quarter-note C5 is ``C5 hold hold hold``. The same checkpoint layout as the text GPTs:
``assets/checkpoints/melody_gpt/`` holds ``config.json`` + ``model.safetensors`` and loads offline
with ``GPT2LMHeadModel.from_pretrained``. Sampling draws token by token (KV cache, a temperature,
a NumPy generator per seed); :func:`render_wav` turns notes into a 16-bit WAV with NumPy and the
``wave`` module; :func:`piano_roll` gives the array behind the page's figure.
"""

from __future__ import annotations

import io
import math
import re
import threading
import wave
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from models.core import checkpoints
from models.melody.melody_corpus import HIGHEST, LOWEST, MODES, STEPS_PER_BAR, Melody

NAME = "melody_gpt"
# ------------------------------------------------------------------------------------------- tokens
MAJOR, MINOR, END, REST, HOLD = 0, 1, 2, 3, 4
SPECIAL = ("<major>", "<minor>", "<end>", "rest", "hold")
FIRST_PITCH = len(SPECIAL)
VOCAB_SIZE = FIRST_PITCH + HIGHEST - LOWEST + 1
NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
MAX_BARS = 16
MAX_START_STEPS = 4 * STEPS_PER_BAR
SAMPLE_RATE = 22_050


def pitch_token(midi: int) -> int:
    if not LOWEST <= midi <= HIGHEST:
        raise ValueError(f"pitch {midi} is outside {LOWEST}-{HIGHEST}")
    return FIRST_PITCH + midi - LOWEST


def token_name(token: int) -> str:
    return SPECIAL[token] if token < FIRST_PITCH else note_name(token - FIRST_PITCH + LOWEST)


def note_name(midi: int) -> str:
    return f"{NOTE_NAMES[midi % 12]}{midi // 12 - 1}"


def encode(notes: Sequence[tuple[int, int]], mode: str | None = "major", end: bool = True) -> list[int]:
    """Notes ``(midi or 0 for a rest, sixteenths)`` → tokens (``mode`` None: no opening token)."""
    tokens = [] if mode is None else [MODES.index(mode)]
    for pitch, length in notes:
        if length < 1:
            continue
        tokens += [REST] * length if pitch == 0 else [pitch_token(pitch)] + [HOLD] * (length - 1)
    return tokens + [END] * end


def decode(tokens: Sequence[int]) -> list[tuple[int, int]]:
    """Tokens → notes; special tokens other than rest/hold are skipped, a stray hold is a rest."""
    notes: list[list[int]] = []
    for token in tokens:
        token = int(token)
        if token == HOLD and notes:
            notes[-1][1] += 1
        elif token in (REST, HOLD):
            if notes and notes[-1][0] == 0:
                notes[-1][1] += 1
            else:
                notes.append([0, 1])
        elif token >= FIRST_PITCH:
            notes.append([token - FIRST_PITCH + LOWEST, 1])
    return [(p, d) for p, d in notes]


def melody_tokens(melody: Melody) -> list[int]:
    return encode(melody.notes, melody.mode)


_NOTE = re.compile(r"^(?:(?P<rest>[rR])|(?P<name>[A-Ga-g])(?P<acc>#|b)?(?P<octave>-?\d))(?::(?P<len>\d{1,3}))?$")


@dataclass
class StartPattern:
    notes: list[tuple[int, int]]
    problems: list[tuple[str, str]]  # (code, detail) for the page to explain


def parse_start(text: str | None, max_steps: int = MAX_START_STEPS) -> StartPattern:
    """``"E5 D5:2 C5:2 r:4"``: note names with an octave (``#``/``b`` allowed), ``r`` for a rest,
    ``:n`` a length in sixteenths (default 4 = a quarter note, 1-16).

    Never raises: unreadable words are skipped, notes outside G3-C6 move by octaves, lengths are
    clamped to 1-16 and the whole pattern to ``max_steps`` — each change is reported.
    """
    notes, problems = [], []
    for word in (text or "").replace(",", " ").split():
        match = _NOTE.match(word)
        if not match:
            problems.append(("unreadable", word))
            continue
        length = int(match["len"] or 4)
        if not 1 <= length <= 16:
            problems.append(("length", word))
            length = min(max(length, 1), 16)
        if match["rest"]:
            notes.append((0, length))
            continue
        pc = NOTE_NAMES.index(match["name"].upper()) + {"#": 1, "b": -1, None: 0}[match["acc"]]
        midi = 12 * (int(match["octave"]) + 1) + pc
        if not LOWEST <= midi <= HIGHEST:
            problems.append(("range", word))
            while midi < LOWEST:
                midi += 12
            while midi > HIGHEST:
                midi -= 12
        notes.append((midi, length))
    total, kept = 0, []
    for pitch, length in notes:
        if total + length > max_steps:
            problems.append(("too_long", str(max_steps)))
            if max_steps - total > 0:
                kept.append((pitch, max_steps - total))
            break
        kept.append((pitch, length))
        total += length
    return StartPattern(kept, problems)


def format_notes(notes: Sequence[tuple[int, int]], limit: int = 24) -> str:
    words = [("r" if p == 0 else note_name(p)) + ("" if d == 4 else f":{d}") for p, d in notes[:limit]]
    return " ".join(words) + (" …" if len(notes) > limit else "")


# ------------------------------------------------------------------------------------------ n-grams
@dataclass
class NGram:
    """Count-based baselines: order 1 (unigram: how often each token occurs) or 2 (bigram: which
    token follows which). Add-``alpha`` smoothing so held-out tokens never get probability 0."""

    order: int
    probs: np.ndarray  # (V,) for order 1, (V, V) rows = previous token for order 2

    @classmethod
    def fit(cls, sequences: Sequence[Sequence[int]], order: int, alpha: float = 0.1) -> NGram:
        if order not in (1, 2):
            raise ValueError("order must be 1 or 2")
        counts = np.zeros((VOCAB_SIZE,) * order)
        for seq in sequences:
            seq = np.asarray(seq)
            if order == 1:
                np.add.at(counts, seq[1:], 1)
            else:
                np.add.at(counts, (seq[:-1], seq[1:]), 1)
        counts += alpha
        counts[..., [MAJOR, MINOR]] = 0  # opening tokens are given, never predicted
        return cls(order, counts / counts.sum(-1, keepdims=True))

    def next_probs(self, previous: int) -> np.ndarray:
        return self.probs if self.order == 1 else self.probs[previous]

    def nll(self, sequences: Sequence[Sequence[int]]) -> dict:
        """Nats per predicted token, overall and at note starts (pitch tokens only)."""
        total, count, onset_total, onsets = 0.0, 0, 0.0, 0
        for seq in sequences:
            seq = np.asarray(seq)
            p = self.probs[seq[1:]] if self.order == 1 else self.probs[seq[:-1], seq[1:]]
            nll = -np.log(p)
            total, count = total + nll.sum(), count + len(nll)
            mask = seq[1:] >= FIRST_PITCH
            onset_total, onsets = onset_total + nll[mask].sum(), onsets + mask.sum()
        return {"nats_per_token": float(total / count), "nats_per_onset": float(onset_total / max(onsets, 1)),
                "tokens": int(count)}

    def sample(self, mode: str, steps: int, seed: int) -> list[int]:
        """``steps`` tokens after the opening token, drawn from the table (no ``<end>``)."""
        rng = np.random.default_rng(seed)
        tokens = [MODES.index(mode)]
        for _ in range(steps):
            p = self.next_probs(tokens[-1]).copy()
            p[END] = 0
            tokens.append(int(rng.choice(VOCAB_SIZE, p=p / p.sum())))
        return tokens


# -------------------------------------------------------------------------------------------- model
def windows(tokens: Sequence[int], context: int) -> list[list[int]]:
    """Pieces of one melody that fit the model: the opening token, then at most ``context`` tokens
    from step ``k * context`` on (a bar line: ``context`` is a multiple of 16). Every token is
    predicted exactly once, and position ``i`` is always step ``i - 1`` of a bar-aligned grid."""
    body = list(tokens[1:])
    return [[tokens[0], *body[s:s + context]] for s in range(0, len(body), context)]


@dataclass
class MusicConfig:
    context: int = MAX_BARS * STEPS_PER_BAR  # positions; a melody of MAX_BARS bars fits after its opening token
    n_embd: int = 128
    n_layer: int = 4
    n_head: int = 4
    dropout: float = 0.2
    # training
    batch_size: int = 16
    lr: float = 3e-3
    warmup_steps: int = 30
    steps: int = 300
    eval_every: int = 50
    seed: int = 0
    extra: dict = field(default_factory=dict)


def build(config: MusicConfig):
    from transformers import GPT2Config, GPT2LMHeadModel

    return GPT2LMHeadModel(GPT2Config(
        vocab_size=VOCAB_SIZE, n_positions=config.context, n_embd=config.n_embd, n_layer=config.n_layer,
        n_head=config.n_head, resid_pdrop=config.dropout, embd_pdrop=config.dropout, attn_pdrop=config.dropout,
        bos_token_id=MAJOR, eos_token_id=END, tie_word_embeddings=True))  # no pad id: padding is never attended to


def parameter_count(model) -> int:
    return sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())


def save(model, config: MusicConfig, directory: Path) -> None:
    model.config.genai_lab = asdict(config)
    model.config.genai_lab_tokens = {"special": list(SPECIAL), "lowest": LOWEST, "highest": HIGHEST}
    model.save_pretrained(directory, safe_serialization=True)


@dataclass
class MelodyModel:
    """The shipped GPT; ``lock`` serialises calls from several app sessions."""

    model: object
    config: MusicConfig
    device: str = "cpu"
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, name: str = NAME, device: str = "cpu", root: Path | None = None) -> MelodyModel:
        from transformers import GPT2LMHeadModel
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        root = root or checkpoints.checkpoint_root()
        checkpoints.verify(name, root)
        directory = root / name
        try:
            model = GPT2LMHeadModel.from_pretrained(directory, use_safetensors=True)
            config = MusicConfig(**model.config.genai_lab)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise checkpoints.unreadable(name, directory, exc) from None
        if model.config.vocab_size != VOCAB_SIZE:
            raise checkpoints.CheckpointError(
                f"Checkpoint {checkpoints.shown(directory)} has {model.config.vocab_size} tokens, "
                f"expected {VOCAB_SIZE}. "
                f"{checkpoints.retrain_hint(name)}")
        return cls(model.to(device).eval(), config, device)

    def nll(self, sequences: Sequence[Sequence[int]]) -> dict:
        """Held-out nats per predicted token (and at note starts), one bar-aligned window at a time."""
        import torch

        total, count, onset_total, onsets = 0.0, 0, 0.0, 0
        with torch.inference_mode(), self.lock:
            for seq in (w for s in sequences for w in windows(s, self.config.context)):
                x = torch.tensor([seq], device=self.device)
                logits = self.model(input_ids=x[:, :-1]).logits[0].float()
                nll = torch.nn.functional.cross_entropy(logits, x[0, 1:], reduction="none").cpu().numpy()
                total, count = total + nll.sum(), count + len(nll)
                mask = x[0, 1:].cpu().numpy() >= FIRST_PITCH
                onset_total, onsets = onset_total + nll[mask].sum(), onsets + mask.sum()
        return {"nats_per_token": float(total / count), "nats_per_onset": float(onset_total / max(onsets, 1)),
                "tokens": int(count)}

    def sample(self, mode: str = "major", bars: int = 8, temperature: float = 1.0, seed: int = 0,
               start: Sequence[tuple[int, int]] = ()) -> list[int]:
        """Tokens of a melody of ``bars`` bars (``<mode>``, ``start`` notes, then the model's).

        Same arguments ⇒ same tokens. Tokens that cannot come next (an opening token; ``hold``
        with nothing sounding; ``<end>`` before the asked length) get probability 0.
        """
        import torch

        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        steps = min(max(int(bars), 1), MAX_BARS) * STEPS_PER_BAR
        tokens = encode(start, mode, end=False)[: steps + 1]
        temperature = min(max(float(temperature), 0.05), 3.0)
        rng = np.random.default_rng(seed)
        cache, fresh = None, tokens
        with torch.inference_mode(), self.lock:
            while len(tokens) < steps + 1:
                x = torch.tensor([fresh], device=self.device)
                out = self.model(input_ids=x, past_key_values=cache, use_cache=True)
                logits = out.logits[0, -1].float().cpu().numpy().astype(np.float64)
                cache = out.past_key_values
                logits[[MAJOR, MINOR, END]] = -np.inf
                if tokens[-1] in (MAJOR, MINOR, REST):
                    logits[HOLD] = -np.inf
                p = np.exp((logits - logits.max()) / temperature)
                token = int(rng.choice(VOCAB_SIZE, p=p / p.sum()))
                tokens.append(token)
                fresh = [token]
                if len(tokens) > self.config.context:  # positions used up: restart at a bar line
                    body = tokens[1:]
                    cut = -(-(len(body) - self.config.context + 1) // STEPS_PER_BAR) * STEPS_PER_BAR
                    cache, fresh = None, [tokens[0], *body[cut:]]
        return tokens


# -------------------------------------------------------------------------------------------- audio
def frequency(midi: int) -> float:
    return 440.0 * 2.0 ** ((midi - 69) / 12)


def synthesize(notes: Sequence[tuple[int, int]], bpm: float = 90.0, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Float samples in [-1, 1]: each note a few sine harmonics (a soft organ-like tone) shaped by
    an attack–decay–sustain–release envelope; rests are silence."""
    step_s = 60.0 / bpm / 4
    total = sum(d for _, d in notes)
    out = np.zeros(int(round(total * step_s * sample_rate)) + 1, dtype=np.float64)
    harmonics = np.array([1.0, 0.5, 0.25, 0.12])
    position = 0
    for pitch, length in notes:
        start = int(round(position * step_s * sample_rate))
        n = int(round(length * step_s * sample_rate))
        position += length
        if pitch == 0 or n == 0:
            continue
        t = np.arange(n) / sample_rate
        f = frequency(pitch)
        tone = sum(a * np.sin(2 * np.pi * f * (k + 1) * t)
                   for k, a in enumerate(harmonics) if f * (k + 1) < sample_rate / 2)
        out[start:start + n] += tone * adsr(n, sample_rate)
    peak = np.abs(out).max()
    return out / peak * 0.8 if peak > 0 else out


def adsr(n: int, sample_rate: int = SAMPLE_RATE, attack: float = 0.01, decay: float = 0.08, sustain: float = 0.6,
         release: float = 0.06) -> np.ndarray:
    """Envelope of ``n`` samples: rise in ``attack`` s, fall to ``sustain`` in ``decay`` s, hold, and
    fade to 0 over the last ``release`` s (all shortened proportionally for very short notes)."""
    a, d, r = (int(x * sample_rate) for x in (attack, decay, release))
    scale = min(1.0, n / max(a + d + r, 1))
    a, d, r = int(a * scale), int(d * scale), int(r * scale)
    s = max(n - a - d - r, 0)
    env = np.concatenate([np.linspace(0, 1, a, endpoint=False), np.linspace(1, sustain, d, endpoint=False),
                          np.full(s, sustain), np.linspace(sustain, 0, r)])
    return np.pad(env, (0, n - len(env)))[:n]


def wav_bytes(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Mono 16-bit PCM WAV written with the standard ``wave`` module."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(sample_rate)
        fh.writeframes(pcm.tobytes())
    return buffer.getvalue()


def render_wav(notes: Sequence[tuple[int, int]], bpm: float = 90.0, sample_rate: int = SAMPLE_RATE) -> bytes:
    return wav_bytes(synthesize(notes, bpm, sample_rate), sample_rate)


def duration_seconds(notes: Sequence[tuple[int, int]], bpm: float = 90.0) -> float:
    return sum(d for _, d in notes) * 60.0 / bpm / 4


def piano_roll(notes: Sequence[tuple[int, int]], given_steps: int = 0) -> np.ndarray:
    """uint8 (pitches LOWEST…HIGHEST, steps): 0 silence, 1 a generated note, 2 a given (start) note;
    the first step of every note is marked +2 (an onset), so repeated notes stay visible."""
    total = sum(d for _, d in notes)
    roll = np.zeros((HIGHEST - LOWEST + 1, total), dtype=np.uint8)
    position = 0
    for pitch, length in notes:
        if pitch:
            kind = 2 if position < given_steps else 1
            roll[pitch - LOWEST, position:position + length] = kind
            roll[pitch - LOWEST, position] = kind + 2
        position += length
    return roll


def note_statistics(notes: Sequence[tuple[int, int]]) -> dict:
    """Share of notes in the C-major / A-minor scale, number of notes, range in semitones."""
    pitches = [p for p, _ in notes if p]
    in_scale = [p % 12 in (0, 2, 4, 5, 7, 9, 11) for p in pitches]
    return {"notes": len(pitches), "in_scale": float(np.mean(in_scale)) if pitches else math.nan,
            "range": (max(pitches) - min(pitches)) if pitches else 0}
