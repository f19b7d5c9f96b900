"""Loaders of the image-model pages (Compare, GAN, flow, diffusion): the four shipped families,
their samples, the reverse-process trajectories and the GAN's and the flow's own views.
See :mod:`dashboard.core.loaders` for how models are shared."""

from __future__ import annotations

import streamlit as st

from dashboard.core.loaders import LOAD_ERRORS, Guarded, device, test_split
from dashboard.serving import shared


@st.cache_resource(show_spinner=False)
def zoo_model(family: str) -> Guarded:
    """One of the four image-model families (gan, vae, flow, diffusion)."""
    from models.image import zoo

    return Guarded(zoo.load(family, device()))


@shared(heavy=True)
def diffusion_trajectory(label: int, seed: int, sampler: str, steps: int, guidance: float, n: int) -> dict:
    """Cached reverse process: the same settings give the same pictures, so reuse them."""
    import time

    model = zoo_model("diffusion")
    start = time.perf_counter()
    with model as diffusion:
        result = diffusion.trajectory([label] * n, seed, sampler=sampler, steps=steps, guidance=guidance)
    return {**result, "seconds": time.perf_counter() - start}


@shared(heavy=lambda family, *_, **__: family == "diffusion")
def generate(family: str, labels, seed: int, **options) -> tuple:
    """Sample with a shipped family under its lock; returns ``(images, seconds)``."""
    import time

    from models.image import zoo

    model = zoo_model(family)
    start = time.perf_counter()
    with model as m:
        images = zoo.sample(m, family, labels, seed, **options)
    return images, time.perf_counter() - start


@shared
def gan_walk(label: int, seed_a: int, seed_b: int, frames: int):
    """Decode a slerp walk in the GAN's latent space from z(seed_a) to z(seed_b)."""
    import numpy as np

    from models.latent.latent import slerp

    with zoo_model("gan") as gan:
        za, zb = gan.latent(1, seed_a)[0], gan.latent(1, seed_b)[0]
        z = slerp(za, zb, np.linspace(0, 1, frames))
        return gan.decode(z, np.full(frames, label))


@shared
def discriminator_scores(label: int, seed: int, n: int) -> dict:
    """D's raw scores on ``n`` real test images and ``n`` generated images of one class."""
    from models.core import data as d

    real = d.examples(test_split(), label, n, seed)
    labels = [label] * n
    with zoo_model("gan") as gan:
        fake = gan.sample(labels, seed)
        return {"real": real, "fake": fake, "d_real": gan.discriminate(real, labels),
                "d_fake": gan.discriminate(fake, labels)}


@st.cache_resource(show_spinner=False)
def gan_snapshots():
    """Images from a fixed z after every training epoch, (epochs, 16, 28, 28)."""
    from models.image.gan import load_snapshots

    return load_snapshots()


@shared
def flow_view(index: int) -> dict:
    """One test image through the flow: z = f(x), f⁻¹(z), exact bits/dim, class posterior; VAE bound beside."""
    import numpy as np

    from models.core import data as d

    test = test_split()
    image, label = test.images[index][None], test.labels[index][None]
    flipped = image[:, ::-1].copy()
    noise = d.noise_images(1, index)
    with zoo_model("flow") as flow:
        z = flow.encode(image)
        out = {
            "image": image[0], "z": z.reshape(28, 28).numpy(), "reconstruction": flow.decode(z)[0],
            "round_trip": flow.round_trip_error(image),
            "bpd": float(flow.bits_per_dim(image, label)[0]),
            "bpd_any": float(flow.bits_per_dim(image)[0]),
            "bpd_flipped": float(flow.bits_per_dim(flipped)[0]), "bpd_noise": float(flow.bits_per_dim(noise)[0]),
            "log_p_class": flow.log_prob_per_class(image)[0], "flipped": flipped[0],
        }
    logp = out["log_p_class"] - out["log_p_class"].max()
    out["posterior"] = np.exp(logp) / np.exp(logp).sum()
    try:
        with zoo_model("vae") as vae:
            out["vae_bpd"] = float(vae.bits_per_dim(image, label)[0])
    except LOAD_ERRORS:
        out["vae_bpd"] = None
    return out


@shared
def flow_samples(label: int, seed: int, temperature: float, n: int):
    with zoo_model("flow") as flow:
        return flow.sample([label] * n, seed, temperature=temperature)
