"""Loaders of the applications pages: inpainting, super-resolution and SDEdit with the diffusion model,
and the class-imbalanced models of pros & cons. See :mod:`dashboard.core.loaders`."""

from __future__ import annotations

import streamlit as st

from dashboard.core.loaders import Guarded, device, judge
from dashboard.image.loaders import zoo_model
from dashboard.serving import shared


@st.cache_resource(show_spinner=False)
def bias_model(family: str) -> Guarded:
    """The unconditional GAN or VAE trained on the class-imbalanced subset (pros & cons page)."""
    from models.apps import bias

    return Guarded(bias.load(family, device()))



def _quality(results: dict, original) -> dict[str, dict[str, float]]:
    """PSNR and SSIM of each result image against the original."""
    from models.apps import editing

    return {name: {k: float(v[0]) for k, v in editing.quality(image, original).items()}
            for name, image in results.items()}


@shared(heavy=True)
def inpainting(image, mask, label: int, seed: int) -> dict:
    """Fill the masked part of one image with the diffusion model and with the VAE baseline; PSNR/SSIM."""
    import time

    from models.apps import editing

    start = time.perf_counter()
    with zoo_model("diffusion") as diffusion:
        filled = editing.inpaint(diffusion, image, mask, label, seed)[0]
    seconds = time.perf_counter() - start
    with zoo_model("vae") as vae:
        baseline = editing.inpaint_vae(vae, image, mask, label)[0]
    results = {"diffusion": filled, "vae": baseline}
    return {"images": results, "seconds": seconds, "quality": _quality(results, image)}


@shared(heavy=True)
def super_resolution(image, factor: int, label: int, seed: int) -> dict:
    """Shrink one image by ``factor``, then bring it back to 28×28 by bicubic and by the diffusion model."""
    import time

    from models.apps import editing

    small = editing.downsample(image, factor)
    start = time.perf_counter()
    with zoo_model("diffusion") as diffusion:
        restored = editing.super_resolve(diffusion, small, label, seed)[0]
    seconds = time.perf_counter() - start
    results = {"bicubic": editing.bicubic(small)[0], "diffusion": restored}
    return {"small": small[0], "images": results, "seconds": seconds, "quality": _quality(results, image)}


@shared(heavy=True)
def sdedit_strengths(image, target: int, strengths: tuple[float, ...], seed: int) -> dict:
    """SDEdit of one image toward ``target`` at several strengths; the judge's P(target) and SSIM to the input."""
    import numpy as np

    from models.apps import editing

    with zoo_model("diffusion") as diffusion:
        runs = [editing.sdedit(diffusion, image, target, s, seed) for s in strengths]
    edited = np.stack([r["images"][0] for r in runs])
    with judge() as j:
        p_target = j.predict_proba(edited)[:, int(target)]
    return {"images": edited, "starts": np.stack([r["start"][0] for r in runs]),
            "t_start": [r["t_start"] for r in runs], "p_target": p_target.tolist(),
            "ssim": editing.quality(edited, np.repeat(np.asarray(image)[None], len(runs), 0))["ssim"].tolist()}


@shared(heavy=True)
def style_transfer(image, class_means, source: int, target: int, strength: float, seed: int) -> dict:
    """The style-transfer stand-in: SDEdit toward ``target`` and the 16-d VAE moved along the class direction
    from ``source`` to ``target`` (``class_means``: :func:`dashboard.latent.loaders.latent_class_means`, fetched
    by the caller so that two heavy calls never nest), both at ``strength``; per method the judge's P(target)
    and SSIM to the input."""
    import time

    import numpy as np

    from dashboard.latent import loaders as latent_loaders
    from models.apps import style
    from models.latent.autoencoders import MAIN_VAE

    image = np.asarray(image, dtype=np.uint8)
    start = time.perf_counter()
    with zoo_model("diffusion") as diffusion:
        sdedit = style.sdedit_transfer(diffusion, image, target, strength, seed)[0]
    seconds = time.perf_counter() - start
    with latent_loaders.latent_model(MAIN_VAE) as vae:
        moved = style.vae_transfer(vae, image, class_means, source, target, strength)[0]
    results = {"sdedit": sdedit, "vae": moved}
    with judge() as j:
        measured = style.scores(j, image, np.stack(list(results.values())), target)
    return {"images": results, "seconds": seconds,
            "scores": {name: {k: float(v[i]) for k, v in measured.items()} for i, name in enumerate(results)}}


@shared
def judged_class(image) -> int:
    """The class the judge sees in a user's picture (uploads and drawings carry no label)."""
    import numpy as np

    with judge() as j:
        return int(j.predict_proba(np.asarray(image, dtype=np.uint8)[None]).argmax(1)[0])
