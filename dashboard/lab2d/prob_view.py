"""The probabilistic-modelling page's helpers: its data, the models its sliders describe, the fit button, figures.

Numbers come from :mod:`models.lab2d.toy2d` (Gaussians, mixtures fitted by EM, log-likelihoods, softmax
and categorical sampling); this module turns slider values into models and models into plotly figures.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from dashboard.core import charts, widgets
from models.lab2d import toy2d

#: the 1-D data: two bumps of different size and width, so one Gaussian cannot fit them well
TRUE_1D = toy2d.Mixture(np.array([0.6, 0.4]), np.array([[-1.5], [1.8]]), np.array([[[0.36]], [[0.64]]]))
N_1D = 500
#: (URL name, default, low, high) of every 1-D slider
SLIDERS = {"mu1": (0.0, -4.0, 4.0), "s1": (1.0, 0.1, 3.0), "mu2": (1.0, -4.0, 4.0), "s2": (1.0, 0.1, 3.0),
           "w": (0.5, 0.05, 0.95)}
LOGITS = np.array([3.0, 2.2, 1.8, 1.2, 0.8, -0.5])  # scores of six next words, as a language model gives them
BLUE, RED, GREY = "#332288", "#CC3311", "#BBBBBB"


@st.cache_data
def data_1d() -> np.ndarray:
    return toy2d.sample_mixture(TRUE_1D, N_1D, seed=7)[:, 0]


@st.cache_data
def data_2d(name: str) -> np.ndarray:
    return toy2d.make_dataset(name, 1000, seed=0)


@st.cache_data
def fit_2d(name: str, k: int, seed: int) -> toy2d.Mixture:
    return toy2d.fit_gaussian(data_2d(name)) if k == 1 else toy2d.fit_mixture(data_2d(name), k, seed=seed)


def model_1d(mixture: bool, mu1: float, s1: float, mu2: float, s2: float, w: float) -> toy2d.Mixture:
    """The model the sliders describe: N(μ₁, σ₁²), or w·N(μ₁, σ₁²) + (1 − w)·N(μ₂, σ₂²)."""
    if not mixture:
        return toy2d.Mixture(np.ones(1), np.array([[mu1]]), np.array([[[s1**2]]]))
    return toy2d.Mixture(np.array([w, 1 - w]), np.array([[mu1], [mu2]]), np.array([[[s1**2]], [[s2**2]]]))


def log_likelihood(model: toy2d.Mixture, x: np.ndarray) -> float:
    """Average log-likelihood per point, in nats."""
    return toy2d.log_likelihood(model, x)


@st.cache_data
def best_1d(mixture: bool) -> toy2d.Mixture:
    """The maximum-likelihood model of the 1-D data: one Gaussian, or a mixture of two fitted by EM."""
    return toy2d.fit_mixture(data_1d(), 2, seed=0) if mixture else toy2d.fit_gaussian(data_1d())


def fit_1d(mixture: bool) -> None:
    """The "fit" button: maximum likelihood (one Gaussian exactly, a mixture by EM), written into the sliders."""
    fitted = best_1d(mixture)
    order = np.argsort(fitted.means[:, 0])
    values = {"mu1": fitted.means[order[0], 0], "s1": np.sqrt(fitted.covs[order[0], 0, 0])}
    if mixture:
        values |= {"mu2": fitted.means[order[1], 0], "s2": np.sqrt(fitted.covs[order[1], 0, 0]),
                   "w": fitted.weights[order[0]]}
    for name, value in values.items():
        _, lo, hi = SLIDERS[name]
        widgets.set_url_value(name, round(min(max(float(value), lo), hi), 2))
    st.session_state["prob_fitted"] = True


def histogram_figure(x: np.ndarray, model: toy2d.Mixture, data_name: str, model_name: str, height: int = 380
                     ) -> go.Figure:
    """The data as a density histogram, the model's density p(x) on top (and each component, dashed)."""
    grid = np.linspace(-5, 5, 400)
    fig = go.Figure()
    fig.add_histogram(x=x, histnorm="probability density", xbins=dict(start=-5, end=5, size=0.25), name=data_name,
                      marker_color=GREY, opacity=0.8)
    fig.add_scatter(x=grid, y=np.exp(toy2d.log_density(model, grid)), mode="lines", name=model_name,
                    line=dict(color=BLUE, width=3))
    if model.k > 1:
        for j in range(model.k):
            part = toy2d.Mixture(np.ones(1), model.means[j:j + 1], model.covs[j:j + 1])
            fig.add_scatter(x=grid, y=model.weights[j] * np.exp(toy2d.log_density(part, grid)), mode="lines",
                            showlegend=False, line=dict(color=BLUE, width=1.5, dash="dash"), hoverinfo="skip")
    fig.add_scatter(x=x, y=np.full(len(x), -0.01), mode="markers", showlegend=False, hoverinfo="skip",
                    marker=dict(symbol="line-ns-open", size=8, color="#555"))
    fig.update_xaxes(range=[-5, 5], title="x")
    fig.update_yaxes(title="p(x)")
    fig.update_layout(legend=dict(orientation="h", y=1.1, x=0), bargap=0.02)
    return charts._layout(fig, height)


def contour_figure(x: np.ndarray, model: toy2d.Mixture, data_name: str, height: int = 430) -> go.Figure:
    """The 2-D points over the contours of the model's log-density, component means starred."""
    ticks = np.linspace(-3.5, 3.5, 90)
    gx, gy = np.meshgrid(ticks, ticks)
    log_p = toy2d.log_density(model, np.stack([gx.ravel(), gy.ravel()], 1)).reshape(gx.shape)
    fig = go.Figure(go.Contour(x=ticks, y=ticks, z=np.maximum(log_p, -8), colorscale="Blues", ncontours=14,
                               colorbar=dict(title="log p(x)", len=0.7), hoverinfo="skip"))
    fig.add_scattergl(x=x[:, 0], y=x[:, 1], mode="markers", name=data_name, hoverinfo="skip",
                      marker=dict(size=3, color=RED, opacity=0.6))
    fig.add_scatter(x=model.means[:, 0], y=model.means[:, 1], mode="markers", showlegend=False, hoverinfo="skip",
                    marker=dict(symbol="x", size=10, color="#111"))
    fig.update_xaxes(range=[-3.5, 3.5], constrain="domain")
    fig.update_yaxes(range=[-3.5, 3.5], scaleanchor="x", scaleratio=1)
    fig.update_layout(showlegend=False)
    return charts._layout(fig, height)


def categorical(temperature: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of the six words at ``temperature`` and the share of each among n samples."""
    probs = toy2d.softmax(LOGITS, temperature)
    counts = np.bincount(toy2d.sample_categorical(probs, n, seed), minlength=len(LOGITS))
    return probs, counts / n


def gaussian_samples(model: toy2d.Mixture, n: int, seed: int) -> np.ndarray:
    return toy2d.sample_mixture(model, n, seed)[:, 0]
