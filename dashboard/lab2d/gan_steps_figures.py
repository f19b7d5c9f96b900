"""Figures of the GAN's step-by-step mode: D(x) behind the data and generated points, and both losses
over the updates with each point marked by the step that made it. Arrays come from
:class:`models.lab2d.gan_steps.GanSteps`; nothing here changes the run."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.core import charts
from dashboard.core.i18n import t
from dashboard.lab2d.lab2d_figures import FAKE, REAL, _arrows, _points, _square
from models.lab2d import gan_steps, toy2d_live

D_COLOR, G_COLOR, PUSH = "#0077BB", FAKE, "#117733"
SYMBOLS = {"start": "square", "D": "circle", "G": "triangle-up", "live": "diamond"}


def surface_figure(steps: gan_steps.GanSteps, height: int = 440) -> go.Figure:
    """The discriminator's verdict D(x) on a coarse grid (blue = "real", red = "fake"), the data, the
    generated points and where a G step would push them."""
    surface = steps.surface()
    fig = go.Figure()
    fig.add_heatmap(x=surface["xs"], y=surface["xs"], z=surface["heat"], zmin=0, zmax=1, colorscale="RdBu",
                    opacity=0.6, colorbar=dict(title="D(x)", len=0.6), hovertemplate="D=%{z:.2f}<extra></extra>")
    _points(fig, steps.eval_real, t("lab.real"), REAL)
    _points(fig, steps.samples(), t("lab.generated"), FAKE)
    push = steps.pushes()
    finite = np.isfinite(push["points"]).all(1) & np.isfinite(push["directions"]).all(1)
    if finite.any():
        _arrows(fig, push["points"][finite], push["directions"][finite], t("lab.gs.push"), PUSH)
    kind = steps.kinds[-1]
    fig = _square(fig, t("lab.gs.surface_title", n=f"{steps.total:,}", kind=t(f"lab.gs.kind.{kind}")),
                  height=height, extent=toy2d_live.EXTENT)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.08, x=0), margin=dict(b=50))
    return fig


def losses_figure(steps: gan_steps.GanSteps, height: int = 440) -> go.Figure:
    """D's and G's loss after every update (on fixed points), marked ● for a D step and ▲ for a G step;
    dotted lines at the losses of the game's equilibrium (D(x) = ½ everywhere)."""
    history = steps.history()
    kinds = history["kinds"]
    names = [t(f"lab.gs.kind.{k}") for k in kinds]
    symbols = [SYMBOLS[k] for k in kinds]
    fig = go.Figure()
    for key, color in (("d_loss", D_COLOR), ("g_loss", G_COLOR)):
        label = t(f"lab.gs.curve.{key}")
        fig.add_scatter(x=history["updates"], y=history[key], mode="lines+markers", name=label,
                        line=dict(color=color, width=2), customdata=names,
                        marker=dict(color=color, size=8 if len(kinds) <= 120 else 5, symbol=symbols,
                                    line=dict(color="#FFFFFF", width=1)),
                        hovertemplate=f"{label}: %{{y:.3f}}<br>%{{customdata}}<extra></extra>")
        fig.add_hline(y=gan_steps.EQUILIBRIUM[key], line=dict(color=color, width=1, dash="dot"))
    for kind in ("D", "G"):  # legend entries for the two marker shapes
        fig.add_scatter(x=[None], y=[None], mode="markers", name=t(f"lab.gs.kind.{kind}"),
                        marker=dict(color="#555555", size=9, symbol=SYMBOLS[kind]))
    fig.update_xaxes(title=t("lab.gs.updates_axis"), rangemode="tozero")
    fig.update_yaxes(title=t("lab.loss"), rangemode="tozero")
    fig = charts._layout(fig, height, t("lab.gs.curves_title"))
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.14, x=0), margin=dict(b=70))
    return fig
