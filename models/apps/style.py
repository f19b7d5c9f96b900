"""Style transfer, and the closest thing our Fashion-MNIST models can do.

Real style transfer keeps an image's *content* (what is where) and changes its *style* (how it is
drawn): a photo repainted in the brush strokes of a painting. Gatys et al. (2015) optimise the
pixels of a new image so that a pretrained network's deep features match the photo and the
correlations of its features (Gram matrices) match the painting; later work trains one network
per style to do it in a single pass (Johnson et al. 2016), any style at once (AdaIN, Huang and
Belongie 2017), and today diffusion models do it by image-to-image editing.

Our models know ten classes of 28×28 greyscale clothing and no painting styles, so the honest
demonstration keeps a picture's layout and changes its *class*, in two ways that both take a
``strength`` from 0 (the input) to 1 (as far as the method goes):

* **SDEdit** with the class-conditional diffusion model (:func:`models.apps.editing.sdedit`):
  noise the image to ``strength`` · T, then denoise it toward the target class.
* **A VAE attribute direction** (latent arithmetic): encode the image with the 16-d VAE, move its
  latent code by ``strength`` · (mean code of the target class − mean code of the source class),
  decode. At strength 0 this is the VAE's reconstruction, not the input: the decoder always redraws.

How much content a result keeps is measured by its SSIM to the input; how far its style went, by
the judge's P(target). No Streamlit import; no global random state (SDEdit takes a seed).
"""

from __future__ import annotations

import numpy as np

from models.apps import editing

METHODS: tuple[str, ...] = ("sdedit", "vae")
STRENGTH_RANGE = (0.0, 1.0)


def _check_strength(strength: float) -> float:
    lo, hi = STRENGTH_RANGE
    if not lo <= float(strength) <= hi:
        raise editing.EditError("strength", value=strength)
    return float(strength)


def class_direction(class_means: np.ndarray, source: int, target: int) -> np.ndarray:
    """The latent direction from class ``source`` to class ``target``: the difference of their mean codes."""
    class_means = np.asarray(class_means, dtype=np.float32)
    return class_means[int(target)] - class_means[int(source)]


def vae_transfer(vae, images: np.ndarray, class_means: np.ndarray, source: int, target: int,
                 strength: float) -> np.ndarray:
    """uint8 images (N,28,28) → decodes of code + ``strength`` · (mean[target] − mean[source]).

    ``vae`` is a :class:`models.latent.autoencoders.LatentModel` (encode → ``code``, decode codes)."""
    strength = _check_strength(strength)
    codes = vae.encode(editing._as_batch(images))["code"]
    moved = codes + strength * class_direction(class_means, source, target)[None]
    return vae.decode(moved.astype(np.float32))


def sdedit_transfer(diffusion, images: np.ndarray, target: int, strength: float, seed: int,
                    steps: int = editing.EDIT_STEPS) -> np.ndarray:
    """uint8 images (N,28,28) noised to ``strength`` and denoised toward ``target``; strength 0 keeps them."""
    strength = _check_strength(strength)
    images = editing._as_batch(images)
    if strength == 0.0:
        return images.copy()
    return editing.sdedit(diffusion, images, target, strength, seed, steps=steps)["images"]


def scores(judge, originals: np.ndarray, results: np.ndarray, target: int) -> dict[str, np.ndarray]:
    """Per result: ``p_target`` (the judge's probability of the target class: how far the style went)
    and ``ssim`` to its original (how much of the content stayed)."""
    results, originals = editing._as_batch(results), editing._as_batch(originals)
    originals = np.broadcast_to(originals, results.shape)
    return {"p_target": judge.predict_proba(results)[:, int(target)],
            "ssim": editing.quality(results, originals)["ssim"]}
