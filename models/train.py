"""Registry of every shipped model and the ``train`` command behind ``python -m models train``."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from models import checkpoints, overview
from models.device import pick_device


@dataclass(frozen=True)
class Trainer:
    name: str
    description: str
    fit: Callable[..., dict]


TRAINERS: dict[str, Trainer] = {
    t.name: t
    for t in (
        Trainer(overview.CLASSIFIER, "MLP classifier p(y|x) for the overview page (10k subset, ~15 s on 2 cores)",
                overview.train_classifier),
        Trainer(overview.GAUSSIAN, "per-class Gaussian p(x|y) in PCA space for the overview page (seconds)",
                overview.train_gaussian),
    )
}


def train(name: str, *, epochs: int | None = None, device: str = "auto", resume: bool = False,
          progress: bool = True) -> dict:
    """Retrain ``name`` into ``assets/checkpoints/<name>`` (swapped in only on success)."""
    trainer = TRAINERS[name]
    resolved = pick_device(None if device == "auto" else device)
    start = time.perf_counter()
    with checkpoints.staging(name) as out_dir:
        metrics = trainer.fit(out_dir, epochs=epochs, device=resolved, resume=resume, progress=progress)
    metrics["total_wall_time_s"] = time.perf_counter() - start
    return metrics


def summary(metrics: dict) -> str:
    return json.dumps({k: v for k, v in metrics.items() if not isinstance(v, list)}, indent=1)
