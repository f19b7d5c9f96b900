"""Loaders of the music page: the shipped melody GPT, the tune corpus, the n-gram baselines and
rendered melodies. See :mod:`dashboard.core.loaders`."""

from __future__ import annotations

import streamlit as st

from dashboard.core.loaders import device
from dashboard.serving import shared
from models.melody import melody_corpus


@st.cache_resource(show_spinner=False)
def melody_model():
    """The shipped melody GPT (``MelodyModel`` carries its own lock)."""
    from models.melody.music import MelodyModel

    return MelodyModel.load(device=device())


@st.cache_resource(show_spinner=False)
def melodies(split: str) -> list:
    return melody_corpus.load(split)


@st.cache_resource(show_spinner=False)
def melody_baseline(order: int):
    """Unigram (1) or bigram (2) token table of the training tunes."""
    from models.melody import music

    return music.NGram.fit([music.melody_tokens(m) for m in melodies("train")], order)


def _rendered(tokens: list[int], given_steps: int, bpm: int, seconds: float | None = None) -> dict:
    from models.melody import music

    notes = music.decode(tokens)
    return {"tokens": tokens, "notes": notes, "given_steps": given_steps, "roll": music.piano_roll(notes, given_steps),
            "wav": music.render_wav(notes, bpm), "stats": music.note_statistics(notes), "seconds": seconds,
            "duration": music.duration_seconds(notes, bpm)}


@shared(heavy=True)
def melody(mode: str, bars: int, temperature: float, seed: int, start: tuple, bpm: int) -> dict:
    """A generated melody (tokens, notes, piano roll, WAV bytes, statistics); cached per settings."""
    import time

    began = time.perf_counter()
    tokens = melody_model().sample(mode, bars, temperature, seed, start)
    return _rendered(tokens, sum(d for _, d in start), bpm, time.perf_counter() - began)


@shared(heavy=True)
def melody_references(index: int, mode: str, bars: int, seed: int, bpm: int) -> dict:
    """Held-out tune ``index`` (its first ``bars`` bars) and a unigram-table sample of the same length."""
    from models.melody import music

    tune = melodies("valid")[index]
    real = music.melody_tokens(tune)[: bars * music.STEPS_PER_BAR + 1]
    unigram = melody_baseline(1).sample(mode, bars * music.STEPS_PER_BAR, seed)
    return {"real": _rendered(real, 0, bpm), "unigram": _rendered(unigram, 0, bpm), "title": tune.title,
            "name": tune.name, "mode": tune.mode}
