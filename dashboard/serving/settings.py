"""Every serving setting in one table: name, environment variable, default, and what it bounds.

Read once at import. ``GENAI_LAB_HOSTED=1`` (set by the Dockerfile of the hosted Space) turns on
the hosted caps of the live-training pages (:data:`HOSTED`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from models.core.device import available_cores


def _int(name: str, default: int, low: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        return max(low, int(raw)) if raw else default
    except ValueError:
        return default


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    #: heavy model calls that run at once (the rest wait in line): one per core
    heavy_slots: int
    #: requests allowed to wait for a heavy slot; one more gets "the server is busy"
    queue_limit: int
    #: live training runs (2-D lab, Train your own, augmentation) that train at once
    training_slots: int
    #: a run that has trained this long while others wait lets the next one in (turns)
    training_turn_s: int
    #: a running live-training run pauses after this many seconds without a widget change
    idle_pause_s: int
    #: the shared result cache: at most this many entries and this many megabytes (0 entries: nothing is
    #: kept, every view computes afresh — how ``python -m benchmarks render`` measures first renders)
    cache_entries: int
    cache_mb: int
    #: hosted caps on the values that set the cost of live training
    hosted: bool
    #: user models (Your own text) one server keeps in memory; the least recently used goes first
    own_models: int


def load() -> Settings:
    cores = max(1, available_cores())
    return Settings(
        heavy_slots=_int("GENAI_LAB_HEAVY_SLOTS", cores, low=1),
        queue_limit=_int("GENAI_LAB_QUEUE_LIMIT", 60, low=1),
        training_slots=_int("GENAI_LAB_TRAINING_SLOTS", max(1, cores - 1), low=1),
        training_turn_s=_int("GENAI_LAB_TRAINING_TURN_S", 60, low=5),
        idle_pause_s=_int("GENAI_LAB_IDLE_PAUSE_S", 180, low=5),
        cache_entries=_int("GENAI_LAB_CACHE_ENTRIES", 2000, low=0),
        cache_mb=_int("GENAI_LAB_CACHE_MB", 256, low=1),
        hosted=_flag("GENAI_LAB_HOSTED"),
        own_models=_int("GENAI_LAB_OWN_MODELS", 16, low=1),
    )


SETTINGS = load()
