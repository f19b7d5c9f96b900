"""Data augmentation with generated images: test accuracy of a small classifier trained on few real
labels, alone and with synthetic labelled images from each shipped generator.

Per seed the same ``real_per_class`` real images (from the shipped 10k training subset); each
family contributes ``synthetic_per_class`` images per class sampled once (its default sampler);
every condition trains the same small CNN for the same number of steps and is scored on the
10k test split. The gain is the mean accuracy difference against real-only training.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict

from benchmarks.common import available, save
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
    base = summary["real"]["mean"]
    table = [(f"{condition} ({s['train_images']:,} training images)",
              f"test accuracy {s['mean']:.1%} ± {s['std']:.1%} over {len(s['accuracies'])} seeds"
              + ("" if condition == "real" else f"; {100 * (s['mean'] - base):+.1f} points vs real only"))
             for condition, s in summary.items()]
    save("augment", {"config": asdict(config), "seeds": list(seeds), "conditions": summary, "runs": results}, table)
    return summary
