"""2-D lab: train a GAN, a VAE, a normalizing flow or a diffusion model live on a cloud of points, and watch."""

import streamlit as st

from dashboard import serving
from dashboard.core import widgets
from dashboard.core.i18n import t
from dashboard.lab2d import gan_steps_view as gan_view
from dashboard.lab2d import lab2d_input
from dashboard.lab2d import lab2d_view as view
from models.lab2d.gan_steps import MAX_K
from models.lab2d.toy2d_live import DEFAULT_SPR

widgets.setup_page()
st.title(t("lab.title"))
widgets.paragraph("lab.intro")

# 1. Data and model family ----------------------------------------------------------------------
c1, c2 = st.columns(2)
data_names = [t(f"lab.data.{s}") for s in lab2d_input.SOURCES]
family_names = [t(f"lab.family.{f}") for f in view.FAMILIES]
source = lab2d_input.SOURCES[widgets.synced_index(c1.selectbox, t("lab.data"), "data", data_names)]
family = view.FAMILIES[widgets.synced_index(c2.radio, t("lab.family"), "family", family_names, horizontal=True)]
c1.caption(t(f"lab.data.{source}.help"))
c2.caption(t(f"lab.family.{family}.help"))
step_mode = False
if family == "gan":  # the GAN's training loop, one D or G step at a time
    mode_names = [t(f"lab.gs.mode.{m}") for m in gan_view.MODES]
    step_mode = gan_view.MODES[widgets.synced_index(c2.radio, t("lab.gs.mode"), "mode", mode_names)] == "steps"
    c2.caption(t("lab.gs.topic"))
points = None
if source in ("upload", "draw"):
    points = lab2d_input.user_points(source, container=c1)  # says itself what it read, refused or kept

# 2. Training controls --------------------------------------------------------------------------
s1, s2, s3, s4 = st.columns(4)
lr = widgets.synced_float(s1.number_input, t("lab.lr"), "lr", 0.002, 0.0001, 0.05, step=0.0005, format="%.4f",
                          help=t("lab.lr_help"))
steps = widgets.synced_int(s2.slider, t("lab.spr"), "spr", DEFAULT_SPR, 1, serving.cap("lab.spr", 200),
                           help=t("lab.spr_help"))
seed = widgets.seed_input(container=s3)
t_step = k = 0
if family == "diffusion":
    t_step = widgets.synced_int(s4.slider, t("lab.t"), "t", 50, 0, view.T_MAX, help=t("lab.t_help"))
if step_mode:
    k = widgets.synced_int(s4.slider, t("lab.gs.k"), "k", 1, 0, MAX_K, help=t("lab.gs.k_help"))

run = view.current_run(family, source, seed, points)
gan_view.sync_mode(step_mode)
if step_mode:  # D step, G step and the k : 1 loop, with both losses; the rest of the page as usual
    serving.touch(view.SCOPE)
    gan_view.panel(run, lr, k, steps)
else:
    running = bool(st.session_state.get(view.RUNNING))
    b1, b2, b3, b4, b5 = st.columns([1, 1, 1, 1, 2])
    b1.button(t("lab.start"), icon="▶️", type="primary", on_click=view.set_running, args=(True,), disabled=running)
    b2.button(t("lab.pause"), icon="⏸️", on_click=view.set_running, args=(False,), disabled=not running)
    b3.button(t("lab.one_step"), icon="⏭️", on_click=view.one_step, args=(lr,), disabled=running)
    b4.button(t("lab.reset"), icon="🔄", on_click=view.reset)
    b5.caption(t("lab.status.running" if running else "lab.status.paused", every=view.REFRESH_S, n=steps))
    serving.touch(view.SCOPE)  # the page body runs again only when a widget changed (and says if idle paused it)

    # 3. Live view: points, losses, divergence, and the family's own pictures -----------------------
    view.live(steps, lr, t_step)

# 4. What each picture means --------------------------------------------------------------------
st.header(t("lab.measure.header"))
widgets.paragraph("lab.measure.body")
st.latex(r"\mathrm{MMD}^2(p, q) = \mathbb{E}\,k(x, x') + \mathbb{E}\,k(y, y') - 2\,\mathbb{E}\,k(x, y),"
         r"\quad x, x' \sim p_{\mathrm{data}},\; y, y' \sim p_{\mathrm{model}}")
widgets.paragraph("lab.measure.modes")

st.header(t("lab.idea.header", family=t(f"lab.family.{family}")))
st.markdown(t(f"lab.idea.{family}"))
FORMULAS = {
    "gan": r"\min_G \max_D \; \mathbb{E}_{x \sim p_{\mathrm{data}}} \log D(x)"
           r" + \mathbb{E}_{z} \log\bigl(1 - D(G(z))\bigr)",
    "vae": r"\log p(x) \ge \mathbb{E}_{q(z \mid x)} \log p(x \mid z) - \mathrm{KL}\bigl(q(z \mid x)\,\|\,p(z)\bigr)",
    "flow": r"\log p(x) = \log \mathcal{N}\bigl(f(x); 0, I\bigr)"
            r" + \log \left|\det \frac{\partial f}{\partial x}\right|",
    "diffusion": r"x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \varepsilon, \qquad"
                 r"\mathcal{L} = \mathbb{E}\,\bigl\| \varepsilon - \hat\varepsilon_\theta(x_t, t) \bigr\|^2",
}
st.latex(FORMULAS[family])
st.markdown(t(f"lab.idea.{family}.watch"))
st.caption(t("lab.tips"))
