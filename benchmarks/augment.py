"""Data augmentation with generated images: test accuracy of a small classifier trained on few real
labels, alone and with synthetic labelled images from each shipped generator.

Per seed the same ``real_per_class`` real images (from the shipped 10k training subset); each
family contributes ``synthetic_per_class`` images per class sampled once (its default sampler);
every condition trains the same small CNN for the same number of steps and is scored on the
10k test split. The gain is the mean accuracy difference against real-only training.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict

from benchmarks.common import available, save, saved
from models.apps import augment
from models.core import data
from models.image import zoo


def run(seeds: tuple[int, ...] = (0, 1, 2), config: augment.AugmentConfig | None = None,
        families: tuple[str, ...] = zoo.FAMILIES) -> dict:
    config = config or augment.AugmentConfig()
    families = tuple(available({f: f for f in families}))
    train, test = data.load_shipped("train10k"), data.load_shipped("test")
    results = augment.experiment(families, config, tuple(seeds), train, test)
    summary = {}
    for condition, runs in results.items():
        accuracies = [r["accuracy"] for r in runs]
        summary[condition] = {"mean": statistics.mean(accuracies),
                              "std": statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0,
                              "accuracies": accuracies, "train_images": runs[0]["train_images"],
                              "seconds": statistics.median(r["seconds"] for r in runs)}
    if set(families) < set(zoo.FAMILIES):  # a partial run keeps the saved rows of the families it skipped
        summary, results = kept_rows(saved("augment"), summary, results, config, seeds)
    base = summary["real"]["mean"]
    table = [(f"{condition} ({s['train_images']:,} training images)",
              f"test accuracy {s['mean']:.1%} ± {s['std']:.1%} over {len(s['accuracies'])} seeds"
              + ("" if condition == "real" else f"; {100 * (s['mean'] - base):+.1f} points vs real only"))
             for condition, s in summary.items()]
    save("augment", {"config": asdict(config), "seeds": list(seeds), "conditions": summary, "runs": results}, table)
    return summary


def kept_rows(previous: dict, summary: dict, runs: dict, config: augment.AugmentConfig,
              seeds: tuple[int, ...]) -> tuple[dict, dict]:
    """``summary`` and ``runs`` with the saved conditions they lack, when those were measured alike
    (the same config and seeds), in the conditions' order."""
    if previous.get("config") != json.loads(json.dumps(asdict(config))) or previous.get("seeds") != list(seeds):
        return summary, runs
    kept = {c: s for c, s in previous.get("conditions", {}).items() if c not in summary}
    merged = {**kept, **summary}
    return ({c: merged[c] for c in augment.CONDITIONS_ORDER if c in merged},
            {**{c: r for c, r in previous.get("runs", {}).items() if c in kept}, **runs})
