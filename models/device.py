"""Device choice: CUDA when present, else CPU; ``GENAI_LAB_DEVICE`` overrides."""

from __future__ import annotations

import os
import warnings

ENV_DEVICE = "GENAI_LAB_DEVICE"
CHOICES = ("auto", "cpu", "cuda")


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
