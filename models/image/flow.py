"""A class-conditional normalizing flow (RealNVP / Glow style) with an exact likelihood.

A flow is one invertible function ``f`` from images to a latent vector ``z`` of the same
size (784 numbers). Because ``f`` is invertible and its Jacobian determinant is cheap, the
change-of-variables formula gives the *exact* density of an image:

    log p(x | y) = log N(f(x); μ_y, σ_y²) + log |det ∂f/∂x|

and sampling is just ``x = f⁻¹(μ_y + σ_y·ε)``. Labels enter only through the prior: one
learnable diagonal Gaussian per class over the whole flattened ``z``.

The pieces, in the order an image meets them:

1. **Dequantization + logit** (:meth:`FlowNet.preprocess`): pixel ``x ∈ {0…255}`` becomes
   ``v = (x + u) / 256`` in (0, 1) — ``u ~ U[0, 1)`` while training, ``u = 0.5`` everywhere
   else (encode, bits/dim, the metrics) — then ``s = logit(α + (1 − 2α)·v)``.
2. **Multi-scale flow** (:class:`FlowNet`): squeeze 1×28×28 → 4×14×14, ``couplings`` steps of
   ActNorm → invertible 1×1 conv → affine coupling; factor out half the channels (they go
   straight to ``z``); squeeze 2×14×14 → 8×7×7, ``couplings`` more steps. (With
   ``split=False`` the second scale works on all 16×7×7.)
3. **Prior**: ``z ~ N(μ_y, diag σ_y²)`` with ``μ, log σ`` of shape (10, 784).

Bits per dimension, exactly (see :meth:`FlowNet.log_density` and :func:`bits_per_dim_from_log_density`):
the flow models the density ``p_V`` of ``v ∈ (0,1)^D``, ``D = 784``; the pixel-scale value
``x + u = 256·v`` has density ``p_V(v)·256^(−D)``, and ``-log₂`` of that per dimension is

    bpd = −(log p_V(v) − D·log 256) / (D·ln 2),
    log p_V(v) = log N(z; μ_y, σ_y²) + log|det ∂z/∂s| + Σ_i [log(1−2α) − log p_i − log(1−p_i)],

where ``p_i = α + (1−2α)·v_i`` and the last sum is the log-determinant of the logit step.
Averaged over ``u ~ U[0,1)`` this is an upper bound on the bits needed for the discrete
8-bit image (Jensen); at ``u = 0.5`` it is the density at the centre of the pixel's bin.

Nothing here imports Streamlit; :class:`Flow` is the inference wrapper the app, the CLI and
the benchmarks use, :func:`train` the entry behind ``python -m models train flow``.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
from torch import nn

from models.core import checkpoints, data, latent_prior, training

NAME = "flow"
DIMS = 28 * 28
NUM_CLASSES = data.NUM_CLASSES
LOG_256 = math.log(256.0)


@dataclass
class FlowConfig:
    scales: int = 2            # squeezes: 1×28×28 → 4×14×14 (→ 8×7×7 or 16×7×7); 1 or 2
    couplings: int = 12        # flow steps (ActNorm, 1×1 conv, affine coupling) per scale
    hidden: int = 24           # channels of the coupling networks
    blocks: int = 1            # residual blocks per coupling network
    split: bool = True         # factor out half the channels after the first scale
    scale: str = "tanh"        # coupling scale: "tanh" (exp of clamp·tanh(raw/clamp)) or "sigmoid" (Glow)
    scale_clamp: float = 1.0   # for "tanh": log-scale of a coupling = clamp·tanh(raw/clamp)
    alpha: float = 0.05        # logit transform: logit(α + (1 − 2α)·v)
    lr: float = 2e-3
    warmup_steps: int = 200
    batch_size: int = 64
    grad_clip: float = 50.0
    epochs: int = 7            # the shipped checkpoint: 2, then 3 and 2 more resumed (2026-12-02)
    max_train_images: int | None = None   # None: the whole split data.load_train() returns
    seed: int = 0
    #: after training, each class's prior is refit to its training images' latents: a Gaussian with this
    #: many main directions plus a per-number spread (models.core.latent_prior); 0 keeps the trained prior
    prior_rank: int = 64
    prior_refit: bool = False  # True once refit: the checkpoint then holds ``prior_factor``

    @classmethod
    def from_dict(cls, values: dict) -> FlowConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


# --------------------------------------------------------------------------- pieces
def squeeze(x: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) → (N, 4C, H/2, W/2): every 2×2 block of pixels becomes 4 channels."""
    n, c, h, w = x.shape
    x = x.view(n, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4)
    return x.reshape(n, 4 * c, h // 2, w // 2)


def unsqueeze(x: torch.Tensor) -> torch.Tensor:
    """Inverse of :func:`squeeze`."""
    n, c, h, w = x.shape
    x = x.view(n, c // 4, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3)
    return x.reshape(n, c // 4, 2 * h, 2 * w)


class ActNorm(nn.Module):
    """Per-channel affine ``y = (x + b)·exp(log_s)``; initialised from the first batch it sees.

    The ``initialized`` buffer is saved with the weights, so a loaded model never re-initialises.
    """

    def __init__(self, channels: int):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.log_scale = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.register_buffer("initialized", torch.zeros(1))

    @torch.no_grad()
    def _initialize(self, x: torch.Tensor) -> None:
        mean = x.mean(dim=(0, 2, 3), keepdim=True)
        std = x.std(dim=(0, 2, 3), keepdim=True)
        self.bias.copy_(-mean)
        self.log_scale.copy_(-torch.log(std + 1e-6))
        self.initialized.fill_(1.0)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.training and not bool(self.initialized):
            self._initialize(x)
        logdet = self.log_scale.sum() * x.shape[2] * x.shape[3]
        return (x + self.bias) * torch.exp(self.log_scale), logdet.expand(x.shape[0])

    def inverse(self, y: torch.Tensor) -> torch.Tensor:
        return y * torch.exp(-self.log_scale) - self.bias


class InvConv1x1(nn.Module):
    """Invertible 1×1 convolution (Glow): a learned C×C channel mixing, log|det W| per pixel."""

    def __init__(self, channels: int):
        super().__init__()
        weight = torch.linalg.qr(torch.randn(channels, channels))[0]
        self.weight = nn.Parameter(weight)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logdet = torch.linalg.slogdet(self.weight)[1] * x.shape[2] * x.shape[3]
        out = nn.functional.conv2d(x, self.weight[:, :, None, None])
        return out, logdet.expand(x.shape[0])

    def inverse(self, y: torch.Tensor) -> torch.Tensor:
        inv = torch.linalg.inv(self.weight.double()).to(y.dtype)
        return nn.functional.conv2d(y, inv[:, :, None, None])


class ResBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv2(torch.relu(self.conv1(torch.relu(x))))


class CouplingNet(nn.Module):
    """conv3×3 → residual blocks → conv3×3 whose weights start at zero (coupling = identity)."""

    def __init__(self, in_channels: int, out_channels: int, hidden: int, blocks: int):
        super().__init__()
        self.inp = nn.Conv2d(in_channels, hidden, 3, padding=1)
        self.blocks = nn.Sequential(*[ResBlock(hidden) for _ in range(blocks)])
        self.out = nn.Conv2d(hidden, out_channels, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(torch.relu(self.blocks(self.inp(x))))


class AffineCoupling(nn.Module):
    """Channel-mask affine coupling: the first half of the channels passes through unchanged and
    decides a scale and shift for the second half, ``x_b·exp(log_s) + t``.

    ``log_s = clamp·tanh(raw / clamp)`` keeps every scale within exp(±clamp); the log-determinant
    is ``Σ log_s``. With 24 couplings a clamp of 2 let rare training images blow up to ~1e5
    in z (a 1e7-bits/dim batch); a clamp of 1 trained without such spikes and reached a lower
    test bpd than Glow's contraction-only ``sigmoid(raw + 2)`` scale, which is kept as an option.
    """

    def __init__(self, channels: int, hidden: int, blocks: int, clamp: float = 1.0, sigmoid: bool = False):
        super().__init__()
        self.half = channels // 2
        self.clamp = clamp
        self.sigmoid = sigmoid
        self.net = CouplingNet(self.half, 2 * (channels - self.half), hidden, blocks)

    def _scale_shift(self, xa: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raw = self.net(xa)
        if self.sigmoid:  # Glow: scale = sigmoid(raw + 2) ∈ (0, 1), the coupling only contracts
            log_s = nn.functional.logsigmoid(raw[:, 0::2] + 2.0)
        else:
            log_s = self.clamp * torch.tanh(raw[:, 0::2] / self.clamp)
        return log_s, raw[:, 1::2]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        xa, xb = x[:, : self.half], x[:, self.half :]
        log_s, t = self._scale_shift(xa)
        return torch.cat([xa, xb * torch.exp(log_s) + t], 1), log_s.flatten(1).sum(1)

    def inverse(self, y: torch.Tensor) -> torch.Tensor:
        ya, yb = y[:, : self.half], y[:, self.half :]
        log_s, t = self._scale_shift(ya)
        return torch.cat([ya, (yb - t) * torch.exp(-log_s)], 1)


class FlowStep(nn.Module):
    """ActNorm → invertible 1×1 conv → affine coupling (one Glow step)."""

    def __init__(self, channels: int, config: FlowConfig):
        super().__init__()
        self.norm = ActNorm(channels)
        self.mix = InvConv1x1(channels)
        self.coupling = AffineCoupling(channels, config.hidden, config.blocks, config.scale_clamp,
                                       config.scale == "sigmoid")

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logdet = 0.0
        for layer in (self.norm, self.mix, self.coupling):
            x, ld = layer(x)
            logdet = logdet + ld
        return x, logdet

    def inverse(self, y: torch.Tensor) -> torch.Tensor:
        for layer in (self.coupling, self.mix, self.norm):
            y = layer.inverse(y)
        return y


def bits_per_dim_from_log_density(log_density: torch.Tensor) -> torch.Tensor:
    """``log p_V(v)`` (density of v = (x+u)/256 on (0,1)^784, nats) → bits per pixel of x ∈ {0…255}.

    ``x + u = 256·v`` has density ``p_V(v)·256^(−784)``, so
    ``bpd = −(log p_V(v) − 784·log 256) / (784·ln 2) = 8 − log p_V(v) / (784·ln 2)``.
    """
    return -(log_density - DIMS * LOG_256) / (DIMS * math.log(2.0))


# --------------------------------------------------------------------------- the flow
class FlowNet(nn.Module):
    """The invertible network plus the per-class Gaussian prior.

    Inputs are dequantized images ``v ∈ (0,1)`` shaped (N, 1, 28, 28); latents are (N, 784).
    """

    def __init__(self, config: FlowConfig):
        super().__init__()
        if config.scales not in (1, 2):
            raise ValueError(f"scales must be 1 or 2 for 28×28 images, not {config.scales}")
        self.config = config
        self.levels = nn.ModuleList()
        self.factored: list[tuple[int, int] | None] = []  # (channels, side) sent to z after each level
        channels, side = 1, 28
        for level in range(config.scales):
            channels, side = 4 * channels, side // 2
            self.levels.append(nn.ModuleList(FlowStep(channels, config) for _ in range(config.couplings)))
            if config.split and level < config.scales - 1:
                self.factored.append((channels // 2, side))
                channels -= channels // 2
            else:
                self.factored.append(None)
        self.final = (channels, side)
        self.prior_mean = nn.Parameter(torch.zeros(NUM_CLASSES, DIMS))
        self.prior_log_std = nn.Parameter(torch.zeros(NUM_CLASSES, DIMS))
        if config.prior_refit:
            self.register_buffer("prior_factor", torch.zeros(NUM_CLASSES, config.prior_rank, DIMS))

    # 1. dequantized pixels v ∈ (0,1) ↔ logits s
    def preprocess(self, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        alpha = self.config.alpha
        p = alpha + (1 - 2 * alpha) * v
        s = torch.log(p) - torch.log1p(-p)
        logdet = (math.log(1 - 2 * alpha) - torch.log(p) - torch.log1p(-p)).flatten(1).sum(1)
        return s, logdet

    def postprocess(self, s: torch.Tensor) -> torch.Tensor:
        alpha = self.config.alpha
        return (torch.sigmoid(s) - alpha) / (1 - 2 * alpha)

    # 2. logits s ↔ latent z (the multi-scale flow)
    def flow_forward(self, s: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, zs = s, []
        logdet = torch.zeros(s.shape[0], dtype=s.dtype, device=s.device)
        for steps, factored in zip(self.levels, self.factored, strict=True):
            h = squeeze(h)
            for step in steps:
                h, ld = step(h)
                logdet = logdet + ld
            if factored is not None:
                zs.append(h[:, : factored[0]].flatten(1))
                h = h[:, factored[0] :]
        zs.append(h.flatten(1))
        return torch.cat(zs, 1), logdet

    def flow_inverse(self, z: torch.Tensor) -> torch.Tensor:
        n = z.shape[0]
        sizes = [c * side * side for c, side in (f for f in self.factored if f is not None)]
        pieces = list(torch.split(z, [*sizes, DIMS - sum(sizes)], dim=1))
        channels, side = self.final
        h = pieces.pop().reshape(n, channels, side, side)
        for steps, factored in zip(reversed(self.levels), reversed(self.factored), strict=True):
            if factored is not None:
                h = torch.cat([pieces.pop().reshape(n, factored[0], factored[1], factored[1]), h], 1)
            for step in reversed(steps):
                h = step.inverse(h)
            h = unsqueeze(h)
        return h

    # 3. both together, and the prior
    def encode(self, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """v (N,1,28,28) → z (N,784) and log|det ∂z/∂v| (N,), the logit step included."""
        s, logdet_logit = self.preprocess(v)
        z, logdet_flow = self.flow_forward(s)
        return z, logdet_logit + logdet_flow

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """z (N,784) → v (N,1,28,28), continuous, not clipped."""
        return self.postprocess(self.flow_inverse(z))

    def prior_log_prob(self, z: torch.Tensor) -> torch.Tensor:
        """log N(z; μ_y, σ_y²) for every class: (N, 10); after a refit log N(z; μ_y, W_yᵀW_y + diag σ_y²)."""
        if self.config.prior_refit:
            return latent_prior.log_prob(z, self.prior_mean, self.prior_factor, self.prior_log_std)
        d = (z[:, None, :] - self.prior_mean) * torch.exp(-self.prior_log_std)
        return -0.5 * (d**2).sum(2) - self.prior_log_std.sum(1) - 0.5 * DIMS * math.log(2 * math.pi)

    def log_density(self, v: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """log p_V(v | y) (N,), nats; ``labels=None`` uses the mixture p(z) = mean_y p(z | y).

        ``v`` is the image after dequantization, in (0,1); the density is over (0,1)^784.
        """
        z, logdet = self.encode(v)
        if labels is None:
            prior = torch.logsumexp(self.prior_log_prob(z), 1) - math.log(NUM_CLASSES)
        elif self.config.prior_refit:
            prior = self.prior_log_prob(z).gather(1, labels[:, None])[:, 0]
        else:
            d = (z - self.prior_mean[labels]) * torch.exp(-self.prior_log_std[labels])
            prior = (-0.5 * (d**2).sum(1) - self.prior_log_std[labels].sum(1)
                     - 0.5 * DIMS * math.log(2 * math.pi))
        return prior + logdet

    def forward(self, v: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Bits per dimension (N,) — the training loss is its mean."""
        return bits_per_dim_from_log_density(self.log_density(v, labels))


# --------------------------------------------------------------------------- inference wrapper
def dequantize_centre(images: np.ndarray) -> torch.Tensor:
    """uint8 (N,28,28) → v = (x + 0.5)/256 as float32 (N,1,28,28): the fixed-u dequantization."""
    return data.dequantize(images)


def quantize(v: torch.Tensor) -> np.ndarray:
    """v in [0,1) → uint8 pixels floor(256·v) (the inverse of (x + u)/256), (N,28,28)."""
    x = torch.floor(v.clamp(0.0, 1.0) * 256.0).clamp(0, 255)
    return x.to(torch.uint8).cpu().numpy().reshape(-1, *data.IMAGE_SHAPE)


class Flow:
    """A trained (or freshly built) flow: uint8 images in, latents / likelihoods / images out.

    Every method runs under ``torch.inference_mode()`` in batches of ``batch`` images; the
    same ``seed`` always gives the same samples (noise is drawn on the CPU, then moved).
    """

    batch = 500

    def __init__(self, config: FlowConfig, net: FlowNet | None = None, device: str = "cpu"):
        self.config = config
        self.device = torch.device(device)
        self.net = (net or FlowNet(config)).to(self.device).eval()

    @classmethod
    def load(cls, device: str = "cpu") -> Flow:
        saved, tensors = checkpoints.load(NAME)
        config = FlowConfig.from_dict(saved)
        net = FlowNet(config)
        net.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in tensors.items()})
        return cls(config, net, device)

    def _chunks(self, images: np.ndarray):
        images = np.asarray(images).reshape(-1, *data.IMAGE_SHAPE)
        for start in range(0, len(images), self.batch):
            yield start, dequantize_centre(images[start : start + self.batch]).to(self.device)

    @torch.inference_mode()
    def encode(self, images: np.ndarray) -> torch.Tensor:
        """z = f(x) with u = 0.5, float32 (N, 784) on the CPU."""
        return torch.cat([self.net.encode(v)[0].cpu() for _, v in self._chunks(images)])

    @torch.inference_mode()
    def decode(self, z: torch.Tensor) -> np.ndarray:
        """x = f⁻¹(z) quantised to uint8 (N,28,28), 0 = background."""
        z = torch.as_tensor(z, dtype=torch.float32).reshape(-1, DIMS)
        out = [quantize(self.net.decode(z[i : i + self.batch].to(self.device))) for i in range(0, len(z), self.batch)]
        return np.concatenate(out) if out else np.zeros((0, *data.IMAGE_SHAPE), np.uint8)

    @torch.inference_mode()
    def round_trip_error(self, images: np.ndarray) -> float:
        """max |v − f⁻¹(f(v))| in the continuous [0,1] pixel space, before quantisation."""
        worst = 0.0
        for _, v in self._chunks(images):
            worst = max(worst, float((self.net.decode(self.net.encode(v)[0]) - v).abs().max()))
        return worst

    @torch.inference_mode()
    def log_prob_per_class(self, images: np.ndarray) -> np.ndarray:
        """log p(x | y) for all ten classes, (N, 10) float64, nats (u = 0.5).

        It is the log density of the pixel values x + 0.5 ∈ (0, 256)^784, i.e.
        ``log p_V(v | y) − 784·log 256``: the log-probability of the 8-bit image's unit bin
        under the bin-centre approximation; ``bpd = −log p(x | y) / (784·ln 2)``.
        """
        out = []
        for _, v in self._chunks(images):
            z, logdet = self.net.encode(v)
            out.append((self.net.prior_log_prob(z) + logdet[:, None]).double().cpu().numpy())
        return np.concatenate(out) - DIMS * LOG_256 if out else np.zeros((0, NUM_CLASSES))

    def bits_per_dim(self, images: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """Exact bits/dim per image (N,), u = 0.5; ``labels=None`` uses the class mixture prior."""
        log_probs = self.log_prob_per_class(images)
        if labels is None:
            m = log_probs.max(1, keepdims=True)
            log_p = (m + np.log(np.exp(log_probs - m).mean(1, keepdims=True)))[:, 0]
        else:
            labels = np.asarray(labels, dtype=np.int64).reshape(-1)
            if len(labels) != len(log_probs):
                raise ValueError(f"{len(labels)} labels for {len(log_probs)} images")
            log_p = log_probs[np.arange(len(labels)), labels]
        return -log_p / (DIMS * math.log(2.0))

    @torch.inference_mode()
    def sample(self, labels: np.ndarray, seed: int, temperature: float = 1.0) -> np.ndarray:
        """uint8 (N,28,28) images of the asked classes: x = f⁻¹(μ_y + temperature·σ_y·ε), or after a refit
        x = f⁻¹(μ_y + temperature·(ε_R W_y + σ_y·ε))."""
        labels = np.asarray(labels, dtype=np.int64).reshape(-1)
        if labels.size and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
            raise ValueError(f"labels must be in 0-{NUM_CLASSES - 1}")
        if temperature < 0:
            raise ValueError(f"temperature must be >= 0, not {temperature}")
        # 1. noise, drawn on the CPU so a seed means the same images on every device
        gen = torch.Generator().manual_seed(int(seed))
        eps = torch.randn(len(labels), DIMS, generator=gen)
        # 2. latent of the asked class: z = μ_y + T·σ_y·ε (+ T·ε_R W_y along the refit prior's main directions)
        y = torch.from_numpy(labels).to(self.device)
        net = self.net
        if self.config.prior_refit:
            eps_r = torch.randn(len(labels), self.config.prior_rank, generator=gen).to(self.device)
            z = latent_prior.draw(net.prior_mean[y], net.prior_factor[y], net.prior_log_std[y],
                                  eps.to(self.device), eps_r, temperature)
        else:
            z = net.prior_mean[y] + temperature * torch.exp(net.prior_log_std[y]) * eps.to(self.device)
        # 3. back through the flow: z → logits → pixels
        return self.decode(z)


# --------------------------------------------------------------------------- training
@torch.no_grad()
def refit_prior(net: FlowNet, images: np.ndarray, labels: np.ndarray, batch: int = 500, seed: int = 0) -> None:
    """Refit each class's prior to the latents z = f(v) of its training images, in place: mean,
    ``config.prior_rank`` main directions and a per-number spread (:mod:`models.core.latent_prior`).

    The images are dequantized as in training, v = (x + u)/256 with u ~ U(0,1) (seeded): fitted on
    bin centres alone, the prior would squeeze onto the exact values of the background pixels and give
    test images at u = 0.5 a density no smooth model has.

    The flow itself is unchanged; its exact density, bits/dim and samples then use the refit prior.
    """
    device = net.prior_mean.device
    was_training = net.training
    net.eval()
    gen, z = torch.Generator().manual_seed(seed), []
    for i in range(0, len(images), batch):
        z.append(net.encode(data.dequantize(images[i : i + batch], gen).to(device))[0].cpu())
    z = torch.cat(z)
    net.train(was_training)
    fitted = latent_prior.fit(z, torch.from_numpy(np.asarray(labels, dtype=np.int64)), NUM_CLASSES,
                              net.config.prior_rank)
    net.config.prior_rank, net.config.prior_refit = fitted["prior_factor"].shape[1], True
    net.prior_mean.copy_(fitted["prior_mean"])
    net.prior_log_std.copy_(fitted["prior_log_std"])
    if hasattr(net, "prior_factor"):
        del net.prior_factor
    net.register_buffer("prior_factor", fitted["prior_factor"].to(device))


@torch.inference_mode()
def _evaluate(net: FlowNet, split: data.Split, device: torch.device, batch: int = 500) -> dict:
    """Mean test bpd with u = 0.5: conditional on the true labels and with the mixture prior."""
    cond, uncond = [], []
    for start in range(0, len(split), batch):
        v = dequantize_centre(split.images[start : start + batch]).to(device)
        labels = torch.from_numpy(split.labels[start : start + batch]).to(device)
        z, logdet = net.encode(v)
        per_class = net.prior_log_prob(z) + logdet[:, None]
        cond.append(bits_per_dim_from_log_density(per_class.gather(1, labels[:, None])[:, 0]).cpu())
        mixture = torch.logsumexp(per_class, 1) - math.log(NUM_CLASSES)
        uncond.append(bits_per_dim_from_log_density(mixture).cpu())
    return {"conditional": float(torch.cat(cond).double().mean()),
            "unconditional": float(torch.cat(uncond).double().mean())}


def train(out_dir: Path, *, epochs: int | None = None, device: str = "cpu", resume: bool = False,
          progress: bool = True) -> dict:
    """Maximum likelihood on ``data.load_train()`` with Adam; write the checkpoint to ``out_dir``.

    The loss is the mean bits/dim of uniformly dequantized training images given their labels.
    ``resume=True`` continues from the shipped weights (and their architecture).
    """
    from tqdm.auto import tqdm

    config, state, before = FlowConfig(), None, {}
    if resume:
        saved, state = checkpoints.load(NAME)
        config, before = FlowConfig.from_dict(saved), checkpoints.load_metrics(NAME)
    if epochs:
        config.epochs = epochs
    torch.manual_seed(config.seed)

    train_split, test = data.load_train(), data.load_shipped("test")
    images, labels = train_split.images, train_split.labels
    if config.max_train_images and len(labels) > config.max_train_images:
        keep = np.sort(np.random.default_rng(config.seed).choice(len(labels), config.max_train_images, replace=False))
        images, labels = images[keep], labels[keep]

    net = FlowNet(config)
    if state is not None:
        net.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()})
    else:  # data-dependent ActNorm init on a fixed batch, before any process splits the data
        init = np.random.default_rng(config.seed).choice(len(labels), min(512, len(labels)), replace=False)
        net.train()
        with torch.no_grad():
            net(dequantize_centre(images[init]) + (torch.rand(len(init), 1, 28, 28) - 0.5) / 256.0,
                torch.from_numpy(labels[init]))

    dataset = torch.utils.data.TensorDataset(torch.from_numpy(images[:, None]), torch.from_numpy(labels))
    loader = torch.utils.data.DataLoader(dataset, batch_size=config.batch_size, shuffle=True,
                                         drop_last=len(labels) > config.batch_size,
                                         generator=torch.Generator().manual_seed(config.seed))
    optimizer = torch.optim.Adam(net.parameters(), lr=config.lr)
    total_steps = config.epochs * len(loader)
    scheduler = training.warmup_cosine_schedule(optimizer, config.warmup_steps, total_steps, final=0.05)
    accelerator = training.make_accelerator(device, config.seed)
    net, optimizer, loader, scheduler = accelerator.prepare(net, optimizer, loader, scheduler)

    train_bpd, skipped, start = [], 0, time.perf_counter()
    for epoch in range(config.epochs):
        net.train()
        total, count = 0.0, 0
        bar = tqdm(loader, desc=f"{NAME} {epoch + 1}/{config.epochs}", disable=not progress)
        for x, y in bar:
            v = (x.float() + torch.rand(x.shape, device=x.device)) / 256.0  # uniform dequantization
            loss = net(v, y).mean()
            optimizer.zero_grad()
            if not torch.isfinite(loss):
                raise RuntimeError(f"{NAME}: loss became {loss.item()} at epoch {epoch + 1}; lower the lr")
            accelerator.backward(loss)
            norm = accelerator.clip_grad_norm_(net.parameters(), config.grad_clip)
            if torch.isfinite(norm):  # a rare overflowing gradient is skipped instead of poisoning Adam
                optimizer.step()
            else:
                skipped += 1
            scheduler.step()
            total, count = total + loss.item() * len(y), count + len(y)
            bar.set_postfix(bpd=f"{total / count:.3f}")
        total, count = training.summed(accelerator, total, count)  # over every process
        train_bpd.append(total / count)
        if progress:
            print(f"{NAME} epoch {epoch + 1}/{config.epochs}: train bpd {train_bpd[-1]:.4f}", flush=True)
    wall = time.perf_counter() - start
    if not accelerator.is_main_process:  # one writer: the main process evaluates and saves
        return training.run_facts(accelerator)

    model = accelerator.unwrap_model(net).eval()
    scores = trained_prior = _evaluate(model, test, accelerator.device)
    if config.prior_rank:
        refit_prior(model, images, labels)
        scores = _evaluate(model, test, accelerator.device)
    tensors = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    metrics = {
        "train_bpd": train_bpd,
        "test_bpd": scores["conditional"],
        "test_bpd_unconditional": scores["unconditional"],
        "test_dequantization": "u = 0.5 (bin centre)",
        "test_bpd_trained_prior": trained_prior["conditional"],
        "prior": f"refit to the training latents, rank {config.prior_rank}" if config.prior_refit else "trained",
        "round_trip_error": Flow(config, model, str(accelerator.device)).round_trip_error(test.images[:500]),
        "epochs": config.epochs,
        "skipped_steps": skipped,
        "wall_time_s": wall,
        **training.run_facts(accelerator),
        "train_images": len(labels),
        "parameters": int(sum(p.numel() for p in model.parameters())),
    }
    metrics = training.continued(before, metrics, ("train_bpd",))
    checkpoints.save(out_dir, asdict(config), tensors, metrics)
    return metrics
