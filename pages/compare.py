"""Compare: GAN, VAE, flow and diffusion on the same data, the same seed, the same two judges."""

import streamlit as st

from dashboard.core import charts, exports, loaders, pictures, widgets
from dashboard.core.i18n import t
from dashboard.image import judges_view
from dashboard.image import loaders as image_loaders
from models.core.judge_keys import JUDGES, accuracy_key
from models.image import zoo

widgets.setup_page()
st.title(t("compare.title"))
widgets.paragraph("compare.intro")
names = widgets.class_names()

# 1. Controls ---------------------------------------------------------------------------
c1, c2, c3 = st.columns(3)
ANY = len(names)
label = widgets.synced_index(c1.selectbox, t("compare.class"), "cls", names + [t("compare.any")], ANY)
seed = widgets.seed_input(container=c2)
count = widgets.synced_int(c3.slider, t("compare.count"), "n", 8, 4, 16)
labels = zoo.cycle_labels(count, None if label == ANY else label)

# 2. Four grids from the same seed ------------------------------------------------------
bench = loaders.benchmark("zoo")
measured = bench.get("families", {})
# Figures the family notes quote, from the shipped metrics and benchmark (never typed in).
how_figures = {"flow_p": f"{loaders.metrics(zoo.FAMILIES['flow'].trainer).get('parameters', 0):,}",
               "vae_p": f"{loaders.metrics(zoo.FAMILIES['vae'].trainer).get('parameters', 0):,}",
               "precision": f"{measured['diffusion']['precision']:.2f}" if "diffusion" in measured else "–"}
results, failed = {}, {}
# One row per family (name and latency beside its grid, 8 images a row), so each 28×28 image gets
# ≥ 64 px on a projector; the four notes on how each family works follow below.
with widgets.key_figure():
    for family in zoo.FAMILIES:
        about, grid = st.columns([1, 4], vertical_alignment="center")
        about.subheader(widgets.family_name(family))
        try:
            images, seconds = image_loaders.generate(family, labels, seed)
        except loaders.LOAD_ERRORS as exc:
            failed[family] = str(exc)
            grid.warning(t("compare.unavailable", detail=str(exc)), icon="⚠️")
            continue
        results[family] = images
        about.caption(t("compare.latency", ms=f"{seconds * 1000:,.0f}", device=loaders.device()))
        pictures.show_grid(images, 8, container=grid, key=f"grid_{family}",
                           caption=t("compare.alt", family=widgets.family_name(family), n=count,
                                     cls=names[label] if label != ANY else t("compare.any"), seed=seed),
                           file_name=pictures.file_name("compare", family, cls=label if label != ANY else "any",
                                                        seed=seed, n=count))
for family, column in zip(zoo.FAMILIES, st.columns(len(zoo.FAMILIES), gap="medium"), strict=True):
    column.markdown(f"**{widgets.family_name(family)}**  \n" + t(f"compare.how.{family}", **how_figures))

if results:
    d1, d2, _ = st.columns([1, 1, 2])
    row_names = {widgets.family_name(f): images for f, images in results.items()}
    named = {"cls": "any" if label == ANY else label, "seed": seed, "n": count}
    # Built on the click, not on every run: most visitors never download.
    d1.download_button(t("compare.download_png"), lambda: exports.sheet_png(row_names),
                       exports.file_name("compare", "png", **named),
                       "image/png", icon="🖼️")
    d2.download_button(t("compare.download_npz"), lambda: exports.npz_bytes(labels=labels, **results),
                       exports.file_name("compare", "npz", **named), "application/octet-stream", icon="📦")
    if not exports.has_hangul_font():
        st.caption(t("compare.no_font"))

# 3. Measured, not claimed --------------------------------------------------------------
st.header(t("compare.measured.header"))
if not measured:
    st.info(t("compare.measured.missing"), icon="⏳")
else:
    floor, judged = bench["floor_fid"], judges_view.scores(bench)
    widgets.paragraph("compare.measured.body", n=f"{bench['n']:,}", floor=f"{floor:.2f}", judges=", ".join(
        t("compare.judge.accuracy", judge=judges_view.label(j), acc=f"{bench[accuracy_key(j)]:.1%}") for j in judged))

    def bits_per_dim(family: str, r: dict) -> float:
        key = zoo.FAMILIES[family].bpd_key if family in zoo.FAMILIES else None
        return r.get(key, float("nan")) if key else float("nan")

    table = [{
        t("compare.col.family"): widgets.family_name(f),
        **{t("compare.col.fid", judge=judges_view.label(j)): judges_view.cell(judged, j, f) for j in judged},
        t("compare.col.precision"): f"{r['precision']:.2f}",
        t("compare.col.recall"): f"{r['recall']:.2f}",
        t("compare.col.coverage"): f"{r['coverage']:.2f}",
        t("compare.col.accuracy"): f"{r['conditional_accuracy']:.1%}",
        t("compare.col.bpd"): f"{bits_per_dim(f, r):.2f}",
        t("compare.col.nfe"): r["nfe"],
        t("compare.col.ms"): f"{r['ms_16_images']:.0f}",
        t("compare.col.train"): f"{(r.get('training_wall_time_s') or 0) / 60:.0f}",
    } for f, r in measured.items()]
    widgets.table(table, "compare-measured", {"n": bench["n"]}, static=True, hide_index=True)
    widgets.paragraph("compare.measured.legend", kind="caption")
    st.plotly_chart(charts.tradeoff(
        {widgets.family_name(f): (r["ms_16_images"], r["fid"], r["coverage"]) for f, r in measured.items()},
        t("compare.plot.x"), t("compare.plot.y"), t("compare.plot.size"), floor=(floor, t("compare.plot.floor"))),
        key="tradeoff")
    st.caption(t("compare.plot.caption", judge=judges_view.label(JUDGES[0])))
    judges_view.section(bench)
st.info(t("compare.takeaway"), icon="💡")


def training_summary(family: str) -> str:
    m = loaders.metrics(zoo.FAMILIES[family].trainer)
    params = m.get("parameters", 0) + m.get("parameters_d", 0)
    amount = t("compare.card.steps", steps=f"{m['step']:,}") if "step" in m else \
        t("compare.card.epochs", epochs=m.get("epochs", 0))
    return t("compare.card.row", p=f"{params:,}", amount=amount, minutes=f"{m.get('wall_time_s', 0) / 60:.0f}")


widgets.model_card([
    (t("card.data"), t("compare.card.data")),
    *((widgets.family_name(f), training_summary(f)) for f in zoo.FAMILIES),
    *((t("compare.card.judge", judge=judges_view.label(j)), judges_view.card_row(j, loaders.metrics(j)))
      for j in JUDGES),
    (t("card.limits"), t("compare.card.limits")),
], developer=[
    (t("card.retrain"), " · ".join(f"`python -m models train {name}`"
                                   for name in (*(f.trainer for f in zoo.FAMILIES.values()), *JUDGES))),
    (t("card.measured_by"), "`python -m benchmarks zoo`"),
    (t("card.font"), "`apt-get install fonts-nanum`"),
])
