"""Probabilistic modelling: a model is a probability distribution, and maximum likelihood is how it learns."""

import streamlit as st

from dashboard.core import charts, widgets
from dashboard.core.i18n import t
from dashboard.lab2d import prob_view as view

widgets.setup_page()
st.title(t("prob.title"))
widgets.paragraph("prob.intro")

# 1. Likelihood in 1-D: move the parameters, or let the fit button find the best ones ----------------
st.header(t("prob.ml.header"))
widgets.paragraph("prob.ml.body")
st.latex(r"\ell(\theta) = \frac{1}{N} \sum_{i=1}^{N} \log p_\theta(x_i)")
model_names = [t("prob.model.gaussian"), t("prob.model.mixture")]
mixture = bool(widgets.synced_index(st.radio, t("prob.model"), "model", model_names, horizontal=True))


def slider(name: str, label: str, container, disabled: bool = False) -> float:
    default, lo, hi = view.SLIDERS[name]
    return widgets.synced_float(container.slider, label, name, default, lo, hi, step=0.05, disabled=disabled)


c1, c2, c3, c4, c5 = st.columns(5)
mu1 = slider("mu1", t("prob.mu1"), c1)
s1 = slider("s1", t("prob.s1"), c2)
mu2 = slider("mu2", t("prob.mu2"), c3, disabled=not mixture)
s2 = slider("s2", t("prob.s2"), c4, disabled=not mixture)
w = slider("w", t("prob.w"), c5, disabled=not mixture)
model = view.model_1d(mixture, mu1, s1, mu2, s2, w)
x = view.data_1d()
ll = view.log_likelihood(model, x)
best = view.log_likelihood(view.best_1d(mixture), x)

with widgets.key_figure():  # the data and the model's density
    left, right = st.columns([3, 1])
left.plotly_chart(view.histogram_figure(x, model, t("prob.data"), model_names[mixture]), key="prob_hist")
right.metric(t("prob.ll"), f"{ll:.3f}", delta=f"{ll - best:.3f}", delta_color="normal", help=t("prob.ll_help"))
right.metric(t("prob.best"), f"{best:.3f}")
right.button(t("prob.fit"), icon="🎯", type="primary", on_click=view.fit_1d, args=(mixture,))
if st.session_state.pop("prob_fitted", False):
    right.success(t("prob.fitted"), icon="✅")
widgets.paragraph("prob.ml.gaussian")
st.latex(r"\hat\mu = \frac{1}{N}\sum_i x_i, \qquad \hat\sigma^2 = \frac{1}{N}\sum_i (x_i - \hat\mu)^2")
widgets.paragraph("prob.ml.mixture")

# 2. Likelihood in 2-D: more components, higher likelihood ------------------------------------------
st.header(t("prob.2d.header"))
st.markdown(t("prob.2d.body"))
names = ("ring", "moons", "spiral", "checkerboard")
labels = [t(f"lab.data.{name}") for name in names]
d1, d2, d3 = st.columns(3)
data_name = names[widgets.synced_index(d1.selectbox, t("prob.2d.data"), "data2d", labels, 1)]
k = widgets.synced_int(d2.slider, t("prob.2d.k"), "k", 3, 1, 12, help=t("prob.2d.k_help"))
seed = widgets.seed_input(container=d3)
points = view.data_2d(data_name)
fitted = view.fit_2d(data_name, k, seed)
left, right = st.columns([3, 1])
left.plotly_chart(view.contour_figure(points, fitted, labels[names.index(data_name)]), key="prob_contour")
right.metric(t("prob.ll"), f"{view.log_likelihood(fitted, points):.3f}")
right.caption(t("prob.2d.caption", k=k))
st.latex(r"p(x) = \sum_{k=1}^{K} w_k\, \mathcal{N}(x;\, \mu_k, \Sigma_k)")

# 3. Continuous and discrete outputs, and sampling from each ----------------------------------------
st.header(t("prob.out.header"))
widgets.paragraph("prob.out.body")
g, c = st.columns(2)
g.subheader(t("prob.out.gaussian"))
widgets.paragraph("prob.out.gaussian.body", container=g)
g.latex(r"x = \mu + \sigma\,\varepsilon, \quad \varepsilon \sim \mathcal{N}(0, 1)")
n = widgets.synced_int(g.slider, t("prob.out.n"), "n", 200, 10, 2000, step=10)
samples = view.gaussian_samples(model, n, seed)
g.plotly_chart(view.histogram_figure(samples, model, t("prob.out.samples"), model_names[mixture], height=300),
               key="prob_samples")
c.subheader(t("prob.out.categorical"))
widgets.paragraph("prob.out.categorical.body", container=c)
c.latex(r"p_i = \frac{\exp(s_i / T)}{\sum_j \exp(s_j / T)}")
temperature = widgets.synced_float(c.slider, t("prob.out.temperature"), "temp", 1.0, 0.1, 3.0, step=0.05,
                                   help=t("prob.out.temperature_help"))
probs, shares = view.categorical(temperature, n, seed)
words = t("prob.out.words").split(",")
c.plotly_chart(charts.grouped_bars({t("prob.out.probs"): probs, t("prob.out.shares", n=n): shares}, words,
                                   t("prob.out.y"), percent=True, height=300), key="prob_bars")
c.caption(t("prob.out.prompt"))

# 4. Where these ideas live in the rest of the app -------------------------------------------------
st.header(t("prob.links.header"))
widgets.paragraph("prob.links.body", gan=t("nav.gan"), flow=t("nav.flow"), diffusion=t("nav.diffusion"),
                  ae=t("nav.autoencoder"), next=t("nav.next_token"), lab=t("nav.lab_2d"))
