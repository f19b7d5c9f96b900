"""Pros and cons, measured on the shipped image models (the pros & cons page shows these figures).

Per family (``n`` samples, classes cycling, default samplers):

* **memorisation** — distance of each sample to its nearest image in the model's own training data
  (the full 60k split) vs the same for ``n`` test images; near-copy share and the closest pairs;
* **control** — the judge's accuracy on the asked class, and **quality inconsistency** — the spread of
  its confidence, with the worst samples;
* **creativity** — recognisable (confidence ≥ 0.9) *and* not a near-copy;
* **deepfake detection** — a small CNN trained to tell ``n`` real training images from the samples,
  accuracy on a held-out 30 %.

**Bias** — the unconditional GAN and VAE trained on the class-imbalanced subset
(:mod:`models.apps.bias`): class shares of ``bias_n`` samples vs of the training subset, by the judge.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.common import available, save, saved
from models.apps import bias, risks
from models.core import data
from models.core.judge import Judge
from models.image import zoo

PAIRS = 6
DISTANCE_EDGES = np.linspace(0.0, 0.4, 21)
CONFIDENCE_EDGES = np.linspace(0.0, 1.0, 21)


def family_risks(family: str, judge: Judge, train: data.Split, test_images: np.ndarray, n: int, seed: int) -> dict:
    start = time.perf_counter()
    model = zoo.load(family)
    labels = zoo.cycle_labels(n)
    images = zoo.sample(model, family, labels, seed)
    sample_s = time.perf_counter() - start
    mem = risks.memorisation(images, train.images, test_images)
    ctl = risks.control(judge, images, labels)
    rng = np.random.default_rng(seed)
    det = risks.detector(train.images[rng.choice(len(train), n, replace=False)], images, seed=seed)
    closest = np.argsort(mem["generated"])[:PAIRS]
    worst = np.argsort(ctl["confidence"])[:PAIRS]
    return {
        "sample_s": sample_s,
        "copy_share": mem["copy_share"], "median_ratio": mem["median_ratio"], "threshold": mem["threshold"],
        "median_distance": float(np.median(mem["generated"])), "median_test_distance": float(np.median(mem["test"])),
        "distance_hist": risks.histogram(mem["generated"], DISTANCE_EDGES),
        "test_distance_hist": risks.histogram(mem["test"], DISTANCE_EDGES),
        "closest": {"generated": images[closest].tolist(),
                    "training": train.images[mem["nearest_index"][closest]].tolist(),
                    "distance": mem["generated"][closest].tolist(), "labels": labels[closest].tolist()},
        "control_accuracy": ctl["accuracy"], "per_class_accuracy": ctl["per_class"],
        "confidence_hist": risks.histogram(ctl["confidence"], CONFIDENCE_EDGES),
        "confidence_quantiles": np.quantile(ctl["confidence"], [0.1, 0.25, 0.5, 0.75, 0.9]).tolist(),
        "low_confidence_share": float((ctl["confidence"] < 0.5).mean()),
        "worst": {"images": images[worst].tolist(), "asked": labels[worst].tolist(),
                  "seen": ctl["predicted"][worst].tolist(), "confidence": ctl["confidence"][worst].tolist()},
        **risks.novelty(mem["generated"], ctl["confidence"], mem["threshold"]),
        "detector_accuracy": det["accuracy"], "detector_held_out": det["held_out"],
    }


def bias_risks(family: str, judge: Judge, subset_images: np.ndarray, n: int, seed: int) -> dict:
    model = bias.load(family)
    shares = bias.shares(judge, bias.sample(model, family, n, seed), subset_images)
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in shares.items()}


def run(n: int = 1000, bias_n: int = 2000, seed: int = 0, families: tuple[str, ...] = zoo.FAMILIES) -> dict:
    judge = Judge.load()
    train, test = data.load_train(), data.load_shipped("test")
    test_images = test.images[np.random.default_rng(seed + 1).choice(len(test), n, replace=False)]
    results: dict = {"n": n, "bias_n": bias_n, "train_images": len(train), "seed": seed, "cpu_watts": risks.CPU_WATTS,
                     "distance_edges": DISTANCE_EDGES.tolist(), "confidence_edges": CONFIDENCE_EDGES.tolist(),
                     "families": {}, "bias": {}}
    results["families"] = kept_families(saved("risks"), families, n=n, seed=seed)
    for family in available({f: f for f in families}):
        results["families"][family] = r = family_risks(family, judge, train, test_images, n, seed)
        print(f"{family}: copies {r['copy_share']:.1%}, median ratio {r['median_ratio']:.2f}, control "
              f"{r['control_accuracy']:.1%}, novel+recognisable {r['novel_and_recognisable']:.1%}, "
              f"detector {r['detector_accuracy']:.1%} ({r['sample_s']:.0f} s sampling)")
    results["families"] = {f: results["families"][f] for f in zoo.FAMILIES if f in results["families"]}
    add_bias(results, judge, train)
    save("risks", results, _table(results))
    return results


def kept_families(previous: dict, families: tuple[str, ...], **same) -> dict:
    """The saved rows of the families a partial run does not measure, when they were measured alike
    (``same``: e.g. the same ``n`` and ``seed``); ``{}`` for a full run or no comparable results."""
    if set(families) >= set(zoo.FAMILIES) or any(previous.get(k) != v for k, v in same.items()):
        return {}
    return {f: r for f, r in previous.get("families", {}).items() if f not in families}


def add_bias(results: dict, judge: Judge, train: data.Split) -> None:
    """Class shares of the imbalanced-subset models' samples vs their training subset, into ``results``."""
    subset, true = bias.imbalanced_split(train)
    results["bias_training_counts"] = np.bincount(true, minlength=data.NUM_CLASSES).tolist()
    results["bias"] = {}
    for family in available(bias.NAMES):
        results["bias"][family] = b = bias_risks(family, judge, subset.images, results["bias_n"], results["seed"])
        print(f"bias {family}: majority ×{b['majority_amplification']:.2f}, rare half "
              f"{b['rare_training']:.1%} → {b['rare_generated']:.1%}")


def bias_only() -> dict:
    """Re-measure only the bias part (after retraining an imbalanced model) in the saved results."""
    results = saved("risks")
    if not results:
        raise FileNotFoundError("no saved risks results to update: run `python -m benchmarks risks` first")
    results = {k: v for k, v in results.items() if k not in ("benchmark", "when", "machine")}
    add_bias(results, Judge.load(), data.load_train())
    save("risks", results, _table(results))
    return results


def _table(results: dict) -> list[tuple[str, str]]:
    table = []
    for family, r in results["families"].items():
        table += [(f"{family}: near-copies / median distance ratio to training vs test",
                   f"{r['copy_share']:.1%} / {r['median_ratio']:.2f}"),
                  (f"{family}: judge sees the asked class / confidence < 0.5",
                   f"{r['control_accuracy']:.1%} / {r['low_confidence_share']:.1%}"),
                  (f"{family}: novel and recognisable", f"{r['novel_and_recognisable']:.1%}"),
                  (f"{family}: real-vs-generated detector accuracy", f"{r['detector_accuracy']:.1%}")]
    for family, b in results["bias"].items():
        table += [(f"bias {family}: majority class share training → generated",
                   f"{b['training'][b['majority']]:.1%} → {b['generated'][b['majority']]:.1%} "
                   f"(×{b['majority_amplification']:.2f})"),
                  (f"bias {family}: rarest 5 classes training → generated",
                   f"{b['rare_training']:.1%} → {b['rare_generated']:.1%}")]
    return table
