"""Pros and cons of generative AI, each one measured on the models this app trained."""

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.apps import risks_view as view
from dashboard.core import charts, links, loaders, pictures, widgets
from dashboard.core.i18n import lang, t
from dashboard.core.image_picker import pick_image
from dashboard.language import loaders as language_loaders

widgets.setup_page()
st.title(t("risks.title"))
widgets.paragraph("risks.intro")
names = widgets.class_names()
results, zoo_results = loaders.benchmark("risks"), loaders.benchmark("zoo")
DEVELOPER = [(t("card.measured_by"), "`python -m benchmarks risks` → `benchmarks/results/risks.json`")]
if not results:
    st.info(t("risks.missing"), icon="ℹ️")
    widgets.model_card([], developer=DEVELOPER)
    st.stop()
costs = view.compute_costs()

# 1. The scorecard: every pro and con with our measured numbers ---------------------------------
st.header(t("risks.card.header"))
rows = view.scorecard(results, zoo_results, costs)
with widgets.key_figure():
    st.markdown("\n".join([t("risks.card.table_head"), "|---|---|---|",
                           *(f"| {topic} | {measure} | {value} |" for topic, measure, value in rows)]))
    st.caption(t("risks.card.caption", n=results["n"], machine=results["machine"]["cpu"]))

# 2. One measurement in detail ----------------------------------------------------------------------
st.header(t("risks.detail.header"))
labels = [t(f"risks.section.{s}") for s in view.SECTIONS]
chosen = widgets.synced_index(st.radio, t("risks.detail.choose"), "sec", labels, horizontal=True)
section = view.SECTIONS[chosen]
st.subheader(labels[chosen])
widgets.paragraph(f"risks.{section}.body")
fams = results["families"]
fam_names = [view.family(f) for f in fams]


def pick_family(options: tuple[str, ...], name: str) -> str:
    return options[widgets.synced_index(st.radio, t("risks.live.family"), name, [view.family(f) for f in options],
                                        horizontal=True)]


try:
    if section == "creativity":
        keys = ("recognisable", "not_copied", "novel_and_recognisable")
        novelty = {t(f"risks.creativity.{k}"): [r[k] for r in fams.values()] for k in keys}
        st.plotly_chart(charts.grouped_bars(novelty, fam_names, t("risks.share"), percent=True), key="risks_novelty")
        widgets.paragraph("risks.personal.body")
        left, right = st.columns([1, 2], gap="large")
        image, caption, label = pick_image("p", 7, container=left)
        strength = widgets.synced_float(right.slider, t("risks.personal.spread"), "spread", 0.5, 0.2, 0.9, step=0.1)
        seed = widgets.seed_input(container=right)
        out = view.variations(image, label, strength, seed, 16)
        pictures.show_grid(np.concatenate([image[None], out["images"]]), 6, container=right, key="risks_variations",
                           caption=f'{t("risks.personal.grid", cls=names[out["label"]])} · {caption}',
                           file_name=pictures.file_name("pros-cons", "variations", spread=strength, seed=seed))
    elif section == "automation":
        speed = view.images_per_second(zoo_results)
        st.plotly_chart(charts.bars(list(speed.values()), [view.family(f) for f in speed], "",
                                    t("risks.automation.axis"), title=t("risks.automation.title")),
                        key="risks_speed")
        st.markdown("\n".join([t("risks.automation.table_head"), "|---|---|---|",
                               *(f"| {view.family(f)} | {v:,.0f} | {10_000 / v:,.1f} s |" for f, v in speed.items())]))
        links.page_link("augmentation", icon="🧩")
    elif section == "memorisation":
        fams_key = pick_family(tuple(fams), "mfam")
        r = fams[fams_key]
        edges = results["distance_edges"]
        bins = [f"{(a + b) / 2:.2f}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
        st.plotly_chart(charts.grouped_bars({t("risks.memorisation.generated"): r["distance_hist"],
                                             t("risks.memorisation.test"): r["test_distance_hist"]}, bins,
                                            t("risks.share"), percent=True, title=t("risks.memorisation.axis")),
                        key="risks_distances")
        m1, m2 = st.columns(2)
        m1.metric(t("risks.memorisation.copies"), f"{r['copy_share']:.1%}")
        m2.metric(t("risks.memorisation.ratio"), f"{r['median_ratio']:.2f}")
        pairs, k = r["closest"], len(r["closest"]["distance"])
        pictures.show_grid(np.asarray(pairs["generated"] + pairs["training"], np.uint8), k, key="risks_pairs",
                           titles=[f"{d:.3f}" for d in pairs["distance"]] + [""] * k,
                           caption=t("risks.memorisation.pairs"),
                           file_name=pictures.file_name("pros-cons", "closest", fam=fams_key))
    elif section == "bias":
        counts = results["bias_training_counts"]
        st.markdown(t("risks.bias.data", largest=counts[0], smallest=counts[-1], total=sum(counts)))
        f = pick_family(tuple(results["bias"]), "bfam")
        b = results["bias"][f]
        shares = {t("risks.bias.training"): b["training"], t("risks.bias.generated"): b["generated"]}
        st.plotly_chart(charts.grouped_bars(shares, names, t("risks.share"), percent=True,
                                            title=t("risks.bias.title", family=view.family(f), n=results["bias_n"])),
                        key="risks_bias")
        m1, m2 = st.columns(2)
        m1.metric(t("risks.bias.majority", cls=names[b["majority"]]), f"×{b['majority_amplification']:.2f}")
        m2.metric(t("risks.bias.rare"), f"{b['rare_generated']:.1%}",
                  delta=f"{100 * (b['rare_generated'] - b['rare_training']):+.1f} pt")
        bias_seed = widgets.seed_input()
        live = view.bias_sample(f, bias_seed, 40)
        pictures.show_grid(live["images"], 10, caption=t("risks.bias.samples"), key="risks_bias_grid",
                           file_name=pictures.file_name("pros-cons", "bias-samples", fam=f, seed=bias_seed))
    elif section == "control":
        f = pick_family(view.LIVE_FAMILIES, "cfam")
        c1, c2 = st.columns(2)
        cls = widgets.class_select(t("risks.control.class"), "ccls", 6, container=c1)
        control_seed = widgets.seed_input(container=c2)
        live = view.judged(f, cls, control_seed, 48)
        m1, m2 = st.columns(2)
        m1.metric(t("risks.control.accuracy", cls=names[cls]), f"{live['accuracy']:.0%}")
        m2.metric(t("risks.control.benchmark"), f"{fams[f]['per_class_accuracy'][cls]:.0%}")
        wrong = np.flatnonzero(live["seen"] != live["asked"])
        if len(wrong):
            seen = [f"→ {names[k]}" for k in live["seen"][wrong[:8]]]
            pictures.show_grid(live["images"][wrong[:8]], 8, titles=seen, caption=t("risks.control.failures"),
                               key="risks_failures",
                               file_name=pictures.file_name("pros-cons", "failures", fam=f, cls=cls, seed=control_seed))
        else:
            st.success(t("risks.control.none"), icon="✅")
        widgets.paragraph("risks.inconsistency.body")
        edges = results["confidence_edges"]
        st.plotly_chart(charts.grouped_bars({view.family(k): r["confidence_hist"] for k, r in fams.items()},
                                            [f"{a:.2f}" for a in edges[:-1]], t("risks.share"), percent=True,
                                            title=t("risks.inconsistency.title")), key="risks_confidence")
        worst = np.argsort(live["confidence"])[:8]
        pictures.show_grid(live["images"][worst], 8, titles=[f"{live['confidence'][i]:.2f}" for i in worst],
                           caption=t("risks.inconsistency.worst"), key="risks_worst",
                           file_name=pictures.file_name("pros-cons", "least-sure", fam=f, cls=cls, seed=control_seed))
    elif section == "deepfakes":
        acc = [100 * r["detector_accuracy"] for r in fams.values()]
        st.plotly_chart(charts.bars(acc, fam_names, "", t("risks.deepfakes.axis"), title=t("risks.deepfakes.title")),
                        key="risks_detector")
        widgets.paragraph("risks.deepfakes.reading")
    elif section == "compute":
        table = pd.DataFrame([{t("risks.compute.model"): c["name"], t("risks.compute.params"): c["parameters"],
                               t("risks.compute.hours"): c["seconds"] / 3600, t("risks.compute.wh"): c["wh"]}
                              for c in costs])
        widgets.table(table.sort_values(t("risks.compute.hours"), ascending=False), "compute-costs", hide_index=True,
                      column_config={t("risks.compute.params"): st.column_config.NumberColumn(format="localized"),
                                     t("risks.compute.hours"): st.column_config.NumberColumn(format="%.2f"),
                                     t("risks.compute.wh"): st.column_config.NumberColumn(format="%.1f")})
        st.plotly_chart(charts.labelled_scatter([c["parameters"] for c in costs],
                                                [c["seconds"] / 3600 for c in costs], [c["name"] for c in costs],
                                                t("risks.compute.params"), t("risks.compute.hours"),
                                                labelled=view.label_costs(costs)),
                        key="risks_compute")
        st.caption(t("risks.compute.caption", watts=results["cpu_watts"]))
    else:  # hallucination
        rows = language_loaders.hallucinations(f"gpt_{lang()}")
        widgets.table([{t("risks.halluc.prompt"): r["prompt"],
                        t("risks.halluc.continuation"): r["continuation"],
                        t("risks.halluc.correct"): "✅" if r["correct"] else "❌",
                        t("risks.halluc.confidence"): r["confidence"]} for r in rows], "hallucinations",
                      {"model": f"gpt_{lang()}"}, hide_index=True)
        links.page_link("next_token", icon="✍️")
except loaders.LOAD_ERRORS as exc:
    st.error(t("common.load_error", detail=str(exc)), icon="🚫")

# 3. Ethics and outlook ------------------------------------------------------------------------------
st.header(t("risks.ethics.header"))
widgets.paragraph("risks.ethics.body")
st.subheader(t("risks.outlook.header"))
for part in ("intro", "cocreation", "personal", "risks"):
    widgets.paragraph(f"risks.outlook.{part}")
widgets.model_card([], developer=DEVELOPER)
