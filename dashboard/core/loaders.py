"""Shared loaders every topic uses: the data splits, the judge, metrics and benchmark files, the device.

``st.cache_resource`` objects are shared by every session and thread. Each model comes wrapped
in :class:`Guarded` (``with loaders.judge() as model:``): inference reads the weights and
changes nothing, so sessions may call one model at once; what bounds the machine's load is the
gate of :mod:`dashboard.serving`, not a lock per model (a lock let one page's cheap call wait
behind another page's slow one). Deterministic views go through :func:`serving.ui.shared`:
computed once for everyone, the slow ones through the fair queue. Per-user state never goes in
here. Heavy libraries are imported inside the loaders, only when a page needs them.

Each topic keeps its own loaders beside its views (``dashboard/<topic>/loaders.py``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import streamlit as st

from models.core import checkpoints, data
from models.language import corpus
from models.melody import melody_corpus

T = TypeVar("T")

#: Errors a page turns into a friendly message instead of a traceback.
LOAD_ERRORS = (checkpoints.CheckpointError, data.FashionMNISTError, corpus.CorpusError, melody_corpus.MelodyError)


@dataclass
class Guarded(Generic[T]):
    """A shared model. ``exclusive=True`` serialises calls, for a model whose calls change it."""

    model: T
    exclusive: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __enter__(self) -> T:
        if self.exclusive:
            self.lock.acquire()
        return self.model

    def __exit__(self, *exc) -> None:
        if self.exclusive:
            self.lock.release()


@st.cache_resource(show_spinner=False)
def device() -> str:
    """CUDA when present, else CPU; ``GENAI_LAB_DEVICE`` overrides."""
    from models.core.device import pick_device

    return pick_device()


@st.cache_resource(show_spinner=False)
def test_split() -> data.Split:
    return data.load_shipped("test")


@st.cache_resource(show_spinner=False)
def train_subset() -> data.Split:
    return data.load_shipped("train10k")


@st.cache_resource(show_spinner=False)
def metrics(name: str) -> dict:
    return checkpoints.load_metrics(name)


@st.cache_resource(show_spinner=False)
def judge() -> Guarded:
    from models.core.judge import Judge

    return Guarded(Judge.load(device()))


@st.cache_resource(show_spinner=False)
def benchmark(name: str) -> dict:
    """Shipped benchmark results (``benchmarks/results/<name>.json``), or {} if not run yet."""
    import json

    path = checkpoints.ROOT / "benchmarks" / "results" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
