"""Interpolation and latent arithmetic: walking between images in latent space vs pixel space."""

import numpy as np
import streamlit as st

from dashboard.core import loaders, pictures, widgets
from dashboard.core.i18n import t
from dashboard.core.image_picker import pick_image
from dashboard.image import loaders as image_loaders
from dashboard.latent import loaders as latent_loaders
from models.latent.autoencoders import MAIN_VAE, pixel_interpolation

widgets.setup_page()
st.title(t("interp.title"))
widgets.paragraph("interp.intro")
widgets.load_or_stop(lambda: latent_loaders.latent_model(MAIN_VAE))
names = widgets.class_names()

# 1. Two images ---------------------------------------------------------------------------
st.header(t("interp.pick.header"))
col_a, col_b = st.columns(2)
image_a, caption_a, label_a = pick_image("a", 0, container=col_a)
image_b, caption_b, _ = pick_image("b", 1, container=col_b)

# 2. Latent walk vs cross-fade -------------------------------------------------------------
st.header(t("interp.walk.header"))
widgets.paragraph("interp.walk.body")
frames = widgets.synced_int(st.slider, t("interp.frames"), "frames", 10, 3, 16)
latent = latent_loaders.latent_interpolation(MAIN_VAE, image_a, image_b, frames)
pixels = pixel_interpolation(image_a, image_b, frames)
walk_cols = pictures.fit_cols(frames, 10)  # 16 frames: two rows of 8, each image ≥ 64 px wide
with widgets.key_figure():  # the latent walk above the pixel cross-fade, tile under tile
    for kind, walk in (("latent", latent), ("pixel", pixels)):
        pictures.show_grid(walk, walk_cols, caption=t(f"interp.alt.{kind}", n=frames), key=f"walk_{kind}", gif=walk,
                           file_name=pictures.file_name("interpolation", kind, frames=frames))
st.caption(t("interp.walk.caption", a=caption_a, b=caption_b))

# 3. The GAN's latent space, for comparison ------------------------------------------------
st.header(t("interp.gan.header"))
widgets.paragraph("interp.gan.body")
label, seed_a, seed_b = widgets.class_and_two_seeds(("gcls", "ga", "gb"), (7, 1, 2))
try:
    walk = image_loaders.gan_walk(label, seed_a, seed_b, frames)
except loaders.LOAD_ERRORS as exc:
    st.warning(t("common.load_error", detail=str(exc)), icon="⚠️")
else:
    pictures.show_grid(walk, walk_cols, caption=t("interp.gan.row", name=names[label]), key="gan_walk", gif=walk,
                       file_name=pictures.file_name("interpolation", "gan", cls=label, a=seed_a, b=seed_b,
                                                    frames=frames))

# 4. Latent arithmetic --------------------------------------------------------------------
st.header(t("interp.arith.header"))
widgets.paragraph("interp.arith.body")
a1, a2 = st.columns(2)
# by default: take A's own class away and add the sneaker class (or the ankle boot, for a sneaker)
own = label_a if label_a is not None else 0
minus = widgets.class_select(t("interp.arith.minus"), "minus", default=own, container=a1)
plus = widgets.class_select(t("interp.arith.plus"), "plus", default=9 if own == 7 else 7, container=a2)
result = latent_loaders.latent_arithmetic(MAIN_VAE, image_a, minus, plus, neighbours=5)
pictures.show_grid(np.stack([image_a, result["result"], *result["neighbours"]]), 7, key="arith",
                   titles=["A", t("interp.arith.result"), *[names[int(c)] for c in result["neighbour_labels"]]],
                   caption=t("interp.arith.row", minus=names[minus], plus=names[plus]),
                   file_name=pictures.file_name("interpolation", "arithmetic", minus=minus, plus=plus))
st.caption(t("interp.arith.caption"))

m = loaders.metrics(MAIN_VAE)
widgets.model_card([
    (t("card.data"), t("latent.card.data", n=f"{m.get('train_images', 0):,}")),
    (t("card.models"), t("interp.card.model", p=f"{m.get('parameters', 0):,}")),
    (t("card.training"), t("latent.card.training", epochs=m.get("epochs", 0),
                           minutes=f"{m.get('wall_time_s', 0) / 60:.1f}")),
    (t("card.metrics"), t("interp.card.metrics", mse=f"{m.get('test_mse', float('nan')):.4f}",
                          bpd=f"{m.get('test_bpd_bound', float('nan')):.2f}")),
    (t("card.limits"), t("interp.card.limits")),
], developer=[
    (t("card.retrain"), f"`python -m models train {MAIN_VAE}`"),
])
