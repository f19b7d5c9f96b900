"""Bias, measured: generators trained on a class-imbalanced subset of Fashion-MNIST.

The training subset keeps ``LARGEST · RATIO^k`` images of class k (2,400 T-shirts … 24 ankle boots),
and every image gets the same label 0, so the GAN and the VAE below are *unconditional*: nobody asks
for a class, the model decides what to draw. The judge classifier then sorts their samples into
classes, and we compare

* the **training shares** — the judge's verdict on the training images themselves (so the judge's
  own mistakes, e.g. shirt ↔ T-shirt, cancel out), with
* the **generated shares** — the judge's verdict on generated images.

``amplification = generated share / training share`` per class: above 1 the model over-produces
the class, below 1 it under-produces it. A model that only *reproduces* the imbalance scores 1
everywhere; GANs tend to amplify it (rare modes are dropped). No Streamlit import.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from models.core import checkpoints, data

NAMES = {"gan": "gan_imbalanced", "vae": "vae_imbalanced"}
LARGEST, RATIO = 2400, 0.6
SEED = 7
GAN_EPOCHS, VAE_EPOCHS = 60, 30


def class_counts() -> np.ndarray:
    """Training images per class: 2400, 1440, 864, … (each class 0.6× the one before)."""
    return np.round(LARGEST * RATIO ** np.arange(data.NUM_CLASSES)).astype(np.int64)


def imbalanced_indices(labels: np.ndarray, seed: int = SEED) -> np.ndarray:
    """Indices of ``class_counts()[k]`` images of every class k, drawn with ``seed`` (sorted)."""
    try:
        picks = data.pick_per_class(labels, dict(enumerate(class_counts().tolist())), seed)
    except data.ShortClassError as exc:
        raise data.FashionMNISTError(
            f"the imbalanced subset needs {exc.wanted} images of class {exc.label}, the training split has "
            f"{exc.available}. " + data.INSTALL_HINT) from None
    return np.sort(np.concatenate(picks))


def imbalanced_split(split: data.Split | None = None, seed: int = SEED) -> tuple[data.Split, np.ndarray]:
    """The training subset with every label set to 0 (unconditional training), and its true labels."""
    split = split if split is not None else data.load_train()
    index = imbalanced_indices(split.labels, seed)
    images, true = split.images[index], split.labels[index].astype(np.int64)
    return data.Split(images, np.zeros(len(index), np.int64)), true


# The imbalanced GAN keeps the small recipe without the class GAN's remedies for mode collapse (no
# minibatch std): the page's lesson is what a plain GAN does with skewed data.
PLAIN_GAN = {"g_channels": (64, 32, 16), "d_channels": (16, 32, 64), "lr_g": 2e-4, "lr_d": 4e-4,
             "minibatch_std": False, "augment": False}


def train(family: str, out_dir: Path, *, epochs: int | None = None, device: str = "cpu", resume: bool = False,
          progress: bool = True) -> dict:
    """Train the unconditional ``family`` ("gan" or "vae") on the imbalanced subset into ``out_dir``."""
    if resume:
        raise ValueError(f"{NAMES[family]} is short to train and does not resume; train it afresh")
    subset, true = imbalanced_split()
    if family == "gan":
        from models.image.gan import GANConfig
        from models.image.gan import train as fit

        metrics = fit(out_dir, epochs=epochs, device=device, progress=progress, split=subset,
                      config=GANConfig(num_classes=1, epochs=GAN_EPOCHS, **PLAIN_GAN))
    elif family == "vae":
        from models.image.vae import VAEConfig
        from models.image.vae import train as fit

        metrics = fit(out_dir, epochs=epochs, device=device, progress=progress, train_split=subset,
                      config=VAEConfig(num_classes=1, kl_weight=1.0, epochs=VAE_EPOCHS,
                                       prior_rank=0))  # N(0, I): what the network learnt, nothing refit
    else:
        raise ValueError(f"unknown family {family!r}; choose gan or vae")
    if out_dir is None:  # not the main process of a multi-process launch: it writes nothing
        return metrics
    metrics["class_counts"] = np.bincount(true, minlength=data.NUM_CLASSES).tolist()
    metrics["subset_seed"] = SEED
    checkpoints.save_metrics(out_dir, metrics)
    return metrics


def load(family: str, device: str = "cpu"):
    """The shipped unconditional model of ``family`` trained on the imbalanced subset."""
    from models.image import zoo

    return zoo.load(family, device, name=NAMES[family])


def sample(model, family: str, n: int, seed: int) -> np.ndarray:
    """``n`` samples of an unconditional model (label 0 for all), in chunks."""
    from models.image import zoo

    return zoo.sample(model, family, np.zeros(int(n), np.int64), seed)


def shares(judge, generated: np.ndarray, training: np.ndarray) -> dict:
    """Judge's class shares of generated vs training images, and the amplification per class."""
    from models.core.metrics import class_shares

    gen, train_shares = class_shares(judge, generated), class_shares(judge, training)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(train_shares > 0, gen / train_shares, np.nan)
    order = np.argsort(-train_shares)
    half = data.NUM_CLASSES // 2
    return {"generated": gen, "training": train_shares, "amplification": ratio,
            "majority": int(order[0]), "majority_amplification": float(ratio[order[0]]),
            "rare_training": float(train_shares[order[half:]].sum()),
            "rare_generated": float(gen[order[half:]].sum()),
            "total_variation": float(0.5 * np.abs(gen - train_shares).sum())}
