"""Pros and cons, measured on our own image models: memorisation, control, quality inconsistency,
telling generated from real.

* **Memorisation / copyright** — for each generated image, the distance to its nearest training
  image; the same for held-out *test* images as the baseline. A model that copies its training
  data produces distances far below the test images' (which are new pictures of the same kind).
* **Control** — how often the judge classifier sees the class that was asked for; the failures.
* **Quality inconsistency** — the judge's confidence in the asked-for class, per sample: its
  spread and the worst samples.
* **Deepfake detection** — a small CNN trained to tell real from generated images of one family,
  scored on held-out images: the easier, the more visible the family's artefacts.

No Streamlit import.
"""

from __future__ import annotations

import numpy as np
import torch

from models.core import data
from models.core.judge import Judge, JudgeConfig, JudgeNet, to_input
from models.core.seeding import seeded, use_generator_dropout


def _flat(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.asarray(images, dtype=np.float32).reshape(len(images), -1) / 255.0)


def nearest(queries: np.ndarray, reference: np.ndarray, chunk: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """Index of and pixel distance (RMS, 0–1 scale) to each query's nearest reference image."""
    ref = _flat(reference)
    index, dist = [], []
    for start in range(0, len(queries), chunk):
        d = torch.cdist(_flat(queries[start:start + chunk]), ref)
        value, arg = d.min(1)
        index.append(arg.numpy())
        dist.append(value.numpy() / np.sqrt(ref.shape[1]))
    return np.concatenate(index), np.concatenate(dist)


def memorisation(generated: np.ndarray, train: np.ndarray, test: np.ndarray) -> dict:
    """Nearest-training-image distances of generated images vs of test images (the baseline).

    ``copy_share`` counts generated images closer to a training image than the closest 1 % of
    test images are: near-copies by the test set's own standard."""
    gen_index, gen_dist = nearest(generated, train)
    _, test_dist = nearest(test, train)
    threshold = float(np.quantile(test_dist, 0.01))
    return {"generated": gen_dist, "test": test_dist, "nearest_index": gen_index, "threshold": threshold,
            "copy_share": float((gen_dist < threshold).mean()),
            "median_ratio": float(np.median(gen_dist) / np.median(test_dist))}


def control(judge: Judge, images: np.ndarray, labels: np.ndarray) -> dict:
    """Judge's probabilities, predicted class, and confidence in the asked-for class, per sample."""
    probs = judge.predict_proba(images)
    labels = np.asarray(labels, dtype=np.int64)
    asked = probs[np.arange(len(labels)), labels]
    predicted = probs.argmax(1)
    return {"predicted": predicted, "confidence": asked, "correct": predicted == labels,
            "accuracy": float((predicted == labels).mean()),
            "per_class": [float((predicted[labels == k] == k).mean()) if (labels == k).any() else float("nan")
                          for k in range(data.NUM_CLASSES)]}


def _detector_net() -> JudgeNet:
    """The judge's architecture, narrower, with two outputs: real (0) or generated (1)."""
    net = JudgeNet(JudgeConfig(channels=(8, 16), features=32))
    net.head[1] = torch.nn.Linear(32, 2)
    return net


def detector(real: np.ndarray, fake: np.ndarray, seed: int = 0, steps: int = 300, held_out: float = 0.3,
             batch_size: int = 64) -> dict:
    """Train a small CNN to tell real (0) from generated (1) images; accuracy on a held-out part."""
    n = min(len(real), len(fake))
    rng = np.random.default_rng(seed)
    images = np.concatenate([real[rng.permutation(len(real))[:n]], fake[rng.permutation(len(fake))[:n]]])
    target = np.concatenate([np.zeros(n, np.int64), np.ones(n, np.int64)])
    order = rng.permutation(2 * n)
    cut = int(round(2 * n * (1 - held_out)))
    train_idx, test_idx = order[:cut], order[cut:]
    x, y = to_input(images), torch.from_numpy(target)
    generator = torch.Generator().manual_seed(int(seed))  # weights, then minibatches and dropout masks
    net = use_generator_dropout(seeded(_detector_net, generator), generator)
    optimizer = torch.optim.Adam(net.parameters(), lr=2e-3)
    train_t = torch.from_numpy(train_idx)
    net.train()
    for _ in range(steps):
        pick = train_t[torch.randint(len(train_t), (batch_size,), generator=generator)]
        loss = torch.nn.functional.cross_entropy(net(x[pick]), y[pick])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    net.eval()
    with torch.inference_mode():
        p_fake = torch.softmax(net(x[torch.from_numpy(test_idx)]), 1)[:, 1].numpy()
    truth = target[test_idx]
    return {"accuracy": float(((p_fake > 0.5) == truth).mean()), "held_out": int(len(test_idx)),
            "p_fake_real": p_fake[truth == 0], "p_fake_generated": p_fake[truth == 1]}


# ------------------------------------------------------------------------------------- novelty
def novelty(nearest_distance: np.ndarray, confidence: np.ndarray, threshold: float, confident: float = 0.9) -> dict:
    """Creativity as something measurable: samples the judge recognises (``confidence`` in the asked
    class ≥ ``confident``) that are *not* near-copies (nearest training image farther than
    ``threshold``, the test set's 1 % quantile)."""
    good, new = confidence >= confident, nearest_distance >= threshold
    return {"recognisable": float(good.mean()), "not_copied": float(new.mean()),
            "novel_and_recognisable": float((good & new).mean())}


def histogram(values: np.ndarray, edges: np.ndarray) -> list[float]:
    """Share of ``values`` per bin (values outside the edges go to the end bins)."""
    clipped = np.clip(values, edges[0], np.nextafter(edges[-1], -np.inf))
    return (np.histogram(clipped, edges)[0] / max(len(values), 1)).tolist()


# --------------------------------------------------------------------------------- compute cost
#: Assumed power of the two busy CPU cores that trained every model, in watts. An assumption, not
#: a measurement: a 64-core server CPU of ~240 W spends ~4 W per core, plus memory and cooling.
CPU_WATTS = 15.0


def compute_costs(names: list[str] | None = None) -> list[dict]:
    """Parameters, training seconds and an energy estimate (Wh at :data:`CPU_WATTS`) of every
    shipped checkpoint whose metrics record both; read from ``metrics.json``."""
    from models.core import checkpoints

    if names is None:
        try:
            names = sorted({path.split("/")[0] for path in checkpoints.read_manifest()})
        except checkpoints.CheckpointError:  # no usable manifest: no model is vouched for, nothing to report
            names = []
    rows = []
    for name in names:
        try:
            metrics = checkpoints.load_metrics(name)
        except checkpoints.CheckpointError:
            continue
        seconds, params = metrics.get("wall_time_s"), metrics.get("parameters")
        if not seconds or not params:
            continue
        rows.append({"name": name, "parameters": int(params), "seconds": float(seconds),
                     "device": str(metrics.get("device", "cpu")), "wh": float(seconds) * CPU_WATTS / 3600})
    return rows
