"""The two models of the "What is generative AI?" page, fitted on the same data.

* :class:`MLPClassifier` — discriminative, p(y | x): an image in, ten class
  probabilities out. It can label images but has no way to make one.
* :class:`ClassGaussian` — generative, p(x | y): for each class a Gaussian over the
  image's coordinates in a PCA basis. It can *sample* new images of a class, score how
  likely an image is, and — through Bayes' rule p(y | x) ∝ p(x | y) p(y) — classify too.

Both are fitted on the shipped 10k training subset and scored on the test split, so the
app and its tests need nothing but ``assets/``.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from models.core import checkpoints, data

CLASSIFIER = "overview_classifier"
GAUSSIAN = "overview_gaussian"


# --------------------------------------------------------------------------- discriminative
@dataclass
class ClassifierConfig:
    hidden: int = 256
    dropout: float = 0.2
    epochs: int = 30
    batch_size: int = 128
    lr: float = 1e-3
    weight_decay: float = 1e-4
    seed: int = 0


def build_classifier(config: ClassifierConfig):
    """784 → hidden → 10 MLP (a torch ``nn.Sequential``)."""
    from torch import nn

    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(28 * 28, config.hidden),
        nn.ReLU(),
        nn.Dropout(config.dropout),
        nn.Linear(config.hidden, data.NUM_CLASSES),
    )


class Classifier:
    """Inference wrapper: uint8 images in, class probabilities out.

    The forward pass of the trained ``nn.Sequential`` (Linear → ReLU → Linear; dropout is
    off at inference) is two matrix products, done here in NumPy so the landing page
    answers without importing torch; ``tests/models/basics/test_overview.py`` checks it against
    the torch module.
    """

    def __init__(self, config: ClassifierConfig, state: dict[str, np.ndarray]):
        self.config = config
        self.state = state
        self.w1, self.b1 = state["1.weight"], state["1.bias"]
        self.w2, self.b2 = state["4.weight"], state["4.bias"]

    @classmethod
    def load(cls) -> Classifier:
        config, tensors = checkpoints.load(CLASSIFIER)
        return cls(ClassifierConfig(**config), tensors)

    def logits(self, images: np.ndarray) -> np.ndarray:
        x = data.to_float(np.asarray(images).reshape(-1, *data.IMAGE_SHAPE))
        hidden = np.maximum(x @ self.w1.T + self.b1, 0.0)
        return hidden @ self.w2.T + self.b2

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        """uint8 (N,28,28) → float (N,10), rows summing to 1 (softmax of the logits)."""
        z = self.logits(images)
        z = np.exp(z - z.max(1, keepdims=True))
        return z / z.sum(1, keepdims=True)

    def accuracy(self, split: data.Split) -> float:
        return float((self.predict_proba(split.images).argmax(1) == split.labels).mean())


def train_classifier(out_dir: Path, *, epochs: int | None = None, device: str = "cpu",
                     resume: bool = False, progress: bool = True) -> dict:
    """Fit the MLP on the shipped 10k subset with Adam; write a checkpoint to ``out_dir``."""
    import torch
    from tqdm.auto import tqdm

    from models.core import training

    config = ClassifierConfig(**({"epochs": epochs} if epochs else {}))
    torch.manual_seed(config.seed)
    train, test = data.load_shipped("train10k"), data.load_shipped("test")
    net = build_classifier(config)
    if resume:
        _, state = checkpoints.load(CLASSIFIER)
        checkpoints.load_state_into(net, state)
    loader = data.shuffled_loader(data.to_float(train.images), train.labels, config.batch_size, config.seed)
    optimizer = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    accelerator = training.make_accelerator(device, config.seed)
    net, optimizer, loader = accelerator.prepare(net, optimizer, loader)

    losses, start = [], time.perf_counter()
    bar = tqdm(range(config.epochs), desc=CLASSIFIER, disable=not progress)
    for _epoch in bar:
        net.train()
        total, count = 0.0, 0
        for x, y in loader:
            loss = torch.nn.functional.cross_entropy(net(x), y)
            optimizer.zero_grad()
            accelerator.backward(loss)
            optimizer.step()
            total, count = total + loss.item() * len(y), count + len(y)
        total, count = training.summed(accelerator, total, count)  # over every process
        losses.append(total / count)
        bar.set_postfix(loss=f"{losses[-1]:.4f}")
    wall = time.perf_counter() - start
    if not accelerator.is_main_process:  # one writer: the main process evaluates and saves
        return training.run_facts(accelerator)

    state = {k: v.detach().cpu().numpy() for k, v in accelerator.unwrap_model(net).state_dict().items()}
    model = Classifier(config, state)
    metrics = {
        "loss_curve": losses,
        "train_accuracy": model.accuracy(train),
        "test_accuracy": model.accuracy(test),
        "wall_time_s": wall,
        **training.run_facts(accelerator),
        "train_images": len(train),
        "parameters": int(sum(v.size for v in state.values())),
    }
    checkpoints.save(out_dir, asdict(config), state, metrics)
    return metrics


# --------------------------------------------------------------------------- generative
@dataclass
class GaussianConfig:
    n_components: int = 40
    ridge: float = 1e-3


class ClassGaussian:
    """Per-class Gaussian p(x | y) in a PCA basis (probabilistic-PCA style).

    The first ``n_components`` PCA coordinates z get a full-covariance Gaussian per class;
    the remaining 784 − k directions share one small isotropic variance. Because the PCA
    basis is a rotation, this is a proper density over all 784 pixels (scaled to [0, 1]).
    The residual term is the same for every class, so it does not change classification.
    """

    def __init__(self, config: GaussianConfig, tensors: dict[str, np.ndarray]):
        self.config = config
        self.mean = tensors["mean"]              # (784,)
        self.components = tensors["components"]  # (k, 784), orthonormal rows
        self.class_means = tensors["class_means"]  # (10, k)
        self.class_chol = tensors["class_chol"]    # (10, k, k), lower Cholesky factors
        self.log_prior = tensors["log_prior"]      # (10,)
        self.residual_var = tensors["residual_var"]  # (1,), shared by all classes

    @classmethod
    def fit(cls, images: np.ndarray, labels: np.ndarray, config: GaussianConfig | None = None) -> ClassGaussian:
        config = config or GaussianConfig()
        x = data.to_float(images).astype(np.float64)
        mean = x.mean(0)
        _, _, vt = np.linalg.svd(x - mean, full_matrices=False)
        components = vt[: config.n_components]
        z = (x - mean) @ components.T
        eye = np.eye(config.n_components)
        means, chols, priors = [], [], []
        for c in range(data.NUM_CLASSES):
            zc = z[labels == c]
            means.append(zc.mean(0))
            chols.append(np.linalg.cholesky(np.cov(zc.T) + config.ridge * eye))
            priors.append(len(zc) / len(z))
        residual = x - mean - z @ components
        residual_var = (residual**2).sum(1).mean() / (x.shape[1] - config.n_components)
        tensors = {
            "mean": mean, "components": components, "class_means": np.stack(means),
            "class_chol": np.stack(chols), "log_prior": np.log(np.array(priors)),
            "residual_var": np.array([residual_var]),
        }
        return cls(config, {k: v.astype(np.float32) for k, v in tensors.items()})

    @classmethod
    def load(cls) -> ClassGaussian:
        config, tensors = checkpoints.load(GAUSSIAN)
        return cls(GaussianConfig(**config), tensors)

    def tensors(self) -> dict[str, np.ndarray]:
        return {"mean": self.mean, "components": self.components, "class_means": self.class_means,
                "class_chol": self.class_chol, "log_prior": self.log_prior,
                "residual_var": self.residual_var}

    def encode(self, images: np.ndarray) -> np.ndarray:
        return (data.to_float(images) - self.mean) @ self.components.T

    def decode(self, z: np.ndarray) -> np.ndarray:
        return data.to_uint8(z @ self.components + self.mean)

    def sample(self, label: int, n: int, seed: int) -> np.ndarray:
        """``n`` new uint8 images of class ``label``; the same seed gives the same images."""
        if not 0 <= int(label) < data.NUM_CLASSES:
            raise ValueError(f"label must be in 0-9, not {label}")
        rng = np.random.default_rng(seed)
        eps = rng.standard_normal((n, self.components.shape[0])).astype(np.float32)
        z = self.class_means[label] + eps @ self.class_chol[label].T
        return self.decode(z)

    def log_likelihood(self, images: np.ndarray) -> np.ndarray:
        """log p(x | y) for every class: (N, 10), in nats, pixels scaled to [0, 1]."""
        x = data.to_float(images).astype(np.float64)
        z = (x - self.mean) @ self.components.T
        k, dims = z.shape[1], x.shape[1]
        var = float(self.residual_var[0])
        residual = ((x - self.mean - z @ self.components) ** 2).sum(1)
        shared = -0.5 * residual / var - 0.5 * (dims - k) * np.log(2 * np.pi * var)
        out = np.empty((len(z), data.NUM_CLASSES))
        for c in range(data.NUM_CLASSES):
            chol = self.class_chol[c].astype(np.float64)
            d = np.linalg.solve(chol, (z - self.class_means[c]).T)
            out[:, c] = -0.5 * (d**2).sum(0) - np.log(np.diag(chol)).sum() - 0.5 * k * np.log(2 * np.pi)
        return out + shared[:, None]

    def predict_proba(self, images: np.ndarray) -> np.ndarray:
        """Bayes' rule: p(y | x) ∝ p(x | y) p(y)."""
        joint = self.log_likelihood(images) + self.log_prior
        joint -= joint.max(1, keepdims=True)
        p = np.exp(joint)
        return p / p.sum(1, keepdims=True)

    def accuracy(self, split: data.Split) -> float:
        return float((self.predict_proba(split.images).argmax(1) == split.labels).mean())


def train_gaussian(out_dir: Path, *, epochs: int | None = None, device: str = "cpu",
                   resume: bool = False, progress: bool = True) -> dict:
    """Closed-form fit (PCA + per-class mean/covariance); ``epochs``/``resume`` do not apply."""
    config = GaussianConfig()
    train, test = data.load_shipped("train10k"), data.load_shipped("test")
    start = time.perf_counter()
    model = ClassGaussian.fit(train.images, train.labels, config)
    wall = time.perf_counter() - start
    test_ll = model.log_likelihood(test.images)[np.arange(len(test)), test.labels]
    metrics = {
        "bayes_train_accuracy": model.accuracy(train),
        "bayes_test_accuracy": model.accuracy(test),
        "test_mean_log_likelihood_nats": float(test_ll.mean()),
        "wall_time_s": wall,
        "device": "cpu (numpy)",
        "train_images": len(train),
        "parameters": int(sum(v.size for v in model.tensors().values())),
    }
    checkpoints.save(out_dir, asdict(config), model.tensors(), metrics)
    return metrics
