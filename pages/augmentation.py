"""Data augmentation: do images from our generators help a classifier that has only a few real labels?"""

import numpy as np
import streamlit as st

from dashboard.apps import augment_view as view
from dashboard.core import charts, loaders, pictures, widgets
from dashboard.core.i18n import t
from models.image import zoo

widgets.setup_page()
st.title(t("augment.title"))
widgets.paragraph("augment.intro")
names = widgets.class_names()

# 1. The measured answer (shipped benchmark) ------------------------------------------------
st.header(t("augment.measured.header"))
results = loaders.benchmark("augment")
if not results:
    st.info(t("augment.measured.missing"), icon="ℹ️")
else:
    conditions = results["conditions"]
    config = results["config"]
    labels = [t("augment.condition.real") if c == "real" else
              t("augment.live.with", family=widgets.family_name(c.removeprefix("real+"))) for c in conditions]
    means = [100 * c["mean"] for c in conditions.values()]
    widgets.key_figure().plotly_chart(charts.bars(
        means, labels, "", t("augment.measured.accuracy"),
        title=t("augment.measured.title", real=config["real_per_class"], synthetic=config["synthetic_per_class"],
                seeds=len(results["seeds"]))), key="augment_bars")
    base = conditions["real"]["mean"]
    rows = [f"| {label} | {c['train_images']:,} | {100 * c['mean']:.1f} % ± {100 * c['std']:.1f} | "
            + ("—" if name == "real" else f"{100 * (c['mean'] - base):+.1f}") + " |"
            for label, (name, c) in zip(labels, conditions.items(), strict=True)]
    st.markdown("\n".join([t("augment.measured.table_head"), "|---|---|---|---|", *rows]))
    st.caption(t("augment.measured.caption", steps=config["steps"], machine=results["machine"]["cpu"]))
widgets.paragraph("augment.measured.reading")
widgets.model_card([], developer=[(t("card.measured_by"), "`python -m benchmarks augment`")])

# 2. Try it yourself --------------------------------------------------------------------------
st.header(t("augment.live.header"))
widgets.paragraph("augment.live.body")
families = zoo.live_families()  # diffusion takes minutes for 1000 images on CPU
c1, c2, c3, c4 = st.columns(4)
family = families[widgets.synced_index(c1.radio, t("augment.live.family"), "fam",
                                       [widgets.family_name(f) for f in families], 1)]
REAL, SYNTHETIC = (5, 10, 20, 50, 100), (20, 50, 100, 200, 300)
real_n = REAL[widgets.synced_index(c2.select_slider, t("augment.live.real"), "real",
                                   [t("augment.live.count", n=n) for n in REAL], 2)]
synth_n = SYNTHETIC[widgets.synced_index(c3.select_slider, t("augment.live.synthetic"), "synth",
                                         [t("augment.live.count", n=n) for n in SYNTHETIC], 2)]
seed = widgets.seed_input(container=c4)
result = view.live_result(family, real_n, synth_n, seed)
st.button(t("augment.live.run"), icon="🏋️", type="primary", on_click=view.request_run)
if view.run_requested():
    try:
        result = view.run_live(family, real_n, synth_n, seed, steps=300)
    except loaders.LOAD_ERRORS as exc:
        st.error(t("common.load_error", detail=str(exc)), icon="🚫")
if result is None:
    st.caption(t("augment.live.hint"))
else:
    m1, m2, m3 = st.columns(3)
    real_acc, aug_acc = result["real"]["accuracy"], result["augmented"]["accuracy"]
    m1.metric(t("augment.live.real_only"), f"{real_acc:.1%}")
    m2.metric(t("augment.live.with", family=widgets.family_name(family)), f"{aug_acc:.1%}",
              delta=f"{100 * (aug_acc - real_acc):+.1f} pt")
    m3.metric(t("augment.live.time"), f"{result['sample_s'] + result['augmented']['seconds']:.1f} s")
    pictures.show_grid(np.asarray(result["examples"]), 10, titles=names, caption=t("augment.live.examples"),
                       key="augment_examples",
                       file_name=pictures.file_name("augmentation", "examples", fam=family, seed=seed))
widgets.paragraph("augment.limits")
