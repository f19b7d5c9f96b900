"""Autoencoders for the latent-space pages: AE and VAE with 2-D latents, 16-d VAEs at three β, a VQ-VAE.

All share one small convolutional trunk (28 → 14 → 7) and its mirror image:

* **AE** — x → z (a point) → x̂; trained on the squared reconstruction error only. Nothing
  tells it how the space between the training codes should look, so decoding an arbitrary
  point can land in a "hole".
* **VAE** — x → q(z|x) = N(μ, σ²) → z = μ + σ·ε (the reparameterisation trick) → a Gaussian
  over every pixel. Trained on the ELBO with a KL weight β; the KL term pulls every code
  towards the prior N(0, I), so decoding prior samples gives plausible images.
* **VQ-VAE** — x → a 7×7 grid of vectors, each replaced by its nearest entry of a codebook
  of K vectors (diffusers' ``VectorQuantizer``), → x̂. The latent is a grid of discrete codes.

Every model keeps, as buffers, a 2-D PCA basis of its codes (for the latent map when the
latent has more than two numbers) and the mean and covariance of its training codes (the
AE's "best guess" prior, drawn to show that an AE is not a generative model by itself).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from models.core import checkpoints, data, training
from models.image.vae import (
    PIXELS,
    bits_per_dim,
    conv_decoder,
    conv_encoder,
    dequantize_batch,
    gaussian_kl,
    gaussian_log_likelihood,
    reparameterise,
    to_unit,
)

KINDS = ("ae", "vae", "vqvae")
GRID = 7  # the VQ-VAE's code grid is GRID × GRID


@dataclass
class AutoencoderConfig:
    kind: str = "vae"
    latent_dim: int = 2            # numbers per code (AE/VAE) or per grid cell (VQ-VAE)
    channels: tuple[int, int] = (32, 64)
    hidden: int = 128
    beta: float = 1.0              # KL weight of the VAE objective (1 = the true ELBO)
    codebook_size: int = 64        # K, VQ-VAE only
    commitment: float = 0.25       # VQ-VAE commitment weight
    min_log_sigma: float = -5.0
    epochs: int = 8
    batch_size: int = 128
    lr: float = 2e-3
    seed: int = 0

    @property
    def code_size(self) -> int:
        """Numbers in one image's code (the VQ-VAE's whole grid)."""
        return self.latent_dim * GRID * GRID if self.kind == "vqvae" else self.latent_dim


#: the shipped latent-space models: name → config overrides
SHIPPED: dict[str, dict] = {
    "ae2d": {"kind": "ae", "latent_dim": 2},
    "vae2d": {"kind": "vae", "latent_dim": 2},
    "vqvae": {"kind": "vqvae", "latent_dim": 8, "codebook_size": 64},
    "vae16_beta0.25": {"kind": "vae", "latent_dim": 16, "beta": 0.25},
    "vae16_beta1": {"kind": "vae", "latent_dim": 16, "beta": 1.0},
    "vae16_beta4": {"kind": "vae", "latent_dim": 16, "beta": 4.0},
}
#: the 16-d VAE used for interpolation and arithmetic
MAIN_VAE = "vae16_beta1"


class AutoencoderNet(nn.Module):
    def __init__(self, config: AutoencoderConfig):
        super().__init__()
        if config.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {config.kind!r}")
        c1, c2 = config.channels
        d, h = config.latent_dim, config.hidden
        self.config = config
        self.trunk = nn.Sequential(*conv_encoder(c1, c2))
        self.untrunk = nn.Sequential(*conv_decoder(c1, c2))
        if config.kind == "vqvae":
            from diffusers.models.autoencoders.vae import VectorQuantizer

            self.to_code = nn.Conv2d(c2, d, 1)
            self.quantizer = VectorQuantizer(config.codebook_size, d, beta=config.commitment, legacy=False,
                                             sane_index_shape=True)
            self.from_code = nn.Sequential(nn.Conv2d(d, c2, 1), nn.SiLU())
        else:
            out = 2 * d if config.kind == "vae" else d
            self.head = nn.Sequential(nn.Flatten(), nn.Linear(c2 * 49, h), nn.SiLU(), nn.Linear(h, out))
            self.unhead = nn.Sequential(nn.Linear(d, h), nn.SiLU(), nn.Linear(h, c2 * 49), nn.SiLU(),
                                        nn.Unflatten(1, (c2, 7, 7)))
        if config.kind == "vae":
            self.log_sigma = nn.Parameter(torch.full((1, 1, 28, 28), -2.0))
        size = config.code_size
        self.register_buffer("code_mean", torch.zeros(size))
        self.register_buffer("code_cov", torch.eye(size))
        self.register_buffer("pca_components", torch.eye(2, size))
        self.register_buffer("pca_mean", torch.zeros(size))

    # --- the two halves -------------------------------------------------------------------
    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """x in [0,1] (N,1,28,28) → (μ, log σ²) for the VAE, (z, None) for AE, (z_e grid, None) for VQ."""
        h = self.trunk(x)
        if self.config.kind == "vqvae":
            return self.to_code(h), None
        out = self.head(h)
        if self.config.kind == "vae":
            mu, logvar = out.chunk(2, dim=1)
            return mu, logvar.clamp(-12, 8)
        return out, None

    def quantize(self, z_e: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Nearest codebook entries: (z_q, codebook + commitment loss, indices (N,7,7))."""
        z_q, loss, (_, _, indices) = self.quantizer(z_e)
        return z_q, loss, indices

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        if self.config.kind == "vqvae":
            return self.untrunk(self.from_code(z))
        return self.untrunk(self.unhead(z))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Mean image in [0, 1]; a VQ grid must already be quantised."""
        return torch.sigmoid(self.decode_logits(z))

    # --- training objective ---------------------------------------------------------------------
    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        return self.losses(x, generator)

    def losses(self, x: torch.Tensor, generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
        """Per-image terms for x in [0, 1]: ``loss`` to minimise plus what gets reported."""
        code, logvar = self.encode(x)
        if self.config.kind == "vae":
            mean = self.decode(reparameterise(code, logvar, generator))
            rec = gaussian_log_likelihood(x, mean, self.log_sigma.clamp(min=self.config.min_log_sigma))
            kl = gaussian_kl(code, logvar)
            mse = ((x - mean) ** 2).flatten(1).mean(1)
            return {"loss": -(rec - self.config.beta * kl) / PIXELS, "mse": mse, "rec": rec, "kl": kl,
                    "elbo": rec - kl}
        if self.config.kind == "vqvae":
            z_q, vq_loss, indices = self.quantize(code)
            mean = self.decode(z_q)
            mse = ((x - mean) ** 2).flatten(1).mean(1)
            return {"loss": mse + vq_loss, "mse": mse, "indices": indices}
        mse = ((x - self.decode(code)) ** 2).flatten(1).mean(1)
        return {"loss": mse, "mse": mse}


class LatentModel:
    """A trained autoencoder with numpy in, numpy out; uint8 images (N,28,28) in the dataset's convention."""

    def __init__(self, name: str, config: AutoencoderConfig, net: AutoencoderNet, device: str = "cpu",
                 metrics: dict | None = None):
        self.name, self.config, self.device = name, config, device
        self.net = net.to(device).eval()
        self.metrics = metrics or {}

    @classmethod
    def load(cls, name: str, device: str = "cpu") -> LatentModel:
        raw, tensors = checkpoints.load(name)
        config = config_from_dict(raw)
        net = AutoencoderNet(config)
        checkpoints.load_state_into(net, tensors)
        return cls(name, config, net, device, checkpoints.load_metrics(name))

    @property
    def kind(self) -> str:
        return self.config.kind

    def _x(self, images: np.ndarray) -> torch.Tensor:
        return to_unit(images).to(self.device)

    @torch.inference_mode()
    def encode(self, images: np.ndarray) -> dict[str, np.ndarray]:
        """``code`` (N, code_size): μ (VAE), z (AE) or the flattened pre-quantisation grid (VQ);
        ``sigma`` (N, D) for the VAE; ``indices`` (N, 7, 7) codebook entries for the VQ-VAE."""
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(images), 1000):
            code, logvar = self.net.encode(self._x(images[start:start + 1000]))
            part = {"code": code.flatten(1)}
            if logvar is not None:
                part["sigma"] = (0.5 * logvar).exp()
            if self.kind == "vqvae":
                part["indices"] = self.net.quantize(code)[2]
            for key, value in part.items():
                out.setdefault(key, []).append(value.cpu().numpy())
        return {key: np.concatenate(parts) for key, parts in out.items()}

    def _grid(self, codes: torch.Tensor) -> torch.Tensor:
        return codes.reshape(-1, self.config.latent_dim, GRID, GRID)

    @torch.inference_mode()
    def decode(self, codes: np.ndarray) -> np.ndarray:
        """Codes (N, code_size) → images; a VQ grid is snapped to its nearest codebook entries first."""
        z = torch.as_tensor(np.asarray(codes, dtype=np.float32), device=self.device).reshape(len(codes), -1)
        if self.kind == "vqvae":
            z = self.net.quantize(self._grid(z))[0]
        return data.to_uint8(self.net.decode(z).cpu().numpy())

    @torch.inference_mode()
    def decode_indices(self, indices: np.ndarray) -> np.ndarray:
        """VQ-VAE only: grids of codebook indices (N, 7, 7) → images."""
        idx = torch.as_tensor(np.asarray(indices, dtype=np.int64), device=self.device)
        shape = (len(idx), GRID, GRID, self.config.latent_dim)
        z_q = self.net.quantizer.get_codebook_entry(idx.reshape(-1), shape)
        return data.to_uint8(self.net.decode(z_q).cpu().numpy())

    def reconstruct(self, images: np.ndarray) -> np.ndarray:
        return self.decode(self.encode(images)["code"])

    # --- 2-D views ------------------------------------------------------------------------------
    def to_2d(self, codes: np.ndarray) -> np.ndarray:
        """Codes → 2-D map coordinates: the code itself for 2-D latents, else the stored PCA plane."""
        if self.config.code_size == 2:
            return np.asarray(codes, dtype=np.float32)
        mean, comps = self.net.pca_mean.cpu().numpy(), self.net.pca_components.cpu().numpy()
        return (np.asarray(codes, dtype=np.float32) - mean) @ comps.T

    def from_2d(self, points: np.ndarray) -> np.ndarray:
        """Map coordinates → codes (for PCA maps: the point on the PCA plane through the mean code)."""
        points = np.asarray(points, dtype=np.float32).reshape(-1, 2)
        if self.config.code_size == 2:
            return points
        return self.net.pca_mean.cpu().numpy() + points @ self.net.pca_components.cpu().numpy()

    def decode_2d(self, points: np.ndarray) -> np.ndarray:
        return self.decode(self.from_2d(points))

    # --- sampling -------------------------------------------------------------------------------
    def prior_codes(self, n: int, seed: int) -> np.ndarray:
        """Random codes: N(0, I) for the VAE (its prior); for the AE a Gaussian fitted to its training
        codes (the best an AE can do without a prior); for the VQ-VAE every grid cell drawn
        independently from the codebook usage (a model of codes, e.g. a PixelCNN, would be needed)."""
        rng = np.random.default_rng(int(seed))
        size = self.config.code_size
        if self.kind == "vae":
            return rng.standard_normal((n, size)).astype(np.float32)
        if self.kind == "ae":
            mean, cov = self.net.code_mean.cpu().numpy(), self.net.code_cov.cpu().numpy()
            return rng.multivariate_normal(mean, cov, size=n).astype(np.float32)
        usage = np.asarray(self.metrics.get("codebook_usage") or np.ones(self.config.codebook_size), dtype=np.float64)
        picks = rng.choice(len(usage), size=(n, GRID, GRID), p=usage / usage.sum())
        book = self.net.quantizer.embedding.weight.detach().cpu().numpy()
        return book[picks].transpose(0, 3, 1, 2).reshape(n, -1)

    def sample(self, n: int, seed: int) -> np.ndarray:
        return self.decode(self.prior_codes(n, seed))

    def posterior_draws(self, image: np.ndarray, n: int, seed: int) -> dict[str, np.ndarray]:
        """VAE only: μ and σ of one image, ``n`` draws z = μ + σ·ε and their decodes."""
        if self.kind != "vae":
            raise ValueError("posterior draws need a VAE")
        enc = self.encode(image[None])
        eps = np.random.default_rng(int(seed)).standard_normal((n, self.config.latent_dim)).astype(np.float32)
        z = enc["code"] + enc["sigma"] * eps
        return {"mu": enc["code"][0], "sigma": enc["sigma"][0], "z": z, "images": self.decode(z)}

    @torch.inference_mode()
    def elbo_terms(self, images: np.ndarray, seed: int = 0) -> dict[str, np.ndarray]:
        """VAE only: per-image reconstruction log-likelihood and KL (nats) and the bits/dim bound."""
        gen = torch.Generator().manual_seed(int(seed))
        x = to_unit(images, dequantize=gen).to(self.device)
        terms = self.net.losses(x, generator=gen)
        return {"rec": terms["rec"].cpu().numpy(), "kl": terms["kl"].cpu().numpy(),
                "bpd": bits_per_dim(terms["elbo"]).cpu().numpy()}

    def interpolate(self, a: np.ndarray, b: np.ndarray, frames: int) -> np.ndarray:
        """Decodes of the straight line between the codes of images ``a`` and ``b``."""
        codes = self.encode(np.stack([a, b]))["code"]
        ts = np.linspace(0.0, 1.0, frames, dtype=np.float32)[:, None]
        return self.decode((1 - ts) * codes[0] + ts * codes[1])


def pixel_interpolation(a: np.ndarray, b: np.ndarray, frames: int) -> np.ndarray:
    """Cross-fade in pixel space, for comparison with a latent walk."""
    ts = np.linspace(0.0, 1.0, frames)[:, None, None]
    return np.clip(np.rint((1 - ts) * a + ts * b), 0, 255).astype(np.uint8)


def config_from_dict(raw: dict) -> AutoencoderConfig:
    return AutoencoderConfig(**{**raw, "channels": tuple(raw["channels"])})


def config_for(name: str, epochs: int | None = None) -> AutoencoderConfig:
    return AutoencoderConfig(**SHIPPED[name], **({"epochs": epochs} if epochs else {}))


def perplexity(counts: np.ndarray) -> float:
    """exp(entropy) of usage counts: how many equally used entries would give the same spread."""
    counts = np.asarray(counts, dtype=np.float64)
    p = counts / max(counts.sum(), 1)
    return float(np.exp(-(p[p > 0] * np.log(p[p > 0])).sum()))


def codebook_stats(indices: np.ndarray, size: int) -> dict:
    """Usage counts of codebook indices, their perplexity and how many entries are used at all."""
    counts = np.bincount(np.asarray(indices).ravel(), minlength=size)
    return {"codebook_usage": counts.tolist(), "codebook_perplexity": perplexity(counts),
            "codebook_used": int((counts > 0).sum())}


@torch.no_grad()
def _fit_code_statistics(net: AutoencoderNet, images: np.ndarray) -> None:
    """Store the training codes' mean/covariance and their 2-D PCA plane as buffers."""
    net.eval()
    codes = torch.cat([net.encode(to_unit(images[i:i + 1000]))[0].flatten(1) for i in range(0, len(images), 1000)])
    mean = codes.mean(0)
    centred = codes - mean
    net.code_mean.copy_(mean)
    net.code_cov.copy_(centred.T @ centred / (len(codes) - 1))
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    comps = vh[:2].clone()
    if comps.shape[0] < 2:  # a 1-number code: pad the plane
        comps = torch.cat([comps, torch.zeros_like(comps)])
    net.pca_mean.copy_(mean)
    net.pca_components.copy_(comps)


def _restart_dead_codes(net: AutoencoderNet, counts: torch.Tensor, z_e: torch.Tensor, generator: torch.Generator):
    """Codebook entries nobody chose this epoch move onto random encoder outputs of the last batch."""
    dead = torch.nonzero(counts == 0).flatten()
    if len(dead) == 0:
        return
    vectors = z_e.permute(0, 2, 3, 1).reshape(-1, z_e.shape[1])
    picks = torch.randint(0, len(vectors), (len(dead),), generator=generator)
    net.quantizer.embedding.weight.data[dead] = vectors[picks].to(net.quantizer.embedding.weight.dtype)


def evaluate(model: LatentModel, images: np.ndarray) -> dict:
    """Test-split figures: reconstruction MSE (pixels in [0,1]) and, per kind, KL/ELBO or codebook use."""
    x = data.to_float(images).reshape(-1, 28, 28)
    out: dict = {"test_mse": float(np.mean((data.to_float(model.reconstruct(images)).reshape(-1, 28, 28) - x) ** 2))}
    if model.kind == "vae":
        terms = model.elbo_terms(images)
        out |= {"test_kl_nats": float(terms["kl"].mean()), "test_rec_nats": float(terms["rec"].mean()),
                "test_bpd_bound": float(terms["bpd"].mean())}
    if model.kind == "vqvae":
        out |= codebook_stats(model.encode(images)["indices"], model.config.codebook_size)
    return out


def train(name: str, out_dir: Path, *, epochs: int | None = None, device: str = "cpu", resume: bool = False,
          progress: bool = True, train_split: data.Split | None = None,
          config: AutoencoderConfig | None = None) -> dict:
    from tqdm.auto import tqdm

    config = config or config_for(name, epochs)
    torch.manual_seed(config.seed)
    split, test = train_split or data.load_train(), data.load_shipped("test")
    accelerator, net, optimizer, loader, schedule = training.prepare(
        name, AutoencoderNet(config), split.images, split.labels, config, device=device, resume=resume)
    core = accelerator.unwrap_model(net)
    restart_gen = torch.Generator().manual_seed(config.seed)

    curves: dict[str, list[float]] = {"train_mse": []} | ({"train_kl_nats": []} if config.kind == "vae" else {}) | (
        {"train_perplexity": []} if config.kind == "vqvae" else {})
    start = time.perf_counter()
    bar = tqdm(range(config.epochs), desc=name, disable=not progress)
    for epoch in bar:
        net.train()
        mse_sum, kl_sum, count = 0.0, 0.0, 0
        usage = torch.zeros(config.codebook_size, dtype=torch.long)
        for pixels, _y in loader:
            x = dequantize_batch(pixels)
            terms = net(x)
            loss = terms["loss"].mean()
            optimizer.zero_grad()
            accelerator.backward(loss)
            accelerator.clip_grad_norm_(net.parameters(), 5.0)
            optimizer.step()
            schedule.step()
            mse_sum += terms["mse"].sum().item()
            count += len(x)
            if "kl" in terms:
                kl_sum += terms["kl"].sum().item()
            if "indices" in terms:
                usage += torch.bincount(terms["indices"].flatten().cpu(), minlength=config.codebook_size)
        mse_sum, kl_sum, count = training.summed(accelerator, mse_sum, kl_sum, count)  # over every process
        curves["train_mse"].append(mse_sum / count)
        if config.kind == "vae":
            curves["train_kl_nats"].append(kl_sum / count)
        if config.kind == "vqvae":
            curves["train_perplexity"].append(perplexity(usage.numpy()))
            if epoch < config.epochs - 1:
                with torch.no_grad():
                    _restart_dead_codes(core, usage, core.encode(x)[0], restart_gen)
        bar.set_postfix({k: f"{v[-1]:.4f}" for k, v in curves.items()})
    wall = time.perf_counter() - start
    if not accelerator.is_main_process:  # one writer: the main process evaluates and saves
        return training.run_facts(accelerator)

    net = core.cpu().eval()
    _fit_code_statistics(net, data.load_shipped("train10k").images)
    model = LatentModel(name, config, net)
    state = {k: v.detach().cpu().numpy() for k, v in net.state_dict().items()}
    metrics = {**curves, **evaluate(model, test.images), "epochs": config.epochs, "wall_time_s": wall,
               **training.run_facts(accelerator), "train_images": len(split),
               "parameters": int(sum(p.numel() for p in net.parameters()))}
    checkpoints.save(out_dir, asdict(config), state, metrics)
    return metrics
