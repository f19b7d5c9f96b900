"""Figures of the text pages' structure sections: the chain rule over a real text, a GPT's parts drawn
with its real sizes, and the attention masks of GPT, BERT and T5. Text comes in already translated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard.core import charts

_BOX = {"io": "#DDDDDD", "embed": "#CCEEFF", "attn": "#BBCCEE", "mlp": "#CCDDAA", "norm": "#EEEEBB",
        "out": "#FFCCCC"}
_EDGE = "#555555"


def chain_figure(tokens: Sequence[str], probs: Sequence[float], cumulative: Sequence[float],
                 names: tuple[str, str], y_titles: tuple[str, str], height: int = 380) -> go.Figure:
    """Bars: p(x_t | x_<t) of every scored token (left axis); line: the running sum of log p (right axis)."""
    labels = [f"{i + 2}:{token}" for i, token in enumerate(tokens)]  # token 1 is given, scoring starts at 2
    fig = go.Figure()
    fig.add_bar(x=labels, y=list(probs), name=names[0], marker_color=charts.ACCENT,
                hovertemplate="%{x}: %{y:.2%}<extra></extra>")
    fig.add_scatter(x=labels, y=list(cumulative), name=names[1], mode="lines+markers", yaxis="y2",
                    line=dict(color="#CC6677", width=3), hovertemplate="%{x}: %{y:.2f}<extra></extra>")
    fig.update_layout(yaxis=dict(title=y_titles[0], range=[0, 1], tickformat=".0%"),
                      yaxis2=dict(title=y_titles[1], overlaying="y", side="right", showgrid=False),
                      xaxis=dict(tickangle=-60), legend=dict(orientation="h", y=1.12, x=0), bargap=0.25)
    return charts._layout(fig, height)


def structure_figure(labels: Mapping[str, str], height: int = 660) -> go.Figure:
    """A GPT from bottom (tokens in) to top (next-token probabilities out), one box per part.

    ``labels`` holds the translated text of every box (keys: ``tokens``, ``token_embedding``,
    ``position_embedding``, ``sum``, ``block``, ``attention``, ``mlp``, ``residual``, ``final_norm``,
    ``output``, ``softmax``), already filled in with the model's real sizes."""
    rows = [  # (key, y centre, x from, x to, colour)
        ("tokens", 0.5, 1.0, 9.0, "io"),
        ("token_embedding", 1.6, 0.3, 4.8, "embed"), ("position_embedding", 1.6, 5.2, 9.7, "embed"),
        ("sum", 2.6, 3.0, 7.0, "embed"),
        ("attention", 4.0, 2.0, 9.0, "attn"),
        ("mlp", 5.6, 2.0, 9.0, "mlp"),
        ("final_norm", 7.3, 2.0, 8.0, "norm"),
        ("output", 8.3, 1.0, 9.0, "out"),
        ("softmax", 9.3, 1.0, 9.0, "io"),
    ]
    # shapes and annotations as plain dicts, set once: plotly's add_shape/add_annotation validate the
    # whole list on every call (about 0.2 s for this figure)
    # the repeated block: a dashed frame around attention and MLP, its label on the frame
    shapes = [dict(type="rect", x0=0.2, x1=9.8, y0=3.25, y1=6.55, line=dict(color=_EDGE, width=2, dash="dash"),
                   fillcolor="rgba(0,0,0,0)", layer="below")]
    notes = [dict(x=9.75, y=6.55, text=f"<b>{labels['block']}</b>", showarrow=False, xanchor="right",
                  yanchor="bottom", font=dict(size=14, color="#222222"))]
    for key, y, x0, x1, colour in rows:
        shapes.append(dict(type="rect", x0=x0, x1=x1, y0=y - 0.36, y1=y + 0.36, line=dict(color=_EDGE, width=1),
                           fillcolor=_BOX[colour], layer="below"))
        notes.append(dict(x=(x0 + x1) / 2, y=y, text=labels[key], showarrow=False,
                          font=dict(size=13, color="#111111")))
    arrows = [(2.55, 0.86, 1.24), (7.45, 0.86, 1.24), (2.55, 1.96, 2.24), (7.45, 1.96, 2.24), (5.0, 2.96, 3.64),
              (5.0, 4.36, 5.24), (5.0, 5.96, 6.94), (5.0, 7.66, 7.94), (5.0, 8.66, 8.94)]
    for x, y_from, y_to in arrows:
        notes.append(dict(x=x, y=y_to, ax=x, ay=y_from, xref="x", yref="y", axref="x", ayref="y", text="",
                          showarrow=True, arrowhead=2, arrowwidth=1.5, arrowcolor=_EDGE))
    # residual connections: around attention and around the MLP, added back (⊕) after each
    xs, ys = [], []
    for y_from, y_to in ((3.45, 4.75), (4.95, 6.4)):
        xs += [5.0, 0.7, 0.7, 4.8, None]
        ys += [y_from, y_from, y_to, y_to, None]
        notes.append(dict(x=5.0, y=y_to, text="⊕", showarrow=False, font=dict(size=18, color="#CC6677")))
    notes.append(dict(x=0.8, y=5.6, text=labels["residual"], showarrow=False, xanchor="left", yanchor="bottom",
                      font=dict(size=12, color="#CC6677")))
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#CC6677", width=2), hoverinfo="skip",
                               showlegend=False), layout=dict(shapes=shapes, annotations=notes))
    fig.update_xaxes(visible=False, range=[0, 10], fixedrange=True)
    fig.update_yaxes(visible=False, range=[0, 9.8], fixedrange=True)
    return charts._layout(fig, height)


def masks_figure(masks: Sequence[np.ndarray], titles: Sequence[str], ticks: Sequence[Sequence[str]],
                 axis_titles: tuple[str, str], height: int = 330) -> go.Figure:
    """The attention masks side by side: rows are the reading tokens (queries), columns the tokens they
    may look at (keys); dark = may look, white = masked."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=len(masks), subplot_titles=[charts.wrap_title(t, 24) for t in titles],
                        horizontal_spacing=0.08)
    for i, (mask, tick) in enumerate(zip(masks, ticks, strict=True), start=1):
        fig.add_trace(go.Heatmap(z=np.asarray(mask, dtype=float), x=list(tick), y=list(tick), zmin=0, zmax=1,
                                 colorscale=[[0, "#FFFFFF"], [1, charts.ACCENT]], showscale=False, xgap=2, ygap=2,
                                 hovertemplate="%{y} → %{x}<extra></extra>"), row=1, col=i)
        fig.update_yaxes(autorange="reversed", type="category", row=1, col=i,
                         title=axis_titles[0] if i == 1 else None)
        fig.update_xaxes(row=1, col=i, type="category", title=axis_titles[1], tickangle=-45)
    fig.update_annotations(font=dict(size=14))
    fig = charts._layout(fig, height)
    fig.update_layout(margin=dict(l=10, r=10, t=60, b=10))
    return fig
