"""GAN: a generator and a discriminator trained against each other."""

import numpy as np
import streamlit as st

from dashboard.core import charts, loaders, pictures, widgets
from dashboard.core.i18n import t
from dashboard.image import loaders as image_loaders

widgets.setup_page()
st.title(t("gan.title"))
widgets.paragraph("gan.intro")
widgets.load_or_stop(lambda: image_loaders.zoo_model("gan"))
names = widgets.class_names()

# 1. The generator: z → image -----------------------------------------------------------
st.header(t("gan.generator.header"))
widgets.paragraph("gan.latent.body")  # the course's first latent page: the latent variable, defined
st.latex(r"p(x) = \int p(x \mid z)\, p(z)\, dz")
st.caption(t("gan.latent.formula_caption"))
widgets.paragraph("gan.generator.body")
label, seed_a, seed_b = widgets.class_and_two_seeds(("cls", "za", "zb"), (0, 0, 1))
frames = image_loaders.gan_walk(label, seed_a, seed_b, 9)
position = widgets.synced_int(st.slider, t("gan.walk"), "pos", 0, 0, 8, help=t("gan.walk_help"))
walk_name = pictures.file_name("gan", "walk", cls=label, za=seed_a, zb=seed_b)
with widgets.key_figure():
    big, strip = st.columns([1, 4], vertical_alignment="center")
    pictures.show_grid(frames[position][None], 1, caption=t("gan.alt.frame", pos=position, name=names[label]),
                       file_name=f"{walk_name}-pos{position}", key="walk_image", container=big)
    pictures.show_grid(frames, 9, titles=[f"{i / 8:.2f}" for i in range(9)], caption=t("gan.walk_caption"),
                       file_name=walk_name, key="walk_strip", container=strip, gif=frames)

# 2. The discriminator's view ----------------------------------------------------------
st.header(t("gan.discriminator.header"))
# the objective sits with the discriminator, so the generator's walk (the key figure) stays near the top
st.latex(r"\min_G \max_D \; \mathbb{E}_{x\sim p_\text{data}}[\log D(x)]"
         r" + \mathbb{E}_{z\sim\mathcal{N}(0,I)}[\log(1 - D(G(z)))]")
st.caption(t("gan.loss_note"))
widgets.paragraph("gan.discriminator.body")
seed = widgets.seed_input(name="seed", default=0)
scores = image_loaders.discriminator_scores(label, seed, 8)
for kind, score in (("real", "d_real"), ("fake", "d_fake")):  # one full row each: 8 tiles wide enough to read
    pictures.show_grid(scores[kind], 8, titles=[f"{s:+.1f}" for s in scores[score]],
                       caption=t(f"gan.{kind}", name=names[label]), key=kind,
                       file_name=pictures.file_name("gan", f"d-{kind}", cls=label, seed=seed))
m = loaders.metrics("gan")
detector = loaders.benchmark("risks").get("families", {}).get("gan", {}).get("detector_accuracy")
widgets.paragraph("gan.discriminator.verdict", real=f"{np.mean(scores['d_real']):+.2f}",
                  fake=f"{np.mean(scores['d_fake']):+.2f}",
                  d_real=f"{m['d_real'][-1]:+.2f}" if m.get("d_real") else "–",
                  d_fake=f"{m['d_fake'][-1]:+.2f}" if m.get("d_fake") else "–",
                  detector=f"{detector:.1%}" if detector is not None else "–")

# 3. Training, epoch by epoch ----------------------------------------------------------
st.header(t("gan.training.header"))
widgets.paragraph("gan.training.body")
snapshots = image_loaders.gan_snapshots()
epoch = widgets.synced_int(st.slider, t("gan.training.epoch"), "epoch", len(snapshots), 1, len(snapshots))
pictures.show_grid(snapshots[epoch - 1], 8, caption=t("gan.training.snapshot", epoch=epoch), key="snapshot",
                   file_name=pictures.file_name("gan", "training", epoch=epoch))
left, right = st.columns(2)
left.plotly_chart(charts.curves({t("gan.training.g_loss"): m.get("g_loss", []),
                                  t("gan.training.d_loss"): m.get("d_loss", [])},
                                 t("gan.training.x"), t("gan.training.loss"), height=260), key="losses")
right.plotly_chart(charts.curves({t("gan.training.d_real"): m.get("d_real", []),
                                  t("gan.training.d_fake"): m.get("d_fake", [])},
                                 t("gan.training.x"), t("gan.training.score"), height=260), key="scores")
st.caption(t("gan.training.caption"))

widgets.model_card([
    (t("card.data"), t("gan.card.data", n=f"{m.get('train_images', 0):,}")),
    (t("card.models"), t("gan.card.model", g=f"{m.get('parameters', 0):,}", d=f"{m.get('parameters_d', 0):,}")),
    (t("card.training"), t("gan.card.training", epochs=m.get("epochs", 0),
                           minutes=f"{m.get('wall_time_s', 0) / 60:.0f}")),
    (t("card.limits"), t("gan.card.limits")),
], developer=[
    (t("card.retrain"), "`python -m models train gan`"),
    (t("card.log"), "`assets/checkpoints/gan/metrics.json`"),
])
