"""The four image-model families behind one interface, for the CLI, pages and benchmarks."""

from __future__ import annotations

import importlib

import numpy as np

from models.core import data

FAMILIES = ("gan", "vae", "flow", "diffusion")
#: module, wrapper class
_WRAPPERS = {"gan": ("models.image.gan", "GAN"), "vae": ("models.image.vae", "VAE"),
             "flow": ("models.image.flow", "Flow"), "diffusion": ("models.image.diffusion", "Diffusion")}
DIFFUSION_DEFAULTS = {"sampler": "dpm", "steps": 20, "guidance": 2.0}
CHUNK = 500


def load(family: str, device: str = "cpu", name: str | None = None):
    """The family's shipped model (raises ``CheckpointError`` when missing or corrupt); ``name`` picks
    another checkpoint of the family's architecture (GAN and VAE only, e.g. ``gan_imbalanced``)."""
    module, cls = _WRAPPERS[family]
    return getattr(importlib.import_module(module), cls).load(device=device, **({"name": name} if name else {}))


def cycle_labels(n: int, label: int | None = None) -> np.ndarray:
    """Class ``label`` n times, or classes 0–9 cycling (``i % 10``)."""
    if label is not None:
        return np.full(n, int(label), dtype=np.int64)
    return np.arange(n, dtype=np.int64) % data.NUM_CLASSES


def sample(model, family: str, labels: np.ndarray, seed: int, **options) -> np.ndarray:
    """uint8 (N,28,28) for ``labels``, in chunks of 500 (chunk i uses seed + i, mod 2³²)."""
    if family == "diffusion":
        options = {**DIFFUSION_DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    elif any(v is not None for v in options.values()):
        raise ValueError(f"{family} takes no sampler options: {sorted(k for k, v in options.items() if v is not None)}")
    else:
        options = {}
    labels = np.asarray(labels, dtype=np.int64)
    parts = [model.sample(labels[i:i + CHUNK], seed=(seed + i // CHUNK) % 2**32, **options)
             for i in range(0, len(labels), CHUNK)]
    return np.concatenate(parts) if parts else np.zeros((0, *data.IMAGE_SHAPE), dtype=np.uint8)
