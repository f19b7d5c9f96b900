"""Image applications of the shipped models: inpainting, super-resolution and editing (SDEdit).

All three reuse the class-conditional diffusion model's reverse process with a deterministic
DDIM sampler (η = 0) and change what happens between steps:

* **Inpainting** — after every step the pixels we know are put back, noised to the level of
  the next step, so the model only invents the masked part and makes it fit (the RePaint idea
  without its slow resampling loops). Baseline: the VAE, encoding the image with the hole,
  decoding, and pasting the known pixels back a few times.
* **Super-resolution** — ILVR-style guidance: after every step the image's low frequencies
  (average over f×f blocks) are replaced by those of the small input, noised to the same level;
  the model adds the detail. Baseline: bicubic interpolation.
* **Editing (SDEdit)** — noise a real image up to step t (the *strength*), then denoise toward
  another class: small t keeps the picture, large t keeps only its rough layout.

Quality against the original uses torchmetrics' PSNR and SSIM. No Streamlit import.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from models.core import data
from models.image.diffusion import DEFAULTS, Diffusion, sampler_from, to_model_space, to_uint8

EDIT_SAMPLER = "ddim"  # a row of models.image.zoo.SAMPLERS; deterministic (η = 0)
EDIT_STEPS = 25
SR_FACTORS = (2, 4)          # 14×14 → 28×28 and 7×7 → 28×28
VAE_ROUNDS = 5               # encode → decode → paste the known pixels back, this many times
MIN_KEPT_SHARE = 0.05        # a mask that hides more than 95 % leaves too little to go on


class EditError(ValueError):
    """A bad mask or input, with a code the app translates and the values its message needs."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


# --- masks ----------------------------------------------------------------------------------------


def rect_mask(top: int, left: int, bottom: int, right: int, size: int = data.IMAGE_SHAPE[0]) -> np.ndarray:
    """A boolean (size, size) mask, True inside rows [top, bottom) and columns [left, right)."""
    mask = np.zeros((size, size), dtype=bool)
    top, bottom = sorted((int(np.clip(top, 0, size)), int(np.clip(bottom, 0, size))))
    left, right = sorted((int(np.clip(left, 0, size)), int(np.clip(right, 0, size))))
    mask[top:bottom, left:right] = True
    return mask


def mask_from_drawing(rgba: np.ndarray | None, threshold: float = 0.25) -> np.ndarray:
    """A brush drawing (H, W, 4) of any size → the 28×28 mask of cells at least ``threshold`` painted."""
    if rgba is None or np.asarray(rgba).ndim != 3 or np.asarray(rgba).shape[2] < 4:
        return np.zeros(data.IMAGE_SHAPE, dtype=bool)
    alpha = Image.fromarray(np.asarray(rgba)[..., 3].astype(np.uint8))
    small = np.asarray(alpha.resize(data.IMAGE_SHAPE[::-1], Image.Resampling.BOX), dtype=np.float32) / 255
    return small >= threshold


def check_mask(mask: np.ndarray) -> np.ndarray:
    """The mask as bool (28, 28); refuses an empty mask and one that hides nearly everything."""
    mask = np.asarray(mask)
    if mask.shape != data.IMAGE_SHAPE:
        raise EditError("mask_shape", shape="×".join(map(str, mask.shape)))
    mask = mask.astype(bool)
    if not mask.any():
        raise EditError("mask_empty")
    kept = 1 - mask.mean()
    if kept < MIN_KEPT_SHARE:
        raise EditError("mask_full", kept=f"{kept:.0%}", minimum=f"{MIN_KEPT_SHARE:.0%}")
    return mask


# --- shared pieces ----------------------------------------------------------------------------------


def _scheduler(model: Diffusion, steps: int):
    scheduler = sampler_from(model.scheduler, EDIT_SAMPLER)
    scheduler.set_timesteps(int(steps), device=model.device)
    return scheduler


def _noised(model: Diffusion, x0: torch.Tensor, t: int | None, generator: torch.Generator) -> torch.Tensor:
    """x0 noised to training step t (fresh seeded noise); t = None means the clean image."""
    if t is None:
        return x0
    eps = torch.randn(x0.shape, generator=generator).to(x0.device)
    return model.scheduler.add_noise(x0, eps, torch.full((len(x0),), int(t), dtype=torch.long))


def _next_t(timesteps: torch.Tensor, i: int) -> int | None:
    """The step the image is at after step i: the next timestep, or None (clean) after the last."""
    return int(timesteps[i + 1]) if i + 1 < len(timesteps) else None


def _as_batch(images: np.ndarray) -> np.ndarray:
    images = np.asarray(images, dtype=np.uint8)
    return images[None] if images.ndim == 2 else images


def _labels(labels, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(labels, dtype=np.int64), (n,)).copy()


# --- inpainting -----------------------------------------------------------------------------------


def inpaint(model: Diffusion, images: np.ndarray, mask: np.ndarray, labels, seed: int, steps: int = EDIT_STEPS,
            guidance: float = DEFAULTS["guidance"]) -> np.ndarray:
    """Fill ``mask`` (True = unknown) of uint8 images (N,28,28) with the diffusion model."""
    images, mask = _as_batch(images), check_mask(mask)
    x0 = to_model_space(images).to(model.device)
    keep = torch.from_numpy(~mask).float().to(model.device)
    scheduler = _scheduler(model, steps)
    generator = torch.Generator().manual_seed(int(seed))
    x = torch.randn(x0.shape, generator=generator).to(model.device) * scheduler.init_noise_sigma

    def put_back_known(i: int, x: torch.Tensor) -> torch.Tensor:
        known = _noised(model, x0, _next_t(scheduler.timesteps, i), generator)
        return keep * known + (1 - keep) * x

    out = model.denoise(x, _labels(labels, len(images)), scheduler, scheduler.timesteps, generator, guidance,
                        after_step=put_back_known)
    return to_uint8(out)


def inpaint_vae(vae, images: np.ndarray, mask: np.ndarray, labels, rounds: int = VAE_ROUNDS) -> np.ndarray:
    """Baseline: the hole starts as background; encode, decode, paste the known pixels back, repeat."""
    images, mask = _as_batch(images), check_mask(mask)
    labels = _labels(labels, len(images))
    filled = np.where(mask, 0, images).astype(np.uint8)
    for _ in range(rounds):
        mu, _ = vae.encode(filled, labels)
        decoded = vae.decode(torch.from_numpy(mu), labels)
        filled = np.where(mask, decoded, images).astype(np.uint8)
    return filled


# --- super-resolution -----------------------------------------------------------------------------


def downsample(images: np.ndarray, factor: int) -> np.ndarray:
    """uint8 (N,28,28) → (N, 28/f, 28/f) block means: the small input of the super-resolution demo."""
    if factor not in SR_FACTORS:
        raise EditError("factor", factor=factor, allowed=", ".join(map(str, SR_FACTORS)))
    x = torch.from_numpy(_as_batch(images).astype(np.float32)).unsqueeze(1)
    return F.avg_pool2d(x, factor).squeeze(1).round().clamp(0, 255).to(torch.uint8).numpy()


def bicubic(small: np.ndarray, size: int = data.IMAGE_SHAPE[0]) -> np.ndarray:
    """Baseline: PIL's bicubic resize of each small image to size × size."""
    return np.stack([np.asarray(Image.fromarray(im).resize((size, size), Image.Resampling.BICUBIC))
                     for im in _as_batch(small)])


def _low_pass(x: torch.Tensor, factor: int) -> torch.Tensor:
    """Block means, spread back over each block: what the small image can say about x."""
    return F.interpolate(F.avg_pool2d(x, factor), scale_factor=factor, mode="nearest")


def super_resolve(model: Diffusion, small: np.ndarray, labels, seed: int, steps: int = EDIT_STEPS,
                  guidance: float = DEFAULTS["guidance"]) -> np.ndarray:
    """Small uint8 images (N, 28/f, 28/f) → (N, 28, 28) whose f×f block means match the input."""
    small = _as_batch(small)
    if small.shape[1] != small.shape[2] or data.IMAGE_SHAPE[0] % small.shape[1]:
        raise EditError("small_shape", shape="×".join(map(str, small.shape[1:])))
    factor = data.IMAGE_SHAPE[0] // small.shape[1]
    if factor not in SR_FACTORS:
        raise EditError("factor", factor=factor, allowed=", ".join(map(str, SR_FACTORS)))
    reference = F.interpolate(to_model_space(small), scale_factor=factor, mode="nearest").to(model.device)
    scheduler = _scheduler(model, steps)
    generator = torch.Generator().manual_seed(int(seed))
    x = torch.randn(reference.shape, generator=generator).to(model.device) * scheduler.init_noise_sigma

    def match_low_frequencies(i: int, x: torch.Tensor) -> torch.Tensor:
        target = _noised(model, reference, _next_t(scheduler.timesteps, i), generator)
        return x - _low_pass(x, factor) + _low_pass(target, factor)

    out = model.denoise(x, _labels(labels, len(small)), scheduler, scheduler.timesteps, generator, guidance,
                        after_step=match_low_frequencies)
    return to_uint8(out)


# --- editing (SDEdit) ------------------------------------------------------------------------------


def sdedit(model: Diffusion, images: np.ndarray, target_labels, strength: float, seed: int,
           steps: int = EDIT_STEPS, guidance: float = 3.0) -> dict[str, np.ndarray]:
    """Noise images to ``strength`` · T, then denoise toward ``target_labels``.

    Returns ``images`` (N,28,28), the noised start ``start`` and its timestep ``t_start``.
    """
    if not 0.0 < float(strength) <= 1.0:
        raise EditError("strength", value=strength)
    images = _as_batch(images)
    x0 = to_model_space(images).to(model.device)
    scheduler = _scheduler(model, steps)
    t_max = int(round(float(strength) * (model.scheduler.config.num_train_timesteps - 1)))
    timesteps = scheduler.timesteps[scheduler.timesteps <= t_max]
    if len(timesteps) == 0:  # weaker than the first step: nothing to redo
        timesteps = scheduler.timesteps[-1:]
    generator = torch.Generator().manual_seed(int(seed))
    start = _noised(model, x0, int(timesteps[0]), generator)
    out = model.denoise(start, _labels(target_labels, len(images)), scheduler, timesteps, generator, guidance)
    return {"images": to_uint8(out), "start": to_uint8(start), "t_start": int(timesteps[0])}


# --- quality against the original -----------------------------------------------------------------


def quality(result: np.ndarray, original: np.ndarray) -> dict[str, np.ndarray]:
    """Per-image PSNR (dB) and SSIM of uint8 results against the originals (higher is closer)."""
    from torchmetrics.functional.image import peak_signal_noise_ratio, structural_similarity_index_measure

    a = torch.from_numpy(_as_batch(result).astype(np.float32) / 255).unsqueeze(1)
    b = torch.from_numpy(_as_batch(original).astype(np.float32) / 255).unsqueeze(1)
    psnr = peak_signal_noise_ratio(a, b, data_range=1.0, reduction="none", dim=(1, 2, 3))
    ssim = structural_similarity_index_measure(a, b, data_range=1.0, reduction="none", kernel_size=7)
    return {"psnr": psnr.numpy(), "ssim": ssim.numpy()}
