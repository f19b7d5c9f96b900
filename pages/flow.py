"""Normalizing flows: an invertible network and the exact likelihood it gives."""

import numpy as np
import streamlit as st

from dashboard.core import charts, loaders, pictures, widgets
from dashboard.core.i18n import t
from dashboard.image import figures
from dashboard.image import loaders as image_loaders

widgets.setup_page()
st.title(t("flow.title"))
widgets.paragraph("flow.intro")
widgets.load_or_stop(lambda: image_loaders.zoo_model("flow"))
test = widgets.load_or_stop(loaders.test_split)
names = widgets.class_names()

# 1. Change of variables ---------------------------------------------------------------
st.header(t("flow.formula.header"))
st.latex(r"\log p_X(x) = \log p_Z\big(f(x)\big) + \log\left|\det \frac{\partial f(x)}{\partial x}\right|")
widgets.paragraph("flow.formula.body")
with widgets.key_figure():  # the change of variables, drawn
    st.plotly_chart(figures.warp_figure((t("flow.warp.z"), t("flow.warp.map"), t("flow.warp.x"))), key="warp")
    st.caption(t("flow.warp.caption"))

# 2. An image there and back -----------------------------------------------------------
st.header(t("flow.roundtrip.header"))
widgets.paragraph("flow.roundtrip.body")
index = widgets.synced_int(st.number_input, t("flow.roundtrip.image", n=len(test) - 1), "img", 0, 0,
                           len(test) - 1, step=1)
view = image_loaders.flow_view(index)
c1, c2, c3 = st.columns(3)
pictures.show_grid(view["image"][None], 1, caption=t("flow.roundtrip.x"), container=c1, key="x",
                   file_name=pictures.file_name("flow", "x", img=index))
c2.plotly_chart(charts.heatmap(view["z"], title=t("flow.roundtrip.z"), height=250, colorscale="RdBu_r",
                               zmin=-3, zmax=3), key="z")
pictures.show_grid(view["reconstruction"][None], 1, caption=t("flow.alt.back"), container=c3, key="back",
                   file_name=pictures.file_name("flow", "back", img=index))
st.markdown(t("flow.roundtrip.error", err=f"{view['round_trip']:.1e}"))

st.subheader(t("flow.likelihood.header"))
a, b, c, d = st.columns(4)
a.metric(t("flow.likelihood.this"), f"{view['bpd']:.2f}")
b.metric(t("flow.likelihood.vae"), f"{view['vae_bpd']:.2f}" if view["vae_bpd"] is not None else "—")
c.metric(t("flow.likelihood.flipped"), f"{view['bpd_flipped']:.2f}")
d.metric(t("flow.likelihood.noise"), f"{view['bpd_noise']:.2f}")
widgets.paragraph("flow.likelihood.body")
truth = int(test.labels[index])
st.plotly_chart(charts.probability_bars({t("flow.likelihood.posterior"): view["posterior"]}, names, highlight=truth,
                                        height=320), key="posterior")
st.caption(t("flow.likelihood.posterior_caption", name=names[int(np.argmax(view["posterior"]))],
             truth=names[truth]))

# 3. Sampling at a temperature ---------------------------------------------------------
st.header(t("flow.sample.header"))
widgets.paragraph("flow.sample.body")
s1, s2, s3 = st.columns(3)
label = widgets.class_select(t("flow.sample.class"), "cls", default=0, container=s1)
seed = widgets.seed_input(container=s2)
temperature = widgets.synced_scaled(s3.slider, t("flow.sample.temperature"), "temp", 70, 0, 120, scale=100, step=5)
samples = image_loaders.flow_samples(label, seed, temperature, 8)
pictures.show_grid(samples, 8, caption=t("flow.sample.grid", name=names[label], temp=f"{temperature:.2f}"),
                   key="samples", file_name=pictures.file_name("flow", "samples", cls=label, seed=seed,
                                                               temp=f"{temperature:.2f}"))

m = loaders.metrics("flow")
widgets.model_card([
    (t("card.data"), t("flow.card.data", n=f"{m.get('train_images', 0):,}")),
    (t("card.models"), t("flow.card.model", p=f"{m.get('parameters', 0):,}")),
    (t("card.training"), t("flow.card.training", epochs=m.get("epochs", 0),
                           minutes=f"{m.get('wall_time_s', 0) / 60:.0f}")),
    (t("card.metrics"), t("flow.card.metrics", test=f"{m.get('test_bpd', float('nan')):.3f}",
                          uncond=f"{m.get('test_bpd_unconditional', float('nan')):.3f}")),
    (t("card.limits"), t("flow.card.limits")),
], developer=[
    (t("card.retrain"), "`python -m models train flow`"),
])
