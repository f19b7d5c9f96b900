"""Data augmentation with generated images: does a classifier trained on few real labels improve
when each generator adds synthetic, labelled examples?

One experiment = a small CNN (the judge's architecture, narrower) trained for a fixed number of
steps on

* ``real`` — ``real_per_class`` real training images per class (from the shipped 10k subset),
* ``real + <family>`` — the same real images plus ``synthetic_per_class`` images per class sampled
  from a shipped generator with that class as its condition,

and scored on the full test split. Several seeds give a spread; the benchmark ships the result and
the page can run a small version live. No Streamlit import.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from models.core import data
from models.core.judge import JudgeConfig, JudgeNet, to_input
from models.core.seeding import seeded, use_generator_dropout
from models.image import zoo

CONDITIONS_ORDER = ("real", *(f"real+{f}" for f in zoo.FAMILIES))


@dataclass
class AugmentConfig:
    real_per_class: int = 20
    synthetic_per_class: int = 100
    steps: int = 300
    batch_size: int = 64
    lr: float = 2e-3
    channels: tuple[int, int] = (12, 24)
    features: int = 64


def few_real(split: data.Split, per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``per_class`` images of every class, drawn with ``seed``."""
    index = np.concatenate(data.pick_per_class(split.labels, dict.fromkeys(range(data.NUM_CLASSES), per_class), seed))
    return split.images[index], split.labels[index].astype(np.int64)


def synthetic(model, family: str, per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``per_class`` generated images of every class from a shipped model (its default sampler)."""
    labels = np.repeat(np.arange(data.NUM_CLASSES, dtype=np.int64), per_class)
    return zoo.sample(model, family, labels, seed), labels


def train_classifier(images: np.ndarray, labels: np.ndarray, config: AugmentConfig, seed: int,
                     progress: Callable[[int, int], None] | None = None) -> JudgeNet:
    """A fresh small CNN trained ``config.steps`` Adam steps on random minibatches of the pool."""
    generator = torch.Generator().manual_seed(int(seed))  # weights, then minibatches and dropout masks
    net = seeded(lambda: JudgeNet(JudgeConfig(channels=config.channels, features=config.features)), generator)
    use_generator_dropout(net, generator)
    optimizer = torch.optim.Adam(net.parameters(), lr=config.lr)
    x, y = to_input(images), torch.as_tensor(labels, dtype=torch.long)
    net.train()
    for step in range(config.steps):
        index = torch.randint(len(x), (min(config.batch_size, len(x)),), generator=generator)
        loss = torch.nn.functional.cross_entropy(net(x[index]), y[index])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if progress is not None:
            progress(step + 1, config.steps)
    return net.eval()


@torch.inference_mode()
def accuracy(net: JudgeNet, split: data.Split, batch: int = 2000) -> float:
    correct = 0
    for start in range(0, len(split), batch):
        logits = net(to_input(split.images[start:start + batch]))
        correct += int((logits.argmax(1).numpy() == split.labels[start:start + batch]).sum())
    return correct / len(split)


def run_condition(real: tuple[np.ndarray, np.ndarray], extra: tuple[np.ndarray, np.ndarray] | None,
                  test: data.Split, config: AugmentConfig, seed: int,
                  progress: Callable[[int, int], None] | None = None) -> dict:
    """Train on real (+ extra) and score on ``test``: accuracy, pool size, seconds."""
    images, labels = real
    if extra is not None:
        images, labels = np.concatenate([images, extra[0]]), np.concatenate([labels, extra[1]])
    start = time.perf_counter()
    net = train_classifier(images, labels, config, seed, progress)
    return {"accuracy": accuracy(net, test), "train_images": len(images), "seconds": time.perf_counter() - start}


def experiment(families: tuple[str, ...], config: AugmentConfig, seeds: tuple[int, ...],
               train: data.Split, test: data.Split, log: Callable[[str], None] = print) -> dict:
    """Every condition (real only, real + each family) for every seed; the same real images per seed."""
    results: dict[str, list[dict]] = {"real": []}
    pools = {}
    for family in families:
        start = time.perf_counter()
        model = zoo.load(family)
        pools[family] = synthetic(model, family, config.synthetic_per_class, seed=1234)
        log(f"{family}: {len(pools[family][0])} synthetic images in {time.perf_counter() - start:.1f} s")
    for seed in seeds:
        real = few_real(train, config.real_per_class, seed)
        results["real"].append(run_condition(real, None, test, config, seed))
        for family in families:
            results.setdefault(f"real+{family}", []).append(run_condition(real, pools[family], test, config, seed))
        log(f"seed {seed}: " + ", ".join(f"{k} {v[-1]['accuracy']:.3f}" for k, v in results.items()))
    return results
