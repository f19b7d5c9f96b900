"""Class-conditional DCGAN: a generator and a discriminator trained against each other.

The generator G turns random noise z and a class label y into a 28×28 image; the
discriminator D looks at an image (and the label it is supposed to show) and gives a score,
high for "looks like a real Fashion-MNIST image of that class", low for "made up". Training
alternates: D learns to tell real from generated, then G learns to fool the current D.

Reading order: :class:`GANConfig`, the modules (:class:`ConditionalBatchNorm`,
:class:`Generator`, :class:`Discriminator`), the inference wrapper :class:`GAN`,
:func:`load_snapshots`, then :func:`train`.

What makes it stable and quick on a CPU:

* **hinge loss** and **spectral normalisation** in D (every layer's largest singular value
  is kept at 1, so D cannot become arbitrarily steep and G's gradients stay useful);
* a **projection discriminator** for the label: score = ψ(h) + ⟨embed(y), h⟩, where h are
  D's image features, so "right class?" is part of "real?";
* the label enters G twice: as an embedding concatenated with z, and through **conditional
  batch norm** (per-class scale and shift) after each up-sampling;
* against **mode collapse** (a generator that draws one garment per class): **minibatch standard
  deviation** (D also sees how varied each group of four images is, so a batch of near-copies gives
  itself away) and **two time scales** (D learns 4× faster than G, so G chases a D that keeps up);
  DiffAugment is an option (``augment``), not used by the shipped model (it learned more slowly here);
* an **EMA generator** (exponential moving average of G's weights): much smoother samples
  than the last training step. It is what ships and what :class:`GAN` samples from; its
  batch-norm statistics are re-estimated after every epoch.
"""

from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from models.core import checkpoints, data, training

NAME = "gan"
SNAPSHOTS = "snapshots.safetensors"
SNAPSHOT_COUNT = 16  # images per epoch snapshot, labels i % 10

MBSTD_GROUP = 4        # images per minibatch-std group
AUGMENT_SHIFT = 3      # DiffAugment: largest shift in pixels (about 1/8 of the image)
AUGMENT_CUT = 10       # DiffAugment: side of the blanked square in pixels

# Key prefixes in model.safetensors.
G_PREFIX, EMA_PREFIX, D_PREFIX = "generator.", "generator_ema.", "discriminator."


@dataclass
class GANConfig:
    z_dim: int = 64
    num_classes: int = data.NUM_CLASSES          # 1 = unconditional (every image gets label 0)
    embed_dim: int = 16                          # label embedding concatenated with z
    g_channels: tuple[int, int, int] = (128, 64, 32)  # G feature maps at 7×7, 14×14, 28×28
    d_channels: tuple[int, int, int] = (32, 64, 128)  # D feature maps at 28×28, 14×14, 7×7
    lr_g: float = 1e-4                           # two time scales: D learns 4× faster than G
    lr_d: float = 4e-4
    betas: tuple[float, float] = (0.0, 0.9)      # β1 = 0 as in SN-GAN; learned faster here than (0.5, 0.999)
    batch_size: int = 64
    epochs: int = 11                             # ~5 min each on one CPU core (60k images)
    ema_decay: float = 0.999
    bn_batches: int = 20                         # batches used to re-estimate the EMA G's BN statistics
    minibatch_std: bool = True                   # D also sees how varied its batch is (group std feature)
    augment: bool = False                        # DiffAugment: D sees randomly shifted, cut-out real and fake
    seed: int = 0
    snapshot_seed: int = 2024

    def __post_init__(self):  # JSON turns tuples into lists
        self.g_channels = tuple(int(c) for c in self.g_channels)
        self.d_channels = tuple(int(c) for c in self.d_channels)
        self.betas = tuple(float(b) for b in self.betas)

    @classmethod
    def from_dict(cls, config: dict) -> GANConfig:
        """A saved ``config.json``; one written before an option existed gets the option's old behaviour."""
        known = {f.name for f in fields(cls)}
        return cls(**{**BEFORE_OPTIONS, **{k: v for k, v in config.items() if k in known}})


# What a checkpoint saved before these options existed was trained with (its config.json lacks them).
BEFORE_OPTIONS = {"minibatch_std": False, "augment": False}


# --------------------------------------------------------------------------- modules
class ConditionalBatchNorm(nn.Module):
    """Batch norm whose scale γ and shift β are looked up per class."""

    def __init__(self, channels: int, num_classes: int = data.NUM_CLASSES):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels, affine=False)
        self.gamma = nn.Embedding(num_classes, channels)
        self.beta = nn.Embedding(num_classes, channels)
        nn.init.ones_(self.gamma.weight)
        nn.init.zeros_(self.beta.weight)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.gamma(y)[:, :, None, None] * self.bn(x) + self.beta(y)[:, :, None, None]


class Generator(nn.Module):
    """[z, embed(y)] → linear → c0×7×7 → up 14×14 → up 28×28 → 1×28×28 in [-1, 1] (tanh)."""

    def __init__(self, config: GANConfig):
        super().__init__()
        c0, c1, c2 = config.g_channels
        self.c0 = c0
        k = config.num_classes
        self.embed = nn.Embedding(k, config.embed_dim)
        self.fc = nn.Linear(config.z_dim + config.embed_dim, c0 * 7 * 7)
        self.bn0 = ConditionalBatchNorm(c0, k)
        self.up1 = nn.ConvTranspose2d(c0, c1, 4, stride=2, padding=1, bias=False)  # 7 → 14
        self.bn1 = ConditionalBatchNorm(c1, k)
        self.up2 = nn.ConvTranspose2d(c1, c2, 4, stride=2, padding=1, bias=False)  # 14 → 28
        self.bn2 = ConditionalBatchNorm(c2, k)
        self.out = nn.Conv2d(c2, 1, 3, padding=1)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        h = self.fc(torch.cat([z, self.embed(y)], dim=1)).view(-1, self.c0, 7, 7)
        h = torch.relu(self.bn0(h, y))
        h = torch.relu(self.bn1(self.up1(h), y))
        h = torch.relu(self.bn2(self.up2(h), y))
        return torch.tanh(self.out(h))


class Discriminator(nn.Module):
    """Spectrally normalised CNN 28→14→7, summed features h, score ψ(h) + ⟨embed(y), h⟩."""

    def __init__(self, config: GANConfig):
        super().__init__()
        c0, c1, c2 = config.d_channels
        act = nn.LeakyReLU(0.1)
        self.body = nn.Sequential(
            spectral_norm(nn.Conv2d(1, c0, 3, padding=1)), act,                # 28×28
            spectral_norm(nn.Conv2d(c0, c1, 4, stride=2, padding=1)), act,     # 14×14
            spectral_norm(nn.Conv2d(c1, c2, 4, stride=2, padding=1)), act,     # 7×7
        )
        self.minibatch_std = config.minibatch_std
        self.linear = spectral_norm(nn.Linear(c2 + int(config.minibatch_std), 1))
        self.embed = spectral_norm(nn.Embedding(config.num_classes, c2))  # projection term

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        h = self.body(x).sum(dim=(2, 3))
        head = torch.cat([h, batch_spread(h)], dim=1) if self.minibatch_std else h
        return self.linear(head).squeeze(1) + (self.embed(y) * h).sum(dim=1)


def batch_spread(h: torch.Tensor, group: int = MBSTD_GROUP) -> torch.Tensor:
    """Minibatch standard deviation: per group of ``group`` images, the features' spread across the group,
    averaged to one number that every image of the group gets as an extra feature (N, 1). A generator that
    draws the same garment every time gives a spread near 0, which D can then tell from real batches.
    The group is the whole batch when its size is not a multiple of ``group`` (one image: spread 0)."""
    n = len(h)
    g = group if n % group == 0 else n
    spread = h.view(n // g, g, -1).std(dim=1, unbiased=False).mean(dim=1)  # (n // g,)
    return spread.repeat_interleave(g).unsqueeze(1)


def diff_augment(x: torch.Tensor, rng: torch.Generator, shift: int = AUGMENT_SHIFT,
                 cut: int = AUGMENT_CUT) -> torch.Tensor:
    """DiffAugment for D's inputs (Zhao et al. 2020): every image moved by up to ``shift`` pixels and a
    ``cut``×``cut`` square blanked, both filled with the background (-1). Differentiable in ``x``, so G
    learns through it; real and generated images get the same kind of changes, so G is not taught to
    draw shifted garments. Random numbers come from ``rng`` (on the CPU), never the global generator."""
    n, _, height, width = x.shape
    dy, dx = (torch.randint(-shift, shift + 1, (2, n), generator=rng)).to(x.device)
    padded = nn.functional.pad(x, (shift, shift, shift, shift), value=-1.0)
    r = torch.arange(height, device=x.device)[None, :]  # (1, H)
    c = torch.arange(width, device=x.device)[None, :]   # (1, W)
    rows, cols = r + dy[:, None] + shift, c + dx[:, None] + shift  # (n, H), (n, W)
    out = padded[torch.arange(n, device=x.device)[:, None, None], 0, rows[:, :, None], cols[:, None, :]]
    cy, cx = (torch.randint(0, height - cut + 1, (2, n), generator=rng)).to(x.device)
    hole = (((r >= cy[:, None]) & (r < cy[:, None] + cut))[:, :, None]
            & ((c >= cx[:, None]) & (c < cx[:, None] + cut))[:, None, :])
    return torch.where(hole, torch.full_like(out, -1.0), out).unsqueeze(1)


def count_parameters(module: nn.Module) -> int:
    return int(sum(p.numel() for p in module.parameters()))


def _state(module: nn.Module, prefix: str) -> dict[str, np.ndarray]:
    return {prefix + k: v.detach().cpu().numpy() for k, v in module.state_dict().items()}


def _load_state(module: nn.Module, tensors: dict[str, np.ndarray], prefix: str) -> None:
    state = {k[len(prefix):]: torch.from_numpy(np.array(v)) for k, v in tensors.items() if k.startswith(prefix)}
    if not state:
        hint = checkpoints.retrain_hint(NAME)
        raise checkpoints.CheckpointError(f"Checkpoint {NAME} has no '{prefix}*' weights. {hint}")
    module.load_state_dict(state)


def _labels(labels, n: int | None = None, classes: int = data.NUM_CLASSES) -> torch.Tensor:
    y = np.asarray(labels)
    if y.ndim != 1 or (n is not None and len(y) != n):
        raise ValueError(f"labels must be a 1-D array{'' if n is None else f' of length {n}'}, not shape {y.shape}")
    if y.size and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= classes):
        raise ValueError(f"labels must be integers in 0-{classes - 1}")
    return torch.from_numpy(y.astype(np.int64))


def to_images(x: torch.Tensor) -> np.ndarray:
    """Generator output in [-1, 1], (N,1,28,28) → uint8 (N,28,28), 0 = black background."""
    return ((x.squeeze(1).clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).cpu().numpy()


def from_images(images: np.ndarray) -> torch.Tensor:
    """uint8 (N,28,28) → float (N,1,28,28) in [-1, 1], the scale G and D work in."""
    x = np.asarray(images).reshape(-1, 1, *data.IMAGE_SHAPE)
    return torch.from_numpy(x.astype(np.float32) / 127.5 - 1.0)


# --------------------------------------------------------------------------- inference
class GAN:
    """The shipped generator (EMA weights) and discriminator, ready to sample and score.

    Every method is deterministic for a given seed: noise is drawn on the CPU from
    ``torch.Generator().manual_seed(seed)`` and then moved to the device.
    """

    def __init__(self, config: GANConfig, generator: Generator, discriminator: Discriminator,
                 device: str = "cpu", metrics: dict | None = None):
        self.config = config
        self.device = torch.device(device)
        self.generator = generator.to(self.device).eval()
        self.discriminator = discriminator.to(self.device).eval()
        self.metrics = metrics or {}

    @classmethod
    def load(cls, device: str = "cpu", name: str = NAME) -> GAN:
        """The shipped GAN, or another checkpoint of this architecture (e.g. ``gan_imbalanced``)."""
        config_dict, tensors = checkpoints.load(name)
        config = GANConfig.from_dict(config_dict)
        generator, discriminator = Generator(config), Discriminator(config)
        has_ema = any(k.startswith(EMA_PREFIX) for k in tensors)
        _load_state(generator, tensors, EMA_PREFIX if has_ema else G_PREFIX)
        _load_state(discriminator, tensors, D_PREFIX)
        return cls(config, generator, discriminator, device, checkpoints.load_metrics(name))

    @property
    def num_parameters(self) -> int:
        """The generator's parameter count (what sampling uses)."""
        return count_parameters(self.generator)

    @torch.inference_mode()
    def latent(self, n: int, seed: int) -> torch.Tensor:
        """``n`` noise vectors z ~ N(0, I), shape (n, z_dim)."""
        z = torch.randn(int(n), self.config.z_dim, generator=torch.Generator().manual_seed(int(seed)))
        return z.to(self.device)

    @torch.inference_mode()
    def decode(self, z: torch.Tensor, labels: np.ndarray) -> np.ndarray:
        """G(z, y): noise (N, z_dim) and labels (N,) → uint8 images (N,28,28)."""
        y = _labels(labels, len(z), self.config.num_classes).to(self.device)
        return to_images(self.generator(z.to(self.device, torch.float32), y))

    @torch.inference_mode()
    def sample(self, labels: np.ndarray, seed: int) -> np.ndarray:
        """One new image per label; the same labels and seed give the same images."""
        y = _labels(labels, classes=self.config.num_classes)
        return self.decode(self.latent(len(y), seed), y.numpy())

    @torch.inference_mode()
    def discriminate(self, images: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """D's raw score per image (N,): higher = "looks like a real image of this class"."""
        x = from_images(images)
        y = _labels(labels, len(x), self.config.num_classes)
        return self.discriminator(x.to(self.device), y.to(self.device)).float().cpu().numpy()


def load_snapshots() -> np.ndarray:
    """uint8 (epochs, 16, 28, 28): the EMA generator's images for one fixed z after every epoch."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    checkpoints.verify(NAME)
    path = checkpoints.checkpoint_dir(NAME) / SNAPSHOTS
    try:
        return load_file(path)["images"]
    except FileNotFoundError:
        raise checkpoints.CheckpointError(
            f"{checkpoints.shown(path)} is missing. {checkpoints.retrain_hint(NAME)}") from None
    except (SafetensorError, OSError, KeyError) as exc:
        raise checkpoints.unreadable(NAME, path, exc) from None


# --------------------------------------------------------------------------- training
def snapshot_inputs(config: GANConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """The fixed noise and labels (``i % 10``) behind every epoch's snapshot."""
    z = torch.randn(SNAPSHOT_COUNT, config.z_dim, generator=torch.Generator().manual_seed(config.snapshot_seed))
    return z, torch.arange(SNAPSHOT_COUNT) % config.num_classes


@torch.no_grad()
def ema_update(ema: nn.Module, model: nn.Module, decay: float) -> None:
    for p_ema, p in zip(ema.parameters(), model.parameters(), strict=True):
        p_ema.lerp_(p.detach(), 1.0 - decay)


@torch.no_grad()
def recalibrate_batch_norm(generator: Generator, config: GANConfig, device: torch.device) -> None:
    """Re-estimate BN running statistics for these weights (the EMA weights never ran in train mode)."""
    bns = [m for m in generator.modules() if isinstance(m, nn.BatchNorm2d)]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative average over the batches below
    rng = torch.Generator().manual_seed(config.seed + 1)
    generator.train()
    for _ in range(config.bn_batches):
        z = torch.randn(config.batch_size, config.z_dim, generator=rng)
        y = torch.randint(0, config.num_classes, (config.batch_size,), generator=rng)
        generator(z.to(device), y.to(device))
    for bn in bns:
        bn.momentum = 0.1
    generator.eval()


def _previous_run() -> tuple[dict, np.ndarray | None]:
    """Metrics and snapshots of the shipped run, continued by ``resume=True``."""
    try:
        return checkpoints.load_metrics(NAME), load_snapshots()
    except checkpoints.CheckpointError:
        return checkpoints.load_metrics(NAME), None


def train(out_dir: Path, *, epochs: int | None = None, device: str = "cpu", resume: bool = False,
          progress: bool = True, split: data.Split | None = None, config: GANConfig | None = None) -> dict:
    """Train G and D with the hinge loss; write weights, metrics and per-epoch snapshots to ``out_dir``.

    ``split`` defaults to :func:`models.core.data.load_train` (the full 60k split when installed);
    ``config`` to :class:`GANConfig` (``epochs`` overrides its ``epochs``).
    ``resume=True`` starts from the shipped G, EMA G and D (optimiser state starts afresh) and
    appends to the shipped per-epoch metrics and snapshots.
    """
    from safetensors.numpy import save_file
    from tqdm.auto import tqdm

    config = GANConfig(**{**asdict(config or GANConfig()), **({"epochs": epochs} if epochs else {})})
    torch.manual_seed(config.seed)
    split = split if split is not None else data.load_train()
    if len(split) < config.batch_size:
        raise ValueError(f"{len(split)} training images is less than one batch of {config.batch_size}")

    generator, discriminator = Generator(config), Discriminator(config)
    history: dict = {}
    tensors: dict[str, np.ndarray] = {}
    old_snapshots = None
    if resume:
        old_config, tensors = checkpoints.load(NAME)
        config = GANConfig.from_dict({**old_config, "epochs": config.epochs})
        generator, discriminator = Generator(config), Discriminator(config)
        _load_state(generator, tensors, G_PREFIX)
        _load_state(discriminator, tensors, D_PREFIX)
        history, old_snapshots = _previous_run()
    ema = copy.deepcopy(generator)
    if any(k.startswith(EMA_PREFIX) for k in tensors):
        _load_state(ema, tensors, EMA_PREFIX)
    ema.requires_grad_(False)
    for net in (generator, discriminator, ema):  # NHWC weights: ~25% faster convolutions on a CPU
        net.to(memory_format=torch.channels_last)

    dataset = torch.utils.data.TensorDataset(from_images(split.images), torch.from_numpy(split.labels))
    done = len(history.get("g_loss", []))  # epochs already trained (resume)
    loader = torch.utils.data.DataLoader(dataset, batch_size=config.batch_size, shuffle=True, drop_last=True,
                                         generator=torch.Generator().manual_seed(config.seed + done))
    opt_g = torch.optim.Adam(generator.parameters(), lr=config.lr_g, betas=config.betas)
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=config.lr_d, betas=config.betas)
    accelerator = training.make_accelerator(device, config.seed)
    generator, discriminator, opt_g, opt_d, loader = accelerator.prepare(generator, discriminator, opt_g, opt_d,
                                                                         loader)
    dev = accelerator.device
    ema.to(dev)
    snap_z, snap_y = snapshot_inputs(config)
    # G's training noise, drawn on the CPU; a fresh stream per process and per resumed run
    noise = torch.Generator().manual_seed(config.seed + 2 + 1000 * accelerator.process_index + done)
    shifts = torch.Generator().manual_seed(config.seed + 3 + 1000 * accelerator.process_index + done)

    def seen(images: torch.Tensor) -> torch.Tensor:
        """What D is shown: the images, or with ``augment`` their DiffAugment copies."""
        return diff_augment(images, shifts) if config.augment else images

    keys = ("g_loss", "d_loss", "d_real", "d_fake")
    curves = {k: list(history.get(k, [])) for k in keys}
    snapshots = [] if old_snapshots is None else list(old_snapshots)
    step = int(history.get("steps", 0))
    start = time.perf_counter()
    bar = tqdm(range(config.epochs), desc=NAME, disable=not progress)
    for _epoch in bar:
        generator.train()
        sums = dict.fromkeys(keys, 0.0)
        batches = 0
        for real, y in loader:
            n = len(y)
            z = torch.randn(n, config.z_dim, generator=noise).to(dev)
            # 1. discriminator step: hinge loss, real pushed above +1, fake below -1
            with torch.no_grad():
                fake = generator(z, y)
            real, fake = seen(real), seen(fake)
            if config.minibatch_std:  # each batch on its own: the spread of a mixed batch says nothing
                s_real, s_fake = discriminator(real, y), discriminator(fake, y)
            else:
                scores = discriminator(torch.cat([real, fake]), torch.cat([y, y]))
                s_real, s_fake = scores[:n], scores[n:]
            d_loss = torch.relu(1 - s_real).mean() + torch.relu(1 + s_fake).mean()
            opt_d.zero_grad(set_to_none=True)
            accelerator.backward(d_loss)
            opt_d.step()
            # 2. generator step: raise D's score of fresh fakes (same labels as the real batch)
            z = torch.randn(n, config.z_dim, generator=noise).to(dev)
            g_loss = -discriminator(seen(generator(z, y)), y).mean()
            opt_g.zero_grad(set_to_none=True)
            accelerator.backward(g_loss)
            opt_g.step()
            # 3. moving average of G's weights, with a warm-up so early epochs are not all noise
            step += 1
            ema_update(ema, accelerator.unwrap_model(generator), min(config.ema_decay, (1 + step) / (10 + step)))
            for key, value in zip(keys, (g_loss, d_loss, s_real.mean(), s_fake.mean()), strict=True):
                sums[key] += value.detach().item()
            batches += 1
        *totals, batches = training.summed(accelerator, *sums.values(), batches)  # over every process
        for key, total in zip(keys, totals, strict=True):
            curves[key].append(total / max(batches, 1))
        recalibrate_batch_norm(ema, config, dev)
        with torch.no_grad():
            snapshots.append(to_images(ema(snap_z.to(dev), snap_y.to(dev))))
        last = {k: round(v[-1], 4) for k, v in curves.items()}
        bar.set_postfix(last)
        if progress:
            bar.write(f"epoch {len(curves['g_loss'])}: {last}")
    wall = time.perf_counter() - start

    accelerator.wait_for_everyone()
    g_net, d_net = accelerator.unwrap_model(generator), accelerator.unwrap_model(discriminator)
    tensors = {**_state(g_net, G_PREFIX), **_state(ema, EMA_PREFIX), **_state(d_net, D_PREFIX)}
    metrics = {
        **curves,
        "epochs": len(curves["g_loss"]),
        "steps": step,
        "wall_time_s": wall + float(history.get("wall_time_s", 0.0)),
        **training.run_facts(accelerator),
        "train_images": len(split),
        "parameters": count_parameters(g_net),
        "parameters_d": count_parameters(d_net),
        "batch_size": config.batch_size,
        "resumed": bool(resume),
        "ema": True,
    }
    if accelerator.is_main_process:
        checkpoints.save(out_dir, asdict(config), tensors, metrics)
        save_file({"images": np.ascontiguousarray(np.stack(snapshots))}, out_dir / SNAPSHOTS)
    return metrics
