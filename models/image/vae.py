"""Class-conditional convolutional VAE.

Encoder q(z | x, y): image (+ label) → mean μ and log-variance of a 16-number latent z.
Decoder p(x | z, y): z (+ label) → a Gaussian over every pixel (mean image and one learned
log-σ per pixel). Prior p(z | y) = N(μ_y, I) with a learned centre per class, so that
sampling a class starts where that class's images were encoded. Training maximises the
ELBO = E_q[log p(x|z,y)] − KL(q(z|x,y) ‖ p(z|y)). After training, each class's prior is refit to a
full-covariance Gaussian over where its training images were encoded (:func:`refit_prior`,
:mod:`models.core.latent_prior`): random codes then land where real codes are, not in the holes between.
Pixels are dequantised (x = (pixel + u)/256, u ~ U(0,1)) so the ELBO gives an upper bound
on bits/dim that is comparable with the flow's exact figure.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from models.core import checkpoints, data, latent_prior, training

NAME = "vae"
PIXELS = 28 * 28


@dataclass
class VAEConfig:
    latent_dim: int = 16
    num_classes: int = data.NUM_CLASSES  # 1 = unconditional (every image gets label 0)
    channels: tuple[int, int] = (32, 64)
    hidden: int = 256
    min_log_sigma: float = -6.0
    #: β of a β-VAE: training minimises −(reconstruction − β·KL); bits/dim use β = 1. β > 1 squeezes class
    #: information out of z and into the label, so samples from N(μ_y, I) follow the label, but blurs every
    #: picture. With the refit prior (below) the class's own Gaussian does that job, so the shipped VAE trains
    #: the true ELBO (β = 1): measured at N = 1,000, β = 4 with N(μ_y, I) gave FID 198, β = 1 refit 102.
    kl_weight: float = 1.0
    epochs: int = 20  # the shipped VAE: 10 epochs, the prior refit, then 10 more resumed and refit (2026-12-02)
    batch_size: int = 128
    lr: float = 1e-3
    seed: int = 0
    #: after training, each class's prior is refit to where its training images are encoded: a Gaussian
    #: with this many main directions (latent_dim: a full covariance; models.core.latent_prior); 0 keeps N(μ_y, I)
    prior_rank: int = 16
    prior_refit: bool = False  # True once refit: the checkpoint then holds ``prior_factor`` and ``prior_log_std``


def conv_encoder(c1: int, c2: int) -> list[nn.Module]:
    """1×28×28 → c2×7×7 with two stride-2 convolutions (28 → 14 → 7)."""
    return [nn.Conv2d(1, c1, 4, 2, 1), nn.SiLU(), nn.Conv2d(c1, c2, 4, 2, 1), nn.SiLU()]


def conv_decoder(c1: int, c2: int) -> list[nn.Module]:
    """c2×7×7 → 1×28×28 (logits of the mean image) with two transposed convolutions (7 → 14 → 28)."""
    return [nn.ConvTranspose2d(c2, c1, 4, 2, 1), nn.SiLU(), nn.ConvTranspose2d(c1, 1, 4, 2, 1)]


def reparameterise(mu: torch.Tensor, logvar: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """z = μ + σ·ε with ε ~ N(0, I): the reparameterisation trick (seeded when ``generator`` is given)."""
    eps = torch.randn(mu.shape, generator=generator, device=mu.device) if generator else torch.randn_like(mu)
    return mu + (0.5 * logvar).exp() * eps


def gaussian_log_likelihood(x: torch.Tensor, mean: torch.Tensor, log_sigma: torch.Tensor) -> torch.Tensor:
    """log N(x; mean, σ²) summed over each image's pixels (nats), one number per image."""
    rec = -(0.5 * ((x - mean) / log_sigma.exp()) ** 2 + log_sigma + 0.5 * math.log(2 * math.pi))
    return rec.flatten(1).sum(1)


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor, prior_mean: torch.Tensor | float = 0.0) -> torch.Tensor:
    """KL(N(μ, σ²) ‖ N(prior_mean, I)) summed over the latent numbers (nats), one number per image."""
    return 0.5 * ((mu - prior_mean) ** 2 + logvar.exp() - 1 - logvar).sum(1)


def dequantize_batch(pixels: torch.Tensor) -> torch.Tensor:
    """A training batch of raw pixels (N,28,28) → (N,1,28,28) in [0,1]: (pixel + u)/256, u ~ U(0,1)."""
    return (pixels.float().unsqueeze(1) + torch.rand(pixels.shape, device=pixels.device).unsqueeze(1)) / 256


class ConditionalVAE(nn.Module):
    def __init__(self, config: VAEConfig):
        super().__init__()
        c1, c2 = config.channels
        k, h = config.num_classes, config.hidden
        self.config = config
        self.encoder = nn.Sequential(*conv_encoder(c1, c2), nn.Flatten())
        self.enc_fc = nn.Sequential(nn.Linear(c2 * 49 + k, h), nn.SiLU(), nn.Linear(h, 2 * config.latent_dim))
        self.dec_fc = nn.Sequential(nn.Linear(config.latent_dim + k, h), nn.SiLU(), nn.Linear(h, c2 * 49), nn.SiLU())
        self.decoder = nn.Sequential(nn.Unflatten(1, (c2, 7, 7)), *conv_decoder(c1, c2))
        self.log_sigma = nn.Parameter(torch.full((1, 1, 28, 28), -2.0))
        # class-conditional prior p(z | y) = N(μ_y, I): sampling a class lands where its images were encoded
        self.prior_mean = nn.Embedding(k, config.latent_dim)
        nn.init.zeros_(self.prior_mean.weight)
        if config.prior_refit:  # p(z | y) = N(μ_y, W_yᵀW_y + diag σ_y²), refit after training
            self.register_buffer("prior_factor", torch.zeros(k, config.prior_rank, config.latent_dim))
            self.register_buffer("prior_log_std", torch.zeros(k, config.latent_dim))

    def kl(self, mu: torch.Tensor, logvar: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """KL(q(z | x, y) ‖ p(z | y)) per image, nats: against N(μ_y, I), or the refit prior."""
        if self.config.prior_refit:
            return latent_prior.kl_from_diagonal(mu, logvar, self.prior_mean(y), self.prior_factor[y],
                                                 self.prior_log_std[y])
        return gaussian_kl(mu, logvar, self.prior_mean(y))

    def onehot(self, y: torch.Tensor) -> torch.Tensor:
        return nn.functional.one_hot(y, self.config.num_classes).float()

    def encode(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.enc_fc(torch.cat([self.encoder(x), self.onehot(y)], 1)).chunk(2, dim=1)
        return mu, logvar.clamp(-12, 8)

    def decode(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean image in [0, 1] (sigmoid of the decoder output)."""
        return torch.sigmoid(self.decoder(self.dec_fc(torch.cat([z, self.onehot(y)], 1))))

    def forward(self, x: torch.Tensor, y: torch.Tensor, generator: torch.Generator | None = None):
        """Per-image (ELBO, reconstruction log-likelihood, KL) in nats, for x in [0, 1]."""
        mu, logvar = self.encode(x, y)
        mean = self.decode(reparameterise(mu, logvar, generator), y)
        rec = gaussian_log_likelihood(x, mean, self.log_sigma.clamp(min=self.config.min_log_sigma))
        kl = self.kl(mu, logvar, y)
        return rec - kl, rec, kl


def bits_per_dim(elbo_nats: torch.Tensor) -> torch.Tensor:
    """Upper bound on bits/dim of 8-bit images from the ELBO of dequantised [0,1] pixels."""
    return -(elbo_nats - PIXELS * math.log(256)) / (PIXELS * math.log(2))


def to_unit(images: np.ndarray, dequantize: torch.Generator | None = None) -> torch.Tensor:
    """uint8 (N,28,28) → (N,1,28,28) in [0,1]: (pixel + u)/256, u ~ U(0,1) or the midpoint 0.5."""
    return data.dequantize(images, dequantize)


def saved_config(raw: dict) -> VAEConfig:
    """A checkpoint's ``config.json`` as a :class:`VAEConfig` (a refit one says so: its net has the buffers)."""
    return VAEConfig(**{**raw, "channels": tuple(raw["channels"])})


class VAE:
    def __init__(self, config: VAEConfig, net: ConditionalVAE, device: str = "cpu"):
        self.config, self.device = config, device
        self.net = net.to(device).eval()

    @classmethod
    def load(cls, device: str = "cpu", name: str = NAME) -> VAE:
        """The shipped VAE, or another checkpoint of this architecture (e.g. ``vae_imbalanced``)."""
        raw, tensors = checkpoints.load(name)
        config = saved_config(raw)
        net = ConditionalVAE(config)
        checkpoints.load_state_into(net, tensors)
        return cls(config, net, device)

    def _labels(self, labels: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(np.asarray(labels, dtype=np.int64), device=self.device)

    @torch.inference_mode()
    def latent(self, n: int, seed: int) -> torch.Tensor:
        """Standard-normal noise ε; a class's latent is prior_mean(y) + ε."""
        return torch.randn((n, self.config.latent_dim), generator=torch.Generator().manual_seed(int(seed)))

    @torch.inference_mode()
    def decode(self, z: torch.Tensor, labels: np.ndarray) -> np.ndarray:
        mean = self.net.decode(z.to(self.device), self._labels(labels))
        return data.to_uint8(mean.cpu().numpy())

    @torch.inference_mode()
    def sample(self, labels: np.ndarray, seed: int) -> np.ndarray:
        """Decode z ~ p(z | y) for each label: the decoder's mean image (no pixel noise)."""
        y = self._labels(labels)
        net = self.net
        if not self.config.prior_refit:
            return self.decode(net.prior_mean(y) + self.latent(len(y), seed).to(self.device), labels)
        gen = torch.Generator().manual_seed(int(seed))
        eps = torch.randn((len(y), self.config.latent_dim), generator=gen)  # the same ε as latent(n, seed)
        eps_r = torch.randn((len(y), self.config.prior_rank), generator=gen)
        z = latent_prior.draw(net.prior_mean(y), net.prior_factor[y], net.prior_log_std[y],
                              eps.to(self.device), eps_r.to(self.device))
        return self.decode(z, labels)

    @torch.inference_mode()
    def encode(self, images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mu, logvar = self.net.encode(to_unit(images).to(self.device), self._labels(labels))
        return mu.cpu().numpy(), logvar.cpu().numpy()

    @torch.inference_mode()
    def bits_per_dim(self, images: np.ndarray, labels: np.ndarray, seed: int = 0) -> np.ndarray:
        """ELBO bound on bits/dim, one number per image (dequantised with seeded noise)."""
        gen = torch.Generator().manual_seed(int(seed))
        x = to_unit(images, dequantize=gen).to(self.device)
        elbo, _, _ = self.net(x, self._labels(labels), generator=gen)
        return bits_per_dim(elbo).cpu().numpy()


@torch.no_grad()
def refit_prior(net: ConditionalVAE, images: np.ndarray, labels: np.ndarray, batch: int = 1000, seed: int = 0) -> None:
    """Refit each class's prior to its training images' encodings, in place: one z ~ q(z | x, y) per image
    (pixels dequantized as in training, seeded), then a Gaussian with ``config.prior_rank`` main directions.

    The encoder and decoder are unchanged; samples, and the KL term of the ELBO, then use the refit prior.
    """
    device = net.prior_mean.weight.device
    was_training = net.training
    net.eval()
    gen, z = torch.Generator().manual_seed(seed), []
    y_all = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    for i in range(0, len(images), batch):
        x = to_unit(images[i : i + batch], dequantize=gen).to(device)
        mu, logvar = net.encode(x, y_all[i : i + batch].to(device))
        z.append(reparameterise(mu.cpu(), logvar.cpu(), gen))
    net.train(was_training)
    fitted = latent_prior.fit(torch.cat(z), y_all, net.config.num_classes, net.config.prior_rank)
    net.config.prior_rank, net.config.prior_refit = fitted["prior_factor"].shape[1], True
    net.prior_mean.weight.copy_(fitted["prior_mean"])
    for key in ("prior_factor", "prior_log_std"):
        if hasattr(net, key):
            delattr(net, key)
        net.register_buffer(key, fitted[key].to(device))


def train(out_dir: Path, *, epochs: int | None = None, device: str = "cpu", resume: bool = False,
          progress: bool = True, train_split: data.Split | None = None, config: VAEConfig | None = None) -> dict:
    from tqdm.auto import tqdm

    before, tensors = {}, None
    if resume:  # the shipped net's own architecture and prior (a refit one has its prior's buffers)
        raw, tensors = checkpoints.load(NAME)
        config, before = saved_config(raw), checkpoints.load_metrics(NAME)
    config = VAEConfig(**{**asdict(config or VAEConfig()), **({"epochs": epochs} if epochs else {})})
    torch.manual_seed(config.seed)
    split, test = train_split or data.load_train(), data.load_shipped("test")
    net = ConditionalVAE(config)
    if tensors is not None:  # loaded once above, not a second time by training.prepare
        checkpoints.load_state_into(net, tensors)
    accelerator, net, optimizer, loader, schedule = training.prepare(
        NAME, net, split.images, split.labels, config, device=device, resume=False, schedule="cosine")

    curves = {"train_bpd": [], "reconstruction_nats": [], "kl_nats": []}
    start = time.perf_counter()
    bar = tqdm(range(config.epochs), desc=NAME, disable=not progress)
    for _epoch in bar:
        net.train()
        sums, count = np.zeros(3), 0
        for pixels, y in loader:
            elbo, rec, kl = net(dequantize_batch(pixels), y)
            loss = -(rec - config.kl_weight * kl).mean() / PIXELS
            optimizer.zero_grad()
            accelerator.backward(loss)
            accelerator.clip_grad_norm_(net.parameters(), 5.0)
            optimizer.step()
            schedule.step()
            sums += [bits_per_dim(elbo).sum().item(), rec.sum().item(), kl.sum().item()]
            count += len(y)
        *sums, count = training.summed(accelerator, *sums, count)  # over every process
        for key, value in zip(curves, np.array(sums) / count, strict=True):
            curves[key].append(float(value))
        bar.set_postfix(bpd=f"{curves['train_bpd'][-1]:.3f}", kl=f"{curves['kl_nats'][-1]:.1f}")
    wall = time.perf_counter() - start
    if not accelerator.is_main_process:  # one writer: the main process evaluates and saves
        return training.run_facts(accelerator)

    net = accelerator.unwrap_model(net).cpu().eval()
    model = VAE(config, net)
    test_labels = test.labels if config.num_classes > 1 else np.zeros(len(test), np.int64)
    test_bpd = trained_prior_bpd = float(model.bits_per_dim(test.images, test_labels).mean())
    if config.prior_rank:
        train_labels = split.labels if config.num_classes > 1 else np.zeros(len(split), np.int64)
        refit_prior(net, split.images, train_labels)
        test_bpd = float(model.bits_per_dim(test.images, test_labels).mean())
    state = {k: v.detach().cpu().numpy() for k, v in net.state_dict().items()}
    metrics = {**curves, "test_bpd_bound": test_bpd, "test_bpd_bound_trained_prior": trained_prior_bpd,
               "prior": (f"refit to the training encodings, rank {config.prior_rank}" if config.prior_refit
                         else "trained"),
               "epochs": config.epochs, "wall_time_s": wall,
               **training.run_facts(accelerator), "train_images": len(split),
               "parameters": int(sum(p.numel() for p in net.parameters()))}
    metrics = training.continued(before, metrics, tuple(curves))
    checkpoints.save(out_dir, asdict(config), state, metrics)
    return metrics
