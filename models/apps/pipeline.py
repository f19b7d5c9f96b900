"""Train your own: a small VAE or GAN trained live, one epoch at a time, on classes the user picks.

The generation pipeline of the course, end to end and small enough for one CPU core:

1. **data** — ``per_class`` images of each chosen class from the shipped 10k training subset;
2. **training** — one epoch at a time (:meth:`PipelineRun.train_epoch`), so a caller can stop
   between epochs and nothing trained is lost; the run keeps the model, the optimiser, its random
   stream and the history;
3. **latent space** — the VAE's codes of test images projected to 2-D (PCA); the GAN has no
   encoder, so a grid decoded along two directions of its noise space instead;
4. **generation** — a fixed set of noise vectors decoded after every epoch;
5. **iterative refinement** — the domain FID of ``fid_samples`` samples against ``REFERENCE_PER_CLASS``
   test images of each chosen class after every epoch (epoch 0 = the untrained model), next to the real-vs-real floor.

Both models are built from the blocks of :mod:`models.image.vae` — its two-step convolutional encoder
(28 → 14 → 7) and decoder (7 → 14 → 28), the reparameterisation trick and the Gaussian KL: the VAE
uses them as they are; the GAN's generator is the decoder behind a linear layer, its discriminator
the encoder with a projection head, with :mod:`models.image.gan`'s conversion to and from [-1, 1].
(The shipped GAN's own modules — 3×3 convolutions at full resolution, spectral norm — cost about
50 ms a step on one core and had learned nothing recognisable after ten live epochs.)
One epoch at the defaults takes about 1 s (VAE) to 2 s (GAN) on one core with one torch thread
(``python -m benchmarks pipeline``). Every random draw of a run — initial weights, batch order,
noise — comes from generators seeded with ``config.seed``, never torch's global RNG, so runs of
many users in one server process do not disturb each other. No Streamlit import.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn.functional import softplus

from models.core import data
from models.core.metrics import FIDScorer
from models.core.seeding import seeded
from models.image import gan, vae

FAMILIES = ("vae", "gan")
MIN_PER_CLASS = 20        # fewer images per class is not a data set worth training on
MAX_EPOCHS = 50
GRID = 16                 # fixed noise vectors decoded after every epoch
REFERENCE_PER_CLASS = 300  # test images per chosen class: the FID's reference (≈ 1 s of judge time per class)
MAP_PER_CLASS = 200       # test images per class on the VAE's latent map
WALK_SIDE, WALK_SPAN = 7, 2.5  # the GAN's decoded grid: 7 × 7 codes, ±2.5 along two directions


class PipelineInputError(ValueError):
    """A choice the run cannot train on; ``code`` and ``params`` let a page translate the message."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code, self.params = code, params


@dataclass
class TinyConfig:
    """The two small models' sizes and learning rates (shared with :mod:`models.image.own_images`)."""

    family: str = "vae"
    seed: int = 0
    batch_size: int = 32
    # VAE
    latent_dim: int = 8
    vae_channels: tuple[int, int] = (16, 32)
    vae_hidden: int = 128
    vae_lr: float = 2e-3
    # GAN
    z_dim: int = 32
    gan_channels: tuple[int, int] = (16, 32)
    lr_g: float = 1e-3                     # G learns faster than D: early on D wins too easily otherwise
    lr_d: float = 5e-4
    gan_betas: tuple[float, float] = (0.5, 0.999)


@dataclass
class PipelineConfig(TinyConfig):
    classes: tuple[int, ...] = (1, 7, 8)   # trouser, sneaker, bag: three shapes that look nothing alike
    per_class: int = 500
    fid_samples: int = 300


def validate(config: PipelineConfig, available: int = data.SUBSET_SIZE // data.NUM_CLASSES) -> PipelineConfig:
    """The config with its classes sorted and de-duplicated; a :class:`PipelineInputError` when unusable."""
    if config.family not in FAMILIES:
        raise PipelineInputError("family", f"family must be one of {FAMILIES}, not {config.family!r}",
                                 family=config.family)
    classes = tuple(sorted({int(c) for c in config.classes}))
    if not classes:
        raise PipelineInputError("no_classes", "choose at least one class to train on")
    if classes[0] < 0 or classes[-1] >= data.NUM_CLASSES:
        raise PipelineInputError("bad_class", f"classes must lie in 0-9, not {list(config.classes)}")
    if config.per_class < MIN_PER_CLASS:
        raise PipelineInputError("too_few", f"{config.per_class} images per class is too few; "
                                 f"use at least {MIN_PER_CLASS}", n=config.per_class, minimum=MIN_PER_CLASS)
    if config.per_class > available:
        raise PipelineInputError("too_many", f"{config.per_class} images per class asked for, "
                                 f"only {available} available", n=config.per_class, maximum=available)
    return PipelineConfig(**{**config.__dict__, "classes": classes})


def select_subset(split: data.Split, classes: tuple[int, ...], per_class: int, seed: int) -> data.Split:
    """``per_class`` images of every class in ``classes``, drawn with ``seed``, classes interleaved."""
    try:
        picks = data.pick_per_class(split.labels, dict.fromkeys(classes, per_class), seed)
    except data.ShortClassError as exc:
        raise PipelineInputError("too_many", f"class {exc.label} has only {exc.available} images, "
                                 f"{per_class} asked for", n=per_class, maximum=exc.available) from None
    index = np.stack(picks, axis=1).reshape(-1)  # c0, c1, c2, c0, c1, c2, …
    return data.Split(split.images[index], split.labels[index])


class TinyVAE(nn.Module):
    """Unconditional VAE: 28×28 → μ, log σ² of ``latent_dim`` numbers → logits of a Bernoulli image."""

    def __init__(self, latent_dim: int, channels: tuple[int, int], hidden: int):
        super().__init__()
        c1, c2 = channels
        self.encoder = nn.Sequential(*vae.conv_encoder(c1, c2), nn.Flatten(), nn.Linear(c2 * 49, hidden), nn.SiLU(),
                                     nn.Linear(hidden, 2 * latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, hidden), nn.SiLU(), nn.Linear(hidden, c2 * 49), nn.SiLU(),
                                     nn.Unflatten(1, (c2, 7, 7)), *vae.conv_decoder(c1, c2))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar.clamp(-12, 8)

    def forward(self, x: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Per image: reconstruction loss (Bernoulli cross-entropy, nats) and KL to N(0, I) (nats)."""
        mu, logvar = self.encode(x)
        logits = self.decoder(vae.reparameterise(mu, logvar, generator))
        rec = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)
        return rec, vae.gaussian_kl(mu, logvar)

    def decode(self, z: torch.Tensor) -> np.ndarray:
        return data.to_uint8(torch.sigmoid(self.decoder(z)).numpy())


class TinyGenerator(nn.Module):
    """[z, embed(y)] → linear → c2×7×7 → the VAE's convolutional decoder → 1×28×28 in [-1, 1] (tanh)."""

    def __init__(self, z_dim: int, channels: tuple[int, int], embed_dim: int = 16, classes: int = data.NUM_CLASSES):
        super().__init__()
        c1, c2 = channels
        self.embed = nn.Embedding(classes, embed_dim)
        self.fc = nn.Sequential(nn.Linear(z_dim + embed_dim, c2 * 49), nn.BatchNorm1d(c2 * 49), nn.ReLU(),
                                nn.Unflatten(1, (c2, 7, 7)))
        self.decoder = nn.Sequential(*vae.conv_decoder(c1, c2), nn.Tanh())

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.fc(torch.cat([z, self.embed(y)], dim=1)))


class TinyDiscriminator(nn.Module):
    """The VAE's convolutional encoder → features h; score ψ(h) + ⟨embed(y), h⟩ (a projection discriminator)."""

    def __init__(self, channels: tuple[int, int], classes: int = data.NUM_CLASSES):
        super().__init__()
        c1, c2 = channels
        self.body = nn.Sequential(*vae.conv_encoder(c1, c2), nn.Flatten())
        self.linear = nn.Linear(c2 * 49, 1)
        self.embed = nn.Embedding(classes, c2 * 49)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        h = self.body(x)
        return self.linear(h).squeeze(1) + (self.embed(y) * h).sum(dim=1)


def _orthonormal(k: int, dim: int, generator: torch.Generator) -> torch.Tensor:
    q, _ = torch.linalg.qr(torch.randn(dim, k, generator=generator))
    return q.T  # (k, dim), rows orthonormal


class TinyRun:
    """What a live run of the VAE or the GAN does, whatever it trains on: its networks, optimisers and
    random stream (``nets``, ``optimizers``, ``rng``, built by :func:`build`), one training step of each
    family, decoding and the latent-space views. :class:`PipelineRun` (Fashion-MNIST classes) and
    :class:`models.image.own_images.OwnImagesRun` (the user's pictures) add their data and measure."""

    config: TinyConfig
    nets: dict[str, nn.Module]
    optimizers: dict[str, torch.optim.Optimizer]
    rng: torch.Generator

    @property
    def loss_names(self) -> tuple[str, ...]:
        return ("total", "reconstruction", "kl") if self.config.family == "vae" else ("d_loss", "g_loss")

    @property
    def parameters(self) -> int:
        net = self.nets["vae"] if self.config.family == "vae" else self.nets["g"]
        return int(sum(p.numel() for p in net.parameters()))

    def _steps(self, x: torch.Tensor, y: torch.Tensor, batches) -> dict[str, float]:
        """One step per batch of indices; the losses' mean over the images (each batch weighted by its size)."""
        sums = dict.fromkeys(self.loss_names, 0.0)
        step = self._vae_step if self.config.family == "vae" else self._gan_step
        total = 0
        for index in batches:
            for name, value in step(x[index], y[index]).items():
                sums[name] += value * len(index)
            total += len(index)
        return {name: value / max(total, 1) for name, value in sums.items()}

    def _vae_step(self, pixels: torch.Tensor, _labels: torch.Tensor) -> dict[str, float]:
        net, opt = self.nets["vae"], self.optimizers["vae"]
        net.train()
        rec, kl = net(pixels.float().unsqueeze(1) / 255.0, self.rng)
        loss = (rec + kl).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {"total": loss.item(), "reconstruction": rec.mean().item(), "kl": kl.mean().item()}

    def _gan_step(self, pixels: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        g, d = self.nets["g"], self.nets["d"]
        g.train()
        n, z_dim = len(labels), self.config.z_dim
        real = gan.from_images(pixels.numpy())
        # 1. discriminator: score real images high, generated ones low (logistic loss)
        with torch.no_grad():
            fake = g(torch.randn(n, z_dim, generator=self.rng), labels)
        scores = d(torch.cat([real, fake]), torch.cat([labels, labels]))
        d_loss = softplus(-scores[:n]).mean() + softplus(scores[n:]).mean()
        self.optimizers["d"].zero_grad(set_to_none=True)
        d_loss.backward()
        self.optimizers["d"].step()
        # 2. generator: raise the discriminator's score of fresh samples
        g_loss = softplus(-d(g(torch.randn(n, z_dim, generator=self.rng), labels), labels)).mean()
        self.optimizers["g"].zero_grad(set_to_none=True)
        g_loss.backward()
        self.optimizers["g"].step()
        return {"d_loss": d_loss.item(), "g_loss": g_loss.item()}

    @property
    def noise_dim(self) -> int:
        return self.config.latent_dim if self.config.family == "vae" else self.config.z_dim

    @torch.inference_mode()
    def decode(self, z: torch.Tensor, labels: np.ndarray) -> np.ndarray:
        """Noise (N, dim) → uint8 images (N,28,28) with the current weights (the GAN draws class ``labels``)."""
        if self.config.family == "vae":
            return self.nets["vae"].eval().decode(z)
        return gan.to_images(self.nets["g"].eval()(z, torch.as_tensor(labels)))

    @torch.inference_mode()
    def encoded_map(self, images: np.ndarray, labels: np.ndarray) -> dict:
        """The VAE's μ of ``images`` projected on their two principal components (``points``, ``labels``,
        ``explained`` share of variance)."""
        x = torch.from_numpy(images).float().unsqueeze(1) / 255.0
        mu, _ = self.nets["vae"].eval().encode(x)
        centred = mu - mu.mean(0)
        _, s, v = torch.linalg.svd(centred, full_matrices=False)
        return {"kind": "encoded", "points": (centred @ v[:2].T).numpy(), "labels": labels,
                "explained": float((s[:2] ** 2).sum() / (s ** 2).sum())}

    def walk_map(self, label: int) -> dict:
        """The GAN has no encoder: ``images`` decoded on a ``WALK_SIDE``² grid of codes z = a·u + b·v along
        two fixed orthonormal directions u, v (seeded with ``config.seed``), for class ``label``."""
        u, v = _orthonormal(2, self.config.z_dim, torch.Generator().manual_seed(self.config.seed + 7))
        steps = torch.linspace(-WALK_SPAN, WALK_SPAN, WALK_SIDE)
        z = torch.stack([a * u + b * v for b in steps.flip(0) for a in steps])
        return {"kind": "walk", "images": self.decode(z, np.full(len(z), label)), "label": label,
                "side": WALK_SIDE, "span": WALK_SPAN}


@dataclass
class PipelineRun(TinyRun):
    """One user's training run; every call is deterministic for a given config (seeded streams).

    Lists in ``history`` grow by one per epoch; ``fid`` and ``samples`` start with epoch 0, the
    untrained model, so the first point of the curve is where training started.
    """

    config: PipelineConfig
    train: data.Split
    test: data.Split
    fid_floor: float
    nets: dict[str, nn.Module]
    optimizers: dict[str, torch.optim.Optimizer]
    rng: torch.Generator
    scorer: FIDScorer
    history: dict = field(default_factory=dict)
    _map: tuple | None = None

    @classmethod
    def create(cls, config: PipelineConfig, train: data.Split, test: data.Split, judge,
               judge_lock: contextlib.AbstractContextManager | None = None) -> PipelineRun:
        """Pick the data, build the model, score the untrained model (epoch 0).

        ``judge`` is :class:`models.core.judge.Judge`; ``judge_lock``, if given, is held around every call
        into it (the judge may be shared between threads)."""
        config = validate(config)
        subset = select_subset(train, config.classes, config.per_class, config.seed)
        keep = np.concatenate([np.flatnonzero(test.labels == c)[:REFERENCE_PER_CLASS] for c in config.classes])
        test_subset = data.Split(test.images[keep], test.labels[keep])
        nets, optimizers = build(config, torch.Generator().manual_seed(config.seed))
        with judge_lock or contextlib.nullcontext():
            scorer = FIDScorer(judge, test_subset.images)
            floor_pool = select_subset(train, config.classes, -(-config.fid_samples // len(config.classes)),
                                       config.seed + 1)
            floor = scorer.score(floor_pool.images[:config.fid_samples])
        run = cls(config, subset, test_subset, floor, nets, optimizers,
                  torch.Generator().manual_seed(config.seed), scorer)
        run.history = {"losses": {name: [] for name in run.loss_names}, "seconds": [], "fid": [], "samples": []}
        run._record(judge_lock)
        return run

    # --- what the page reads -------------------------------------------------------------------
    @property
    def epoch(self) -> int:
        """Epochs trained so far."""
        return len(self.history["seconds"])

    def data_batch(self, n: int = GRID) -> tuple[np.ndarray, np.ndarray]:
        """The first ``n`` training images (classes interleaved) and their labels."""
        return self.train.images[:n], self.train.labels[:n]

    def sample_labels(self, n: int) -> np.ndarray:
        """Labels a (class-conditional) GAN is asked for: the chosen classes in turn."""
        return np.asarray(self.config.classes, dtype=np.int64)[np.arange(n) % len(self.config.classes)]

    # --- training -------------------------------------------------------------------------------
    def train_epoch(self, judge_lock: contextlib.AbstractContextManager | None = None) -> dict:
        """One pass over the training subset, then the fixed samples and the FID; returns this epoch's row."""
        start = time.perf_counter()
        x = torch.from_numpy(self.train.images)
        y = torch.from_numpy(self.train.labels)
        order = torch.randperm(len(y), generator=self.rng)
        means = self._steps(x, y, torch.tensor_split(order, max(1, round(len(y) / self.config.batch_size))))
        seconds = time.perf_counter() - start
        for name in self.loss_names:
            self.history["losses"][name].append(means[name])
        self.history["seconds"].append(seconds)
        self._record(judge_lock)
        return {"epoch": self.epoch, "seconds": seconds, "fid": self.history["fid"][-1],
                **{name: values[-1] for name, values in self.history["losses"].items()}}

    # --- generation and measurement ---------------------------------------------------------------
    def _noise(self, n: int, offset: int) -> torch.Tensor:
        return torch.randn(n, self.noise_dim, generator=torch.Generator().manual_seed(self.config.seed + offset))

    def decode(self, z: torch.Tensor, labels: np.ndarray | None = None) -> np.ndarray:
        """Noise (N, dim) → uint8 images (N,28,28) with the current weights."""
        return super().decode(z, self.sample_labels(len(z)) if labels is None else labels)

    def generate(self, n: int, offset: int = 1000) -> np.ndarray:
        """``n`` samples from fixed noise (the same noise after every epoch)."""
        return self.decode(self._noise(n, offset))

    def _record(self, judge_lock) -> None:
        self.history["samples"].append(self.generate(GRID, offset=0))
        fake = self.generate(self.config.fid_samples)
        with judge_lock or contextlib.nullcontext():
            self.history["fid"].append(self.scorer.score(fake))

    def latent_map(self) -> dict:
        """The latent-space view of the current model (recomputed once per epoch).

        VAE: μ of up to ``MAP_PER_CLASS`` test images per chosen class (:meth:`TinyRun.encoded_map`).
        GAN: the decoded grid of :meth:`TinyRun.walk_map` for the first chosen class (``label``)."""
        if self._map is not None and self._map[0] == self.epoch:
            return self._map[1]
        if self.config.family == "vae":
            keep = np.concatenate([np.flatnonzero(self.test.labels == c)[:MAP_PER_CLASS]
                                   for c in self.config.classes])
            out = self.encoded_map(self.test.images[keep], self.test.labels[keep])
        else:
            out = self.walk_map(self.config.classes[0])
        self._map = (self.epoch, out)
        return out


def build(config: TinyConfig, init: torch.Generator, classes: int = data.NUM_CLASSES) -> tuple[
        dict[str, nn.Module], dict[str, torch.optim.Optimizer]]:
    """The family's networks with PyTorch's default initial weights drawn from ``init`` (a GAN for ``classes``
    labels), and their optimisers."""
    if config.family == "vae":
        net = seeded(lambda: TinyVAE(config.latent_dim, config.vae_channels, config.vae_hidden), init)
        return {"vae": net}, {"vae": torch.optim.Adam(net.parameters(), lr=config.vae_lr)}
    g = seeded(lambda: TinyGenerator(config.z_dim, config.gan_channels, classes=classes), init)
    d = seeded(lambda: TinyDiscriminator(config.gan_channels, classes=classes), init)
    return {"g": g, "d": d}, {"g": torch.optim.Adam(g.parameters(), lr=config.lr_g, betas=config.gan_betas),
                              "d": torch.optim.Adam(d.parameters(), lr=config.lr_d, betas=config.gan_betas)}
