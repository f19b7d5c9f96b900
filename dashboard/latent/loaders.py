"""Loaders of the latent-space pages (latent map, autoencoder, interpolation): the shipped
autoencoders and the views computed from them. See :mod:`dashboard.core.loaders`."""

from __future__ import annotations

import streamlit as st

from dashboard.core.loaders import Guarded, device, test_split, train_subset
from dashboard.serving import shared
from models.core import data


@st.cache_resource(show_spinner=False)
def latent_model(name: str) -> Guarded:
    """A shipped autoencoder of the latent-space pages (``models.latent.autoencoders.SHIPPED``)."""
    from models.latent.autoencoders import LatentModel

    return Guarded(LatentModel.load(name, device()))


@shared(heavy=True)
def latent_map(name: str) -> dict:
    """The 10k test images on the model's 2-D map, with the region that holds 99 % of them."""
    import numpy as np

    test = test_split()
    with latent_model(name) as model:
        points = model.to_2d(model.encode(test.images)["code"])
    lo, hi = np.percentile(points, 0.5, axis=0), np.percentile(points, 99.5, axis=0)
    pad = 0.05 * (hi - lo)
    return {"points": points, "labels": test.labels, "lo": lo - pad, "hi": hi + pad}


@shared
def latent_decode_2d(name: str, points):
    with latent_model(name) as model:
        return model.decode_2d(points)


@shared
def latent_prior_samples(name: str, n: int, seed: int):
    with latent_model(name) as model:
        return model.sample(n, seed)


@shared
def posterior_view(name: str, image, draws: int, seed: int) -> dict:
    """One image through a VAE: μ, σ, reparameterised draws and their decodes, reconstruction, ELBO terms."""
    import numpy as np

    with latent_model(name) as model:
        out = model.posterior_draws(image, draws, seed)
        out["reconstruction"] = model.reconstruct(image[None])[0]
        terms = model.elbo_terms(image[None], seed=seed)
    out |= {key: float(value[0]) for key, value in terms.items()}
    out["error"] = np.abs(image.astype(np.float32) - out["reconstruction"].astype(np.float32)) / 255.0
    return out


@shared(heavy=True)
def latent_class_means(name: str):
    """Mean code of every class over the shipped 10k training subset."""
    from models.latent.latent import class_means

    train = train_subset()
    with latent_model(name) as model:
        codes = model.encode(train.images)["code"]
    return class_means(codes, train.labels, data.NUM_CLASSES)


@shared
def latent_interpolation(name: str, a, b, frames: int):
    with latent_model(name) as model:
        return model.interpolate(a, b, frames)


@shared
def latent_arithmetic(name: str, image, minus: int, plus: int, neighbours: int) -> dict:
    """code(image) − mean(class ``minus``) + mean(class ``plus``), decoded, with its nearest real images."""
    from models.latent.latent import nearest_neighbours

    means = latent_class_means(name)
    with latent_model(name) as model:
        code = model.encode(image[None])["code"][0] - means[minus] + means[plus]
        result = model.decode(code[None])[0]
    pool = train_subset()
    idx = nearest_neighbours(pool.images, result[None], neighbours)[0]
    return {"result": result, "neighbours": pool.images[idx], "neighbour_labels": pool.labels[idx]}
