"""Four generative models small enough to train live on 2-D points: GAN, VAE, normalizing flow, diffusion.

All four are small MLPs with the same interface, so the lab page can swap them:

* ``Model(config, seed)`` — the seed fixes the initial weights and every random draw of training;
* :meth:`ToyModel.step` ``(batch) -> {loss name: value}`` — one optimiser step (the GAN: one
  discriminator and one generator step); :meth:`ToyModel.train_steps` draws the minibatches;
* :meth:`ToyModel.sample` ``(n, seed) -> (n, 2)`` — new points, same seed ⇒ same points;

plus the views that make each family's idea visible: the GAN's discriminator landscape and the
pushes it gives the generated points, the VAE's latent codes, the flow's exact density and the
grid it warps, the diffusion model's noising, reverse paths and denoising vector field.

Default sizes keep one ``step`` around a few milliseconds on two CPU cores (see
``python -m benchmarks lab2d``). Points are expected at a scale of about ±3 (the toy data sets of
:mod:`models.lab2d.toy2d`; standardise anything else first). No Streamlit import.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from models.core.seeding import seeded

LOG_2PI = math.log(2 * math.pi)


def mlp(inputs: int, hidden: int, layers: int, outputs: int, generator: torch.Generator,
        activation: type[nn.Module] = nn.SiLU) -> nn.Sequential:
    """``layers`` hidden layers of width ``hidden`` with a smooth activation, then a linear output;
    PyTorch's default initial weights, drawn from ``generator``."""
    sizes = [inputs] + [hidden] * layers

    def make() -> nn.Sequential:
        parts: list[nn.Module] = []
        for a, b in zip(sizes[:-1], sizes[1:], strict=True):
            parts += [nn.Linear(a, b), activation()]
        return nn.Sequential(*parts, nn.Linear(sizes[-1], outputs))

    return seeded(make, generator)


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x), dtype=torch.float32)


def grid_points(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """All (x, y) pairs of a grid, row by row: (len(ys) · len(xs), 2); reshape results to (len(ys), len(xs))."""
    gx, gy = np.meshgrid(np.asarray(xs, dtype=np.float32), np.asarray(ys, dtype=np.float32))
    return np.stack([gx.ravel(), gy.ravel()], 1)


@dataclass
class ToyConfig:
    """What every family shares: MLP width and depth, Adam's learning rate, minibatch size."""

    hidden: int = 64
    layers: int = 2
    lr: float = 1e-3
    batch_size: int = 256


class ToyModel:
    """The shared interface. Subclasses build their networks in :meth:`build` and define :meth:`step`.

    The seed feeds two private generators — one for the initial weights, one for minibatches and
    training noise — never torch's global RNG, so a build or a step in one server thread cannot
    change another user's run."""

    family = ""

    def __init__(self, config: ToyConfig | None = None, seed: int = 0):
        self.config = config if config is not None else type(self).config_class()
        self.seed = int(seed)
        self.generator = torch.Generator().manual_seed(self.seed)  # minibatches and training noise
        self.build(torch.Generator().manual_seed(self.seed))     # initial weights
        self.steps = 0

    config_class: type[ToyConfig] = ToyConfig

    def build(self, init: torch.Generator) -> None:
        """Create the networks (initial weights drawn from ``init``) and their optimisers."""
        raise NotImplementedError

    def step(self, batch) -> dict[str, float]:
        raise NotImplementedError

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        raise NotImplementedError

    def train_steps(self, data, steps: int) -> list[dict[str, float]]:
        """``steps`` optimiser steps on random minibatches of ``data`` (N, 2); the losses of each step."""
        data = _tensor(data)
        history = []
        for _ in range(steps):
            index = torch.randint(len(data), (self.config.batch_size,), generator=self.generator)
            history.append(self.step(data[index]))
        return history

    def _randn(self, *shape: int) -> torch.Tensor:
        return torch.randn(shape, generator=self.generator)

    @staticmethod
    def _update(optimizer: torch.optim.Optimizer, loss: torch.Tensor) -> None:
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()


# --- GAN ------------------------------------------------------------------------------------------


def gan_d_loss(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """D's binary cross-entropy on logits: −log D(x) on data, −log(1 − D(G(z))) on generated points."""
    return F.softplus(-d_real).mean() + F.softplus(d_fake).mean()


def gan_g_loss(d_fake: torch.Tensor) -> torch.Tensor:
    """G's non-saturating loss −log D(G(z)) on D's logits for generated points: low when D calls them real."""
    return F.softplus(-d_fake).mean()


@dataclass
class ToyGANConfig(ToyConfig):
    noise_dim: int = 2       # z ~ N(0, I) in 2-D, as in GAN Lab: the generator warps a plane
    beta1: float = 0.5       # Adam's momentum; 0.5 is the usual choice for GANs


class ToyGAN(ToyModel):
    """A generator G: z ↦ x and a discriminator D: x ↦ logit P(real), trained against each other."""

    family = "gan"
    config_class = ToyGANConfig

    def build(self, init: torch.Generator) -> None:
        c = self.config
        self.generator_net = mlp(c.noise_dim, c.hidden, c.layers, 2, init)
        self.discriminator = mlp(2, c.hidden, c.layers, 1, init, activation=nn.LeakyReLU)
        betas = (c.beta1, 0.999)
        self.opt_g = torch.optim.Adam(self.generator_net.parameters(), lr=c.lr, betas=betas, fused=True)
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=c.lr, betas=betas, fused=True)

    def step(self, batch) -> dict[str, float]:
        real = _tensor(batch)
        fake = self.generator_net(self._randn(len(real), self.config.noise_dim))
        # 1. discriminator step: real points should score "real" (1), generated ones "fake" (0)
        d_real, d_fake = self.discriminator(torch.cat([real, fake.detach()])).chunk(2)
        d_loss = gan_d_loss(d_real, d_fake)  # binary cross-entropy on logits
        self._update(self.opt_d, d_loss)
        # 2. generator step: move generated points to where D says "real" (non-saturating loss −log D(G(z)))
        g_loss = gan_g_loss(self.discriminator(fake))
        self._update(self.opt_g, g_loss)
        self.steps += 1
        return {"d_loss": d_loss.item(), "g_loss": g_loss.item(),
                "d_real": torch.sigmoid(d_real).mean().item(), "d_fake": torch.sigmoid(d_fake).mean().item()}

    def latent(self, n: int, seed: int = 0) -> np.ndarray:
        """n noise vectors z ~ N(0, I): the generator's input."""
        return torch.randn((n, self.config.noise_dim), generator=torch.Generator().manual_seed(int(seed))).numpy()

    @torch.no_grad()
    def generate(self, z: np.ndarray) -> np.ndarray:
        """G(z) for given noise vectors (n, noise_dim) → (n, 2)."""
        return self.generator_net(_tensor(z)).numpy()

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        return self.generate(self.latent(n, seed))

    @torch.no_grad()
    def discriminator_grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """D(x) = P(real) on a grid: (len(ys), len(xs)), for a heatmap behind the points."""
        p = torch.sigmoid(self.discriminator(_tensor(grid_points(xs, ys))))
        return p.reshape(len(ys), len(xs)).numpy()

    def generator_gradients(self, z: np.ndarray) -> dict[str, np.ndarray]:
        """Where each generated point G(z) is pushed to fool the discriminator.

        ``points`` (n, 2) are G(z); ``directions`` (n, 2) are −∂/∂x of the generator's loss
        −log D(x): the way D's landscape slopes up towards "real". The generator's weights
        follow these arrows, summed over all points.
        """
        points = self.generate(z)
        x = _tensor(points).requires_grad_(True)
        loss = F.softplus(-self.discriminator(x)).sum()
        (grad,) = torch.autograd.grad(loss, x)
        return {"points": points, "directions": (-grad).numpy()}


# --- VAE ------------------------------------------------------------------------------------------


@dataclass
class ToyVAEConfig(ToyConfig):
    layers: int = 3
    latent: int = 2
    beta: float = 1.0        # weight of the KL term (1 = the true evidence lower bound)
    obs_std: float = 0.2     # σ of the decoder's Gaussian p(x|z) = N(m(z), σ²I), fixed


class ToyVAE(ToyModel):
    """Encoder q(z|x) = N(μ(x), diag σ²(x)), decoder p(x|z) = N(m(z), obs_std² I), prior p(z) = N(0, I).

    The decoder's noise level is fixed on purpose: with a learnable one, a VAE on 2-D points
    happily explains everything as one wide Gaussian and ignores z (KL → 0, "posterior
    collapse"). A small fixed σ makes reconstructing each point worth the KL it costs.
    """

    family = "vae"
    config_class = ToyVAEConfig

    def build(self, init: torch.Generator) -> None:
        c = self.config
        self.encoder = mlp(2, c.hidden, c.layers, 2 * c.latent, init)  # mean and log-variance of z
        self.decoder = mlp(c.latent, c.hidden, c.layers, 2, init)      # mean of x
        self.opt = torch.optim.Adam([*self.encoder.parameters(), *self.decoder.parameters()], lr=c.lr, fused=True)

    def step(self, batch) -> dict[str, float]:
        x = _tensor(batch)
        # 1. encode: each point gets a small Gaussian cloud in latent space
        mu, log_var = self.encoder(x).chunk(2, 1)
        # 2. reparameterise: z = μ + σ·ε, so the gradient flows through μ and σ
        z = mu + torch.exp(0.5 * log_var) * self._randn(*mu.shape)
        # 3. decode and score: reconstruction term −log p(x|z) and KL(q(z|x) ‖ N(0, I))
        var = self.config.obs_std**2
        recon = 0.5 * ((x - self.decoder(z)).square().sum(1).mean() / var + 2 * (math.log(var) + LOG_2PI))
        kl = 0.5 * (mu.square() + log_var.exp() - 1 - log_var).sum(1).mean()
        loss = recon + self.config.beta * kl  # the negative ELBO, an upper bound on −log p(x)
        self._update(self.opt, loss)
        self.steps += 1
        return {"loss": loss.item(), "recon": recon.item(), "kl": kl.item()}

    @torch.no_grad()
    def encode(self, x: np.ndarray) -> np.ndarray:
        """Latent means μ(x): (n, latent) — where each data point lands in latent space."""
        return self.encoder(_tensor(x)).chunk(2, 1)[0].numpy()

    @torch.no_grad()
    def decode(self, z: np.ndarray) -> np.ndarray:
        """Decoded means m(z): (n, 2) — the centre of the small Gaussian each latent code stands for."""
        return self.decoder(_tensor(z)).numpy()

    @torch.no_grad()
    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """z ~ N(0, I), then x ~ N(m(z), obs_std² I): the decoder's noise is part of the model."""
        generator = torch.Generator().manual_seed(int(seed))
        z = torch.randn((n, self.config.latent), generator=generator)
        return (self.decoder(z) + self.config.obs_std * torch.randn((n, 2), generator=generator)).numpy()


# --- normalizing flow -----------------------------------------------------------------------------


@dataclass
class ToyFlowConfig(ToyConfig):
    couplings: int = 4           # affine coupling layers; the masks alternate x-then-y
    scale_clamp: float = 2.0     # log-scale of a coupling = clamp · tanh(raw / clamp): no exploding exp
    lr: float = 3e-3
    grad_clip: float = 10.0


class AffineCoupling(nn.Module):
    """RealNVP coupling: one coordinate passes unchanged and sets scale and shift of the other.

    z_keep = x_keep;  z_other = x_other · exp(s(x_keep)) + t(x_keep);  log|det ∂z/∂x| = s(x_keep).
    Inverting needs no inverse of the network: x_other = (z_other − t) · exp(−s).
    """

    def __init__(self, keep: int, hidden: int, layers: int, clamp: float, generator: torch.Generator):
        super().__init__()
        self.keep, self.other, self.clamp = keep, 1 - keep, clamp
        self.net = mlp(1, hidden, layers, 2, generator)
        nn.init.zeros_(self.net[-1].weight)  # start as the identity map
        nn.init.zeros_(self.net[-1].bias)

    def _scale_shift(self, kept: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raw, shift = self.net(kept).chunk(2, 1)
        return self.clamp * torch.tanh(raw / self.clamp), shift

    def _join(self, kept: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
        return torch.cat([kept, other], 1) if self.keep == 0 else torch.cat([other, kept], 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        kept, other = x[:, self.keep:self.keep + 1], x[:, self.other:self.other + 1]
        s, t = self._scale_shift(kept)
        return self._join(kept, other * s.exp() + t), s[:, 0]

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        kept, other = z[:, self.keep:self.keep + 1], z[:, self.other:self.other + 1]
        s, t = self._scale_shift(kept)
        return self._join(kept, (other - t) * (-s).exp()), -s[:, 0]


class ToyFlow(ToyModel):
    """An invertible map f: x ↦ z onto a standard Gaussian; exact log p(x) = log N(f(x); 0, I) + log|det ∂f/∂x|."""

    family = "flow"
    config_class = ToyFlowConfig

    def build(self, init: torch.Generator) -> None:
        c = self.config
        self.layers = nn.ModuleList(AffineCoupling(i % 2, c.hidden, c.layers, c.scale_clamp, init)
                                    for i in range(c.couplings))
        self.opt = torch.optim.Adam(self.layers.parameters(), lr=c.lr, fused=True)

    def _forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        log_det = torch.zeros(len(x))
        for layer in self.layers:
            x, part = layer(x)
            log_det = log_det + part
        return x, log_det

    def _log_prob(self, x: torch.Tensor) -> torch.Tensor:
        # change of variables: density of z under N(0, I), times how much f stretches space at x
        z, log_det = self._forward(x)
        return -0.5 * (z.square().sum(1) + 2 * LOG_2PI) + log_det

    def step(self, batch) -> dict[str, float]:
        # maximum likelihood: lower the negative log-likelihood of the data, exactly
        loss = -self._log_prob(_tensor(batch)).mean()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.layers.parameters(), self.config.grad_clip)
        self.opt.step()
        self.steps += 1
        return {"nll": loss.item()}

    @torch.no_grad()
    def forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Data → latent: z = f(x) (n, 2) and log|det ∂f/∂x| (n,) — how much f stretches area near x."""
        z, log_det = self._forward(_tensor(x))
        return z.numpy(), log_det.numpy()

    @torch.no_grad()
    def inverse(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Latent → data: x = f⁻¹(z) (n, 2) and log|det ∂f⁻¹/∂z| (n,), layers undone in reverse order."""
        x = _tensor(z)
        log_det = torch.zeros(len(x))
        for layer in reversed(self.layers):
            x, part = layer.inverse(x)
            log_det = log_det + part
        return x.numpy(), log_det.numpy()

    @torch.no_grad()
    def log_prob(self, x: np.ndarray) -> np.ndarray:
        """Exact log-density log p(x) of each point (n,), in nats."""
        return self._log_prob(_tensor(x)).numpy()

    def density_grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """p(x) on a grid: (len(ys), len(xs)); summed times the cell area it is ≈ 1 over a wide enough grid."""
        return np.exp(self.log_prob(grid_points(xs, ys))).reshape(len(ys), len(xs))

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """z ~ N(0, I), then x = f⁻¹(z)."""
        z = torch.randn((n, 2), generator=torch.Generator().manual_seed(int(seed)))
        return self.inverse(z.numpy())[0]


# --- diffusion ------------------------------------------------------------------------------------


@dataclass
class ToyDiffusionConfig(ToyConfig):
    hidden: int = 64
    layers: int = 3
    time_dim: int = 16                        # sinusoidal time embedding size
    num_train_timesteps: int = 100            # T: few steps are enough for 2-D points
    beta_schedule: str = "squaredcos_cap_v2"  # cosine schedule: ᾱ_T ≈ 0 even with T = 100
    lr: float = 2e-3


class Denoiser(nn.Module):
    """ε̂(x_t, t): an MLP on the point and a sinusoidal embedding of the timestep."""

    def __init__(self, config: ToyDiffusionConfig, generator: torch.Generator):
        super().__init__()
        from diffusers.models.embeddings import Timesteps

        self.time_scale = 1000 / config.num_train_timesteps  # embed t as if T were 1000 (the usual frequencies)
        self.embed = Timesteps(config.time_dim, flip_sin_to_cos=True, downscale_freq_shift=0)
        self.net = mlp(2 + config.time_dim, config.hidden, config.layers, 2, generator)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        t = torch.as_tensor(t).reshape(-1).expand(len(x))
        return self.net(torch.cat([x, self.embed(t * self.time_scale)], 1))


class ToyDiffusion(ToyModel):
    """Learn to predict the noise ε in x_t = √ᾱ_t x_0 + √(1−ᾱ_t) ε; sample by removing it step by step."""

    family = "diffusion"
    config_class = ToyDiffusionConfig

    def build(self, init: torch.Generator) -> None:
        from diffusers import DDPMScheduler

        c = self.config
        self.denoiser = Denoiser(c, init)
        self.scheduler = DDPMScheduler(num_train_timesteps=c.num_train_timesteps, beta_schedule=c.beta_schedule,
                                       prediction_type="epsilon", clip_sample=False)
        self.opt = torch.optim.Adam(self.denoiser.parameters(), lr=c.lr, fused=True)

    def step(self, batch) -> dict[str, float]:
        x0 = _tensor(batch)
        # 1. pick a random timestep and noise for every point, and noise the points: x_0 -> x_t
        t = torch.randint(self.config.num_train_timesteps, (len(x0),), generator=self.generator)
        eps = self._randn(*x0.shape)
        x_t = self.scheduler.add_noise(x0, eps, t)
        # 2. predict the noise and regress on it
        loss = F.mse_loss(self.denoiser(x_t, t), eps)
        self._update(self.opt, loss)
        self.steps += 1
        return {"loss": loss.item()}

    def schedule(self) -> dict[str, np.ndarray]:
        """√ᾱ_t (signal) and √(1−ᾱ_t) (noise) for every training timestep."""
        abar = self.scheduler.alphas_cumprod.numpy()
        return {"signal": np.sqrt(abar), "noise": np.sqrt(1 - abar)}

    def noise(self, x: np.ndarray, t: int | np.ndarray, seed: int = 0) -> np.ndarray:
        """Forward process: x_t for clean points at timestep(s) t ∈ [0, T−1]. Same seed, same noise."""
        x0 = _tensor(x)
        t = np.broadcast_to(np.asarray(t, dtype=np.int64), (len(x0),)).copy()
        if len(t) and not 0 <= t.min() <= t.max() < self.config.num_train_timesteps:
            raise ValueError(f"t must lie in [0, {self.config.num_train_timesteps - 1}]")
        eps = torch.randn(x0.shape, generator=torch.Generator().manual_seed(int(seed)))
        t = torch.as_tensor(t)
        return self.scheduler.add_noise(x0, eps, t).numpy()

    @torch.no_grad()
    def vector_field(self, points: np.ndarray, t: int) -> np.ndarray:
        """The predicted denoising direction −ε̂(x, t) at each point (n, 2).

        It equals √(1−ᾱ_t) · ∇ log p_t(x), the score of the noised data: the arrows point to
        where the data is denser at noise level t, so following them (a little at a time, with
        t going down) walks a point from noise onto the data.
        """
        return (-self.denoiser(_tensor(points), torch.tensor(int(t)))).numpy()

    @torch.no_grad()
    def trajectories(self, n: int, seed: int = 0, steps: int | None = None,
                     sampler: str = "ddpm") -> dict[str, np.ndarray]:
        """The reverse process for n points: ``x`` (steps+1, n, 2) from pure noise to samples, and
        ``timesteps`` (steps,), the t each step starts from (T−1 … 0 for DDPM with all steps)."""
        from models.image.diffusion import sampler_from

        scheduler = sampler_from(self.scheduler, sampler)
        scheduler.set_timesteps(steps or self.config.num_train_timesteps)
        generator = torch.Generator().manual_seed(int(seed))
        # 1. start from pure Gaussian noise x_T
        x = torch.randn((n, 2), generator=generator) * scheduler.init_noise_sigma
        path = [x]
        for t in scheduler.timesteps:
            # 2. predict the noise in x_t
            eps = self.denoiser(scheduler.scale_model_input(x, t), t)
            # 3. compute the previous, less noisy points: x_t -> x_t-1
            x = scheduler.step(eps, t, x, generator=generator).prev_sample
            path.append(x)
        return {"x": torch.stack(path).numpy(), "timesteps": scheduler.timesteps.numpy().copy()}

    def sample(self, n: int, seed: int = 0, steps: int | None = None, sampler: str = "ddpm") -> np.ndarray:
        """n points from the reverse process (DDPM with every training step by default; "ddim" or
        "dpm" need far fewer ``steps``)."""
        return self.trajectories(n, seed, steps, sampler)["x"][-1]


FAMILIES: dict[str, type[ToyModel]] = {"gan": ToyGAN, "vae": ToyVAE, "flow": ToyFlow, "diffusion": ToyDiffusion}


def build(family: str, config: ToyConfig | None = None, seed: int = 0) -> ToyModel:
    """A fresh model of one family (``gan``, ``vae``, ``flow`` or ``diffusion``), default config unless given."""
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {tuple(FAMILIES)}, not {family!r}")
    return FAMILIES[family](config, seed)
