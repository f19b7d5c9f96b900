"""Diffusion: destroy an image with noise step by step, then learn to undo it."""

import numpy as np
import streamlit as st

from dashboard.core import charts, loaders, pictures, widgets
from dashboard.core.i18n import t
from dashboard.image import loaders as image_loaders
from models.image import zoo

widgets.setup_page()
st.title(t("diffusion.title"))
widgets.paragraph("diffusion.intro")
diffusion = widgets.load_or_stop(lambda: image_loaders.zoo_model("diffusion"))
test = widgets.load_or_stop(loaders.test_split)
names = widgets.class_names()

# 1. Forward process -------------------------------------------------------------------
st.header(t("diffusion.forward.header"))
widgets.paragraph("diffusion.forward.body")
c1, c2 = st.columns(2)
index = widgets.synced_int(c1.number_input, t("diffusion.forward.image", n=len(test) - 1), "img", 0, 0,
                           len(test) - 1, step=1)
step = widgets.synced_int(c2.slider, t("diffusion.forward.t"), "t", 300, 0, 999,
                          help=t("diffusion.forward.t_help"))
STRIP = [0, 50, 100, 200, 300, 500, 700, 999]
with diffusion as model:
    noisy = model.noise(np.repeat(test.images[index][None], len(STRIP) + 1, 0), [*STRIP, step], seed=index)
    levels, schedule = model.noise_levels(step), model.schedule()
with widgets.key_figure():  # the forward process, one row of 8 across the page
    pictures.show_grid(noisy[:-1], len(STRIP), titles=[f"t={s}" for s in STRIP], key="strip",
                       caption=t("diffusion.forward.caption"), gif=noisy[:-1],
                       file_name=pictures.file_name("diffusion", "forward", img=index))
st.latex(r"x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon,"
         r"\qquad \varepsilon \sim \mathcal{N}(0, I)")
left, right = st.columns([1, 2], gap="large")
pictures.show_grid(noisy[-1:], 1, caption=t("diffusion.forward.xt", t=step), container=left, key="xt",
                   file_name=pictures.file_name("diffusion", "noisy", img=index, t=step))
right.plotly_chart(charts.curves({t("diffusion.forward.signal"): schedule["signal"],
                                  t("diffusion.forward.noise"): schedule["noise"]},
                                 "t", t("diffusion.forward.weight"), x=np.arange(len(schedule["signal"])),
                                 vline=step, markers=False, height=300), key="schedule")
m1, m2, m3 = right.columns(3)
m1.metric(t("diffusion.forward.signal"), f"{levels['signal']:.2f}")
m2.metric(t("diffusion.forward.noise"), f"{levels['noise']:.2f}")
m3.metric(t("diffusion.forward.snr"), f"{10 * np.log10(levels['snr']):+.1f} dB")

# 2. Reverse process -------------------------------------------------------------------
st.header(t("diffusion.reverse.header"))
widgets.paragraph("diffusion.reverse.body")
DEFAULTS, SAMPLERS, ANY = zoo.DIFFUSION, list(zoo.SAMPLERS), zoo.FAMILIES["diffusion"].any_class
with st.form("reverse"):
    c1, c2, c3 = st.columns(3)
    # URL: ?cls= is the class 0-9, or the last position for "any class"; ?sampler= a position in the table
    label = widgets.synced_index(c1.selectbox, t("diffusion.reverse.class"), "cls",
                                 names + [t("diffusion.reverse.any")], 0)
    label = ANY if label == len(names) else label
    sampler = SAMPLERS[widgets.synced_index(c2.radio, t("diffusion.reverse.sampler"), "sampler",
                                            [widgets.sampler_name(s) for s in SAMPLERS],
                                            SAMPLERS.index(DEFAULTS["sampler"]), horizontal=True)]
    seed = widgets.seed_input(container=c3)
    rows = zoo.SAMPLERS.values()
    steps = widgets.synced_int(c1.slider, t("diffusion.reverse.steps"), "steps", DEFAULTS["steps"],
                               min(r.steps[0] for r in rows), max(r.live_steps for r in rows),
                               help=t("diffusion.reverse.steps_help"))
    guidance = widgets.synced_scaled(c2.slider, t("diffusion.reverse.guidance"), "w", round(DEFAULTS["guidance"] * 10),
                                     0, 60, scale=10, step=5, help=t("diffusion.reverse.guidance_help"))
    st.form_submit_button(t("diffusion.reverse.run"), icon="🌀", type="primary")
with st.spinner(t("diffusion.reverse.running")):
    result = image_loaders.diffusion_trajectory(label, seed, sampler, steps, guidance, 8)
kept = result["timesteps"]
reverse_name = pictures.file_name("diffusion", "reverse", cls="any" if label == ANY else label, seed=seed,
                                  sampler=sampler, steps=steps, w=f"{guidance:.1f}")
pictures.show_grid(np.concatenate([result["x_t"][:, 0], result["x0"][:, 0]]), len(kept),
                   titles=[f"x_t  t={s}" for s in kept] + [t("diffusion.reverse.x0", t=s) for s in kept],
                   caption=t("diffusion.reverse.strip_caption"), key="trajectory", file_name=reverse_name,
                   gif=result["x_t"][:, 0])
pictures.show_grid(result["images"], 8, caption=t("diffusion.reverse.final", w=f"{guidance:.1f}"), key="final",
                   file_name=f"{reverse_name}-final")
st.caption(t("diffusion.reverse.latency", ms=f"{result['seconds'] * 1000:,.0f}", steps=steps,
             device=loaders.device(), nfe=zoo.FAMILIES["diffusion"].calls(steps=steps, guidance=guidance)))

st.subheader(t("diffusion.guidance.header"))
# one fixed seed and the default sampler: computed once per class and shared by every student
shown, GUIDE_SEED = (0 if label == ANY else label), 0  # guidance needs a class; "any class" shows the first
for column, w in zip(st.columns(3), (0.0, 1.0, 3.0), strict=True):
    side = image_loaders.diffusion_trajectory(shown, GUIDE_SEED, DEFAULTS["sampler"], DEFAULTS["steps"], w, 4)
    pictures.show_grid(side["images"], 2, caption=t("diffusion.alt.guidance", w=f"{w:g}"), container=column,
                       key=f"guidance_{w:.0f}",
                       file_name=pictures.file_name("diffusion", "guidance", cls=shown, seed=GUIDE_SEED, w=f"{w:g}"))
st.caption(t("diffusion.guidance.caption", cls=names[shown], seed=GUIDE_SEED))

# 3. Quality vs number of steps ---------------------------------------------------------
st.header(t("diffusion.quality.header"))
widgets.paragraph("diffusion.quality.body")
curve = loaders.benchmark("zoo").get("diffusion_steps", {})
if curve:
    st.plotly_chart(charts.curves({widgets.sampler_name(k): v["fid"] for k, v in curve["samplers"].items()},
                                  t("diffusion.quality.steps"), t("diffusion.quality.fid"), x=curve["steps"],
                                  log_x=True, height=340), key="quality")
    st.caption(t("diffusion.quality.caption", n=curve["n"], floor=f"{curve['floor']:.2f}",
                 ddpm1000=f"{curve['ddpm_1000']:.2f}" if "ddpm_1000" in curve else t("diffusion.quality.not_yet")))
    fid = {k: v["fid"] for k, v in curve["samplers"].items()}
    best = min(fid, key=lambda k: fid[k][-1])
    st.markdown(t("diffusion.quality.reading", few=curve["steps"][0], many=curve["steps"][-1],
                  **{f"{k}_few": f"{v[0]:.1f}" for k, v in fid.items()},
                  best_many=widgets.sampler_name(best), best_many_fid=f"{fid[best][-1]:.1f}"))
else:
    st.info(t("diffusion.quality.missing"), icon="⏳")

m = loaders.metrics("diffusion")
widgets.model_card([
    (t("card.data"), t("diffusion.card.data", n=f"{m.get('train_images', 0):,}")),
    (t("card.models"), t("diffusion.card.model", p=f"{m.get('parameters', 0):,}")),
    (t("card.training"), t("diffusion.card.training", steps=f"{m.get('step', 0):,}",
                           epochs=f"{m.get('epochs_done', 0):.1f}", hours=f"{m.get('wall_time_s', 0) / 3600:.1f}")),
    (t("card.limits"), t("diffusion.card.limits")),
], developer=[
    (t("card.retrain"), "`python -m models train diffusion --resume --minutes 60`"),
    (t("card.measured_by"), "`python -m benchmarks zoo`"),
])
