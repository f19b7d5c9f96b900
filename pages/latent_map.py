"""Latent map: the test set encoded into two numbers, decoded anywhere you point."""

import numpy as np
import streamlit as st

from dashboard.core import charts, loaders, pictures, widgets
from dashboard.core.i18n import t
from dashboard.latent import loaders as latent_loaders

MAP_MODELS = ("ae2d", "vae2d", "vqvae")
GRID = 10

widgets.setup_page()
st.title(t("latent_map.title"))
widgets.paragraph("latent_map.intro")
names = widgets.class_names()
model_names = [t(f"latent.model.{m}") for m in MAP_MODELS]
for m in MAP_MODELS:
    widgets.load_or_stop(lambda m=m: latent_loaders.latent_model(m))

# 1. The map --------------------------------------------------------------------------
st.header(t("latent_map.map.header"))
choice = widgets.synced_index(st.radio, t("latent_map.model"), "model", model_names, 1, horizontal=True)
name = MAP_MODELS[choice]
st.caption(t(f"latent_map.about.{name}"))
view = latent_loaders.latent_map(name)
lo, hi = view["lo"], view["hi"]

# a click on the map moves the sliders (applied once per new click)
chart_key = f"map_{name}"
picked = (st.session_state.get(chart_key) or {}).get("selection", {}).get("points", [])
if picked and st.session_state.get("_map_applied") != (name, picked[0]["x"], picked[0]["y"]):
    st.session_state["_map_applied"] = (name, picked[0]["x"], picked[0]["y"])
    for axis, value in enumerate((picked[0]["x"], picked[0]["y"])):
        pct = round(100 * (value - lo[axis]) / (hi[axis] - lo[axis]))
        widgets.set_url_value(f"p{axis}", int(np.clip(pct, 0, 100)))

with widgets.key_figure():  # the map, and what the decoder draws where you point
    left, right = st.columns([3, 2])
map_box = left.container()
s1, s2 = left.columns(2)
px = widgets.synced_int(s1.slider, t("latent_map.x"), "p0", 50, 0, 100, format="%d%%")
py = widgets.synced_int(s2.slider, t("latent_map.y"), "p1", 50, 0, 100, format="%d%%")
point = (lo[0] + px / 100 * (hi[0] - lo[0]), lo[1] + py / 100 * (hi[1] - lo[1]))
axes = ("z₁", "z₂") if name != "vqvae" else (t("latent_map.pc1"), t("latent_map.pc2"))
map_box.plotly_chart(charts.latent_scatter(view["points"], view["labels"], names, marker=point,
                                           marker_name=t("latent_map.here"), ranges=((lo[0], hi[0]), (lo[1], hi[1])),
                                           axis_titles=axes),
                     key=chart_key, on_select="rerun", selection_mode="points")
left.caption(t("latent_map.click"))
decoded = latent_loaders.latent_decode_2d(name, np.array([point]))
pictures.show_grid(decoded, 1, caption=t("latent_map.decoded", x=f"{point[0]:.2f}", y=f"{point[1]:.2f}"),
                   container=right, key="decoded", width=pictures.SINGLE_PX,
                   file_name=pictures.file_name("latent-map", "decoded", model=name, x=px, y=py))

# the decoded manifold over the visible region, top row = largest z₂
xs, ys = np.linspace(lo[0], hi[0], GRID), np.linspace(hi[1], lo[1], GRID)
grid = np.array([(x, y) for y in ys for x in xs])
pictures.show_grid(latent_loaders.latent_decode_2d(name, grid), GRID, caption=t("latent_map.manifold"),  # full width:
                   key="manifold", file_name=pictures.file_name("latent-map", "manifold", model=name))  # 10 a row
st.markdown(t("latent_map.manifold_body"))

# 2. Three models side by side ----------------------------------------------------------
st.header(t("latent_map.compare.header"))
widgets.paragraph("latent_map.compare.body")
seed = widgets.seed_input()
columns = st.columns(len(MAP_MODELS))
rng = np.random.default_rng(0)
for col, m, label in zip(columns, MAP_MODELS, model_names, strict=True):
    v = latent_loaders.latent_map(m)
    few = rng.choice(len(v["points"]), size=2000, replace=False)
    col.plotly_chart(charts.latent_scatter(v["points"][few], v["labels"][few], names, title=label, height=330,
                                           legend=False, ranges=((v["lo"][0], v["hi"][0]), (v["lo"][1], v["hi"][1]))),
                     key=f"cloud_{m}")
    pictures.show_grid(latent_loaders.latent_prior_samples(m, 12, seed), 3, caption=t("latent_map.compare.prior"),
                       container=col, key=f"prior_{m}",  # 3 a row: ≥ 64 px per image in a third of the page
                       file_name=pictures.file_name("latent-map", "prior", model=m, seed=seed))
    col.caption(t(f"latent_map.compare.prior_{m}"))

# 3. The VQ-VAE's codebook ----------------------------------------------------------------
st.header(t("latent_map.codebook.header"))
vq = loaders.metrics("vqvae")
usage = np.asarray(vq.get("codebook_usage", []))
if usage.size:
    order = np.argsort(-usage)
    st.plotly_chart(charts.bars(usage[order] / usage.sum(), [f"#{i}" for i in order], t("latent_map.codebook.entry"),
                                t("latent_map.codebook.share")), key="usage")
    st.markdown(t("latent_map.codebook.body", used=vq.get("codebook_used", 0), k=len(usage),
                  perplexity=f"{vq.get('codebook_perplexity', 0):.1f}"))

def card_row(m: str) -> str:
    c = loaders.metrics(m)
    return t(f"latent.card.{m}", p=f"{c.get('parameters', 0):,}", mse=f"{c.get('test_mse', np.nan):.4f}",
             kl=f"{c.get('test_kl_nats', np.nan):.1f}", bpd=f"{c.get('test_bpd_bound', np.nan):.2f}",
             used=c.get("codebook_used", 0), perplexity=f"{c.get('codebook_perplexity', 0):.1f}",
             epochs=c.get("epochs", 0), minutes=f"{c.get('wall_time_s', 0) / 60:.1f}")


widgets.model_card([
    (t("card.data"), t("latent.card.data", n=f"{loaders.metrics('vae2d').get('train_images', 0):,}")),
    *((label, card_row(m)) for m, label in zip(MAP_MODELS, model_names, strict=True)),
    (t("card.limits"), t("latent.card.limits")),
], developer=[
    (t("card.retrain"), " · ".join(f"`python -m models train {m}`" for m in MAP_MODELS)),
])
