"""Device choice: CUDA when present, else CPU; ``GENAI_LAB_DEVICE`` overrides. Torch's CPU thread
count, set once per process: ``GENAI_LAB_TORCH_THREADS`` overrides."""

from __future__ import annotations

import os
import sys
import threading
import warnings

ENV_DEVICE = "GENAI_LAB_DEVICE"
ENV_THREADS = "GENAI_LAB_TORCH_THREADS"
CHOICES = ("auto", "cpu", "cuda")

_threads_lock = threading.Lock()
_threads: int | None = None  # what configure_threads set, once


def pick_device(preference: str | None = None) -> str:
    """Return ``"cuda"`` or ``"cpu"``.

    ``preference`` (or ``$GENAI_LAB_DEVICE``) may be ``auto``, ``cpu`` or ``cuda``;
    asking for CUDA where none is present warns and falls back to the CPU.
    """
    import torch

    choice = (preference or os.environ.get(ENV_DEVICE) or "auto").strip().lower()
    if choice not in CHOICES:
        warnings.warn(f"{ENV_DEVICE}={choice!r} is not one of {CHOICES}; using auto.", stacklevel=2)
        choice = "auto"
    has_cuda = torch.cuda.is_available()
    if choice == "cuda" and not has_cuda:
        warnings.warn("CUDA was requested but is not available; using the CPU.", stacklevel=2)
        return "cpu"
    if choice == "auto":
        return "cuda" if has_cuda else "cpu"
    return choice


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask; the machine's count where there is none)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no sched_getaffinity
        return os.cpu_count() or 1


DEFAULT_THREADS = 1


def configure_threads() -> int:
    """Set torch's intra-op thread count once per process and return it; later calls change nothing.

    ``$GENAI_LAB_TORCH_THREADS`` (a positive integer), else one. One server process serves every
    user, each rerun a thread, and the count is process-wide: set it at start-up
    (``dashboard.core.widgets.setup_page`` does, on every page) and never per call — a call that changes
    it and restores it afterwards changes it for every session running meanwhile.

    Why one: a class keeps every core busy, and the fair queue (``dashboard.serving``) already runs
    one heavy call per core side by side. Two threads per call on two busy cores made a 2-D-lab step
    10–100× slower and a diffusion batch 10–20× slower (measured while the machine was loaded); on
    an idle machine two threads make one diffusion batch 1.5× faster, not 2×. A single learner on
    a laptop may set ``GENAI_LAB_TORCH_THREADS`` to the core count for the shortest wait.

    Where torch is not imported yet, the count goes into ``OMP_NUM_THREADS`` / ``MKL_NUM_THREADS``,
    which torch reads when it loads (capped there at the core count): importing torch here would add
    ~1 s to the first page.
    """
    global _threads
    if _threads is not None:
        return _threads
    with _threads_lock:
        if _threads is None:
            raw = os.environ.get(ENV_THREADS, "").strip()
            count = DEFAULT_THREADS
            if raw:
                try:
                    count = int(raw)
                    if count < 1:
                        raise ValueError
                except ValueError:
                    warnings.warn(f"{ENV_THREADS}={raw!r} is not a positive integer; using {DEFAULT_THREADS}.",
                                  stacklevel=2)
                    count = DEFAULT_THREADS
            if "torch" in sys.modules:
                sys.modules["torch"].set_num_threads(count)
            else:  # not imported yet (the landing page needs no torch): torch reads these when it loads
                os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(count)
            _threads = count
    return _threads
