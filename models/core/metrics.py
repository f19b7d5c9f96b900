"""Sample-quality metrics in the judge's feature space (domain FID, precision/recall/density/coverage).

All numbers here are relative to *our* judge classifier — comparable between the models of
GenAI Lab, never with published Inception-based FIDs. Always report the real-vs-real floor at
the same N next to a model's FID: FID is biased upwards for small N.
"""

from __future__ import annotations

import numpy as np
import torch

from models.core import data
from models.core.judge import Judge, to_input


class FIDScorer:
    """Domain FID against fixed reference images; the reference statistics are computed once."""

    def __init__(self, judge: Judge, reference: np.ndarray, batch: int = 1000):
        from torchmetrics.image.fid import FrechetInceptionDistance

        self.batch = batch
        self.metric = FrechetInceptionDistance(feature=judge.feature_module, reset_real_features=False)
        self._update(reference, real=True)

    @torch.inference_mode()
    def _update(self, images: np.ndarray, real: bool) -> None:
        for i in range(0, len(images), self.batch):
            self.metric.update(to_input(images[i:i + self.batch]), real=real)

    def score(self, images: np.ndarray) -> float:
        self.metric.reset()
        self._update(images, real=False)
        return float(self.metric.compute())


def prdc(real_features: np.ndarray, fake_features: np.ndarray, k: int = 5) -> dict[str, float]:
    """Precision, recall, density and coverage (Naeem et al., 2020) with k-NN balls.

    A fake sample is *precise* if it falls inside some real sample's ball (radius = distance
    to that real sample's k-th nearest real neighbour); *recall* swaps the roles; *density*
    counts how many real balls contain each fake; *coverage* is the share of real samples
    whose ball contains at least one fake.
    """
    real = torch.as_tensor(real_features, dtype=torch.float64)
    fake = torch.as_tensor(fake_features, dtype=torch.float64)

    def radii(x: torch.Tensor) -> torch.Tensor:
        d = torch.cdist(x, x)
        return d.kthvalue(k + 1, dim=1).values  # +1: the point itself is its own nearest neighbour

    r_real, r_fake = radii(real), radii(fake)
    d = torch.cdist(real, fake)  # (R, F)
    inside_real = d <= r_real[:, None]
    return {
        "precision": inside_real.any(0).double().mean().item(),
        "recall": (d <= r_fake[None, :]).any(1).double().mean().item(),
        "density": inside_real.double().sum(0).mean().item() / k,
        "coverage": (d.min(1).values <= r_real).double().mean().item(),
    }


def class_shares(judge: Judge, images: np.ndarray) -> np.ndarray:
    """Share of images the judge assigns to each class (uniform = 0.1 each)."""
    predicted = judge.predict_proba(images).argmax(1)
    return np.bincount(predicted, minlength=data.NUM_CLASSES) / max(len(images), 1)


def conditional_accuracy(judge: Judge, images: np.ndarray, labels: np.ndarray) -> float:
    """Share of images the judge recognises as the class they were generated for."""
    return float((judge.predict_proba(images).argmax(1) == np.asarray(labels)).mean())
