"""Encoder, decoder and reconstruction: one image through a VAE, and what β trades."""

import numpy as np
import streamlit as st

from dashboard.core import charts, loaders, pictures, widgets
from dashboard.core.i18n import t
from dashboard.latent import loaders as latent_loaders

BETAS = ("0.25", "1", "4")
DRAWS = 8

widgets.setup_page()
st.title(t("autoencoder.title"))
widgets.paragraph("autoencoder.intro")
for beta in BETAS:
    widgets.load_or_stop(lambda beta=beta: latent_loaders.latent_model(f"vae16_beta{beta}"))
test = loaders.test_split()
names = widgets.class_names()

# 1. Controls ------------------------------------------------------------------------------
c1, c2, c3 = st.columns([2, 2, 1])
index = widgets.synced_int(c1.number_input, t("autoencoder.image", n=len(test) - 1), "img", 0, 0, len(test) - 1,
                           step=1)
beta_labels = [f"β = {b}" for b in BETAS]
beta_i = widgets.synced_index(c2.select_slider, t("autoencoder.beta"), "beta", beta_labels, 1,
                              help=t("autoencoder.beta_help"))
seed = widgets.seed_input(container=c3)
name = f"vae16_beta{BETAS[beta_i]}"
image = test.images[index]
view = latent_loaders.posterior_view(name, image, DRAWS, seed)

# 2. Encoder: μ and σ ---------------------------------------------------------------------
st.header(t("autoencoder.encoder.header"))
widgets.paragraph("autoencoder.encoder.body")
with widgets.key_figure():  # one image in, its code's μ and σ out
    left, right = st.columns([1, 3])
pictures.show_grid(image[None], 1, caption=t("autoencoder.input", name=names[int(test.labels[index])]), container=left,
                   key="input", file_name=pictures.file_name("autoencoder", "input", img=index))
dims = [f"z{i + 1}" for i in range(len(view["mu"]))]
fig = charts.bars(view["mu"], dims, t("autoencoder.encoder.dim"), t("autoencoder.encoder.value"), height=280)
fig.data[0].error_y = dict(type="data", array=view["sigma"], visible=True, color="#888")
right.plotly_chart(fig, key="mu_sigma")
right.caption(t("autoencoder.encoder.caption", sigma=f"{float(np.mean(view['sigma'])):.2f}"))

# 3. Reparameterisation and the decoder ------------------------------------------------
st.header(t("autoencoder.decoder.header"))
st.latex(r"z = \mu + \sigma \odot \varepsilon,\qquad \varepsilon \sim \mathcal{N}(0, I)")
widgets.paragraph("autoencoder.decoder.body")
pictures.show_grid(view["images"], DRAWS, caption=t("autoencoder.decoder.draws"), key="draws",
                   file_name=pictures.file_name("autoencoder", "draws", img=index, beta=BETAS[beta_i], seed=seed))

# 4. Reconstruction error ----------------------------------------------------------------
st.header(t("autoencoder.error.header"))
a, b, c = st.columns(3)
pictures.show_grid(image[None], 1, caption=t("autoencoder.error.x"), container=a, key="x",
                   file_name=pictures.file_name("autoencoder", "x", img=index))
pictures.show_grid(view["reconstruction"][None], 1, caption=t("autoencoder.error.xhat"), container=b, key="xhat",
                   file_name=pictures.file_name("autoencoder", "reconstruction", img=index, beta=BETAS[beta_i]))
c.plotly_chart(charts.heatmap(view["error"], title=t("autoencoder.error.map"), height=250, colorscale="Inferno",
                              zmin=0, zmax=1), key="error")
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("autoencoder.error.mse"), f"{float(np.mean(view['error'] ** 2)):.4f}")
m2.metric(t("autoencoder.error.rec"), f"{view['rec']:.0f}")
m3.metric(t("autoencoder.error.kl"), f"{view['kl']:.1f}")
m4.metric(t("autoencoder.error.bpd"), f"{view['bpd']:.2f}")
# The bound holds for β = 1 only; the β-weighted training objective is shown on its own.
st.latex(r"\log p(x) \;\ge\; \mathrm{ELBO} = \underbrace{\mathbb{E}_{q(z|x)}[\log p(x|z)]}_{\text{"
         + t("autoencoder.error.rec_short")
         + r"}} \;-\; \underbrace{\mathrm{KL}\big(q(z|x)\,\|\,p(z)\big)}_{\text{KL}}")
st.latex(r"\mathcal{L}_\beta = \mathbb{E}_{q(z|x)}[\log p(x|z)] \;-\; \beta\,\mathrm{KL}\big(q(z|x)\,\|\,p(z)\big)")
widgets.paragraph("autoencoder.error.body")

# 5. The β trade-off across the shipped models -------------------------------------------
st.header(t("autoencoder.tradeoff.header"))
rows = {b: loaders.metrics(f"vae16_beta{b}") for b in BETAS}
t1, t2 = st.columns(2)
t1.plotly_chart(charts.curves({t("autoencoder.tradeoff.mse"): [rows[b].get("test_mse", np.nan) for b in BETAS]},
                              "β", t("autoencoder.tradeoff.mse"), x=[float(b) for b in BETAS], log_x=True, height=300,
                              vline=float(BETAS[beta_i])), key="beta_mse")
t2.plotly_chart(charts.curves({t("autoencoder.tradeoff.kl"): [rows[b].get("test_kl_nats", np.nan) for b in BETAS]},
                              "β", t("autoencoder.tradeoff.kl"), x=[float(b) for b in BETAS], log_x=True, height=300,
                              vline=float(BETAS[beta_i])), key="beta_kl")
samples = {b: latent_loaders.latent_prior_samples(f"vae16_beta{b}", 8, seed) for b in BETAS}
pictures.show_grid(np.concatenate(list(samples.values())), 8, caption=t("autoencoder.tradeoff.samples"),
                   titles=[f"β = {b}" if i == 0 else "" for b in BETAS for i in range(8)], key="beta_samples",
                   file_name=pictures.file_name("autoencoder", "prior-samples", seed=seed))
widgets.paragraph("autoencoder.tradeoff.body")

m = rows[BETAS[beta_i]]
widgets.model_card([
    (t("card.data"), t("latent.card.data", n=f"{m.get('train_images', 0):,}")),
    (t("card.models"), t("autoencoder.card.model", p=f"{m.get('parameters', 0):,}", beta=BETAS[beta_i])),
    (t("card.training"), t("latent.card.training", epochs=m.get("epochs", 0),
                           minutes=f"{m.get('wall_time_s', 0) / 60:.1f}")),
    (t("card.metrics"), " · ".join(t("autoencoder.card.metrics", beta=b, mse=f"{rows[b].get('test_mse', np.nan):.4f}",
                                     kl=f"{rows[b].get('test_kl_nats', np.nan):.1f}",
                                     bpd=f"{rows[b].get('test_bpd_bound', np.nan):.2f}") for b in BETAS)),
    (t("card.limits"), t("autoencoder.card.limits")),
], developer=[
    (t("card.retrain"), f"`python -m models train {name}`"),
])
