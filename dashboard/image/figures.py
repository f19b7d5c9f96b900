"""Explanatory figures of the image-model pages that need no model: the 1-D change of variables."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

BANDS = ["#88CCEE", "#DDCC77"]  # alternating equal-probability bands (colour-blind safe)


def unwarp(z: np.ndarray, strength: float = 1.2) -> np.ndarray:
    """A monotone warp x = f⁻¹(z) = z + a·tanh(2z): slope 1 + 2a at the centre, 1 far out."""
    return z + strength * np.tanh(2 * z)


def change_of_variables(strength: float = 1.2, n: int = 801) -> dict[str, np.ndarray]:
    """The base density p_Z on a z grid, the warp, and the pushed-forward density on an x grid:
    p_X(x) = p_Z(f(x))·|df/dx| with f the inverse of :func:`unwarp` (found by interpolation)."""
    z = np.linspace(-3.5, 3.5, n)
    x_of_z = unwarp(z, strength)
    x = np.linspace(x_of_z[0], x_of_z[-1], n)
    f = np.interp(x, x_of_z, z)  # f(x) = z, since the warp is increasing
    p_z = np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi)
    p_x = np.exp(-0.5 * f**2) / np.sqrt(2 * np.pi) * np.abs(np.gradient(f, x))
    return {"z": z, "p_z": p_z, "x_of_z": x_of_z, "x": x, "p_x": p_x}


def _bands(fig: go.Figure, grid: np.ndarray, density: np.ndarray, edges: np.ndarray, col: int) -> None:
    for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        inside = (grid >= lo) & (grid <= hi)
        fig.add_trace(go.Scatter(x=grid[inside], y=density[inside], fill="tozeroy", mode="lines",
                                 line=dict(color="#555", width=1), fillcolor=BANDS[k % 2],
                                 hoverinfo="skip", showlegend=False), row=1, col=col)


def warp_figure(titles: tuple[str, str, str], strength: float = 1.2, bands: int = 8,
                height: int = 320) -> go.Figure:
    """Three panels: p_Z(z) cut into ``bands`` bands of equal probability; the warp x = f⁻¹(z) with
    the band edges carried across; p_X(x) with the same bands — wide bands are low, narrow ones tall."""
    d = change_of_variables(strength)
    z_edges = np.array([NormalDist().inv_cdf(q) for q in np.linspace(0, 1, bands + 1)[1:-1]])
    z_edges = np.concatenate([[d["z"][0]], z_edges, [d["z"][-1]]])
    x_edges = unwarp(z_edges, strength)
    fig = make_subplots(rows=1, cols=3, subplot_titles=titles, horizontal_spacing=0.08)
    _bands(fig, d["z"], d["p_z"], z_edges, 1)
    fig.add_trace(go.Scatter(x=d["z"], y=d["x_of_z"], mode="lines", line=dict(color="#332288", width=3),
                             showlegend=False, hovertemplate="z=%{x:.2f}<br>x=%{y:.2f}<extra></extra>"),
                  row=1, col=2)
    for ze, xe in zip(z_edges[1:-1], x_edges[1:-1], strict=True):
        fig.add_trace(go.Scatter(x=[ze, ze, d["z"][0]], y=[d["x_of_z"][0], xe, xe], mode="lines",
                                 line=dict(color="#999", width=1, dash="dot"), hoverinfo="skip",
                                 showlegend=False), row=1, col=2)
    _bands(fig, d["x"], d["p_x"], x_edges, 3)
    fig.update_xaxes(title_text="z", row=1, col=1)
    fig.update_xaxes(title_text="z", row=1, col=2)
    fig.update_yaxes(title_text="x", row=1, col=2)
    fig.update_xaxes(title_text="x", row=1, col=3)
    top = 1.05 * max(d["p_z"].max(), d["p_x"].max())
    fig.update_yaxes(range=[0, top], row=1, col=1)
    fig.update_yaxes(range=[0, top], row=1, col=3)
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=40, b=45), paper_bgcolor="rgba(0,0,0,0)",
                      font=dict(size=14))
    return fig
