"""Walking through latent spaces: interpolation between latent vectors."""

from __future__ import annotations

import numpy as np
import torch


def slerp(a: torch.Tensor, b: torch.Tensor, ts: np.ndarray) -> torch.Tensor:
    """Spherical interpolation from ``a`` to ``b`` (both (D,)) at fractions ``ts``; returns (len(ts), D).

    Gaussian latent vectors live near a sphere of radius √D; a straight line between two of
    them passes through the low-norm middle, which decodes to washed-out images. Slerp keeps
    the norm, so every point on the way looks like a typical sample.
    """
    a64, b64 = a.double(), b.double()
    cos = torch.dot(a64, b64) / (a64.norm() * b64.norm())
    omega = torch.arccos(cos.clamp(-1.0, 1.0))
    ts = torch.as_tensor(np.asarray(ts, dtype=np.float64))[:, None]
    if omega.abs() < 1e-6:  # (anti)parallel: fall back to a straight line
        return ((1 - ts) * a64 + ts * b64).to(a.dtype)
    out = (torch.sin((1 - ts) * omega) * a64 + torch.sin(ts * omega) * b64) / torch.sin(omega)
    return out.to(a.dtype)


def nearest_neighbours(pool: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Indices (Q, k) of the ``k`` images of ``pool`` closest to each query in pixel space (L2)."""
    p = pool.reshape(len(pool), -1).astype(np.float32)
    q = np.asarray(queries).reshape(len(queries), -1).astype(np.float32)
    d2 = (q ** 2).sum(1)[:, None] - 2 * q @ p.T + (p ** 2).sum(1)[None, :]
    return np.argsort(d2, axis=1)[:, :k]


def class_means(codes: np.ndarray, labels: np.ndarray, classes: int) -> np.ndarray:
    """Mean code of every class, (classes, D)."""
    return np.stack([codes[labels == c].mean(0) for c in range(classes)])
