"""Cached, shared model and data loaders.

``st.cache_resource`` objects are shared by every session and thread, so each model
comes wrapped in :class:`Guarded`: use it as ``with loaders.classifier() as model:``
and calls to that model are serialised by its own lock. Per-user state never goes in
here. Heavy libraries are imported inside the loaders, only when a page needs them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import streamlit as st

from models import checkpoints, data

T = TypeVar("T")

#: Errors a page turns into a friendly message instead of a traceback.
LOAD_ERRORS = (checkpoints.CheckpointError, data.FashionMNISTError)


@dataclass
class Guarded(Generic[T]):
    model: T
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __enter__(self) -> T:
        self.lock.acquire()
        return self.model

    def __exit__(self, *exc) -> None:
        self.lock.release()


@st.cache_resource(show_spinner=False)
def device() -> str:
    """CUDA when present, else CPU; ``GENAI_LAB_DEVICE`` overrides."""
    from models.device import pick_device

    return pick_device()


@st.cache_resource(show_spinner=False)
def test_split() -> data.Split:
    return data.load_shipped("test")


@st.cache_resource(show_spinner=False)
def train_subset() -> data.Split:
    return data.load_shipped("train10k")


@st.cache_resource(show_spinner=False)
def classifier() -> Guarded:
    from models.overview import Classifier

    return Guarded(Classifier.load())


@st.cache_resource(show_spinner=False)
def gaussian() -> Guarded:
    from models.overview import ClassGaussian

    return Guarded(ClassGaussian.load())


@st.cache_resource(show_spinner=False)
def metrics(name: str) -> dict:
    return checkpoints.load_metrics(name)
