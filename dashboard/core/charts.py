"""Plotly figure builders shared by every page: bars, heatmaps, curves (image grids: :mod:`dashboard.core.pictures`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

#: Paul Tol's "muted" scheme: colour-blind safe, one colour per Fashion-MNIST class.
CLASS_COLORS = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE",
                "#882255", "#44AA99", "#999933", "#AA4499", "#6B6B6B"]
ACCENT = "#332288"
FONT = dict(size=15)

#: Every colour a chart may use: Paul Tol's colour-blind-safe qualitative schemes (muted, bright,
#: vibrant, light, pale), any grey, black and white; ``rgba`` of these with any alpha is allowed too
#: (tests/dashboard/test_palette.py walks every chart builder's traces against it).
TOL_BRIGHT = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB"]
TOL_VIBRANT = ["#0077BB", "#33BBEE", "#009988", "#EE7733", "#CC3311", "#EE3377", "#BBBBBB"]
TOL_LIGHT = ["#77AADD", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00", "#EEDD88", "#EE8866", "#FFAABB", "#DDDDDD"]
TOL_PALE = ["#BBCCEE", "#CCEEFF", "#CCDDAA", "#EEEEBB", "#FFCCCC", "#DDDDDD"]
SAFE_COLORS = frozenset(c.upper() for c in (*CLASS_COLORS, ACCENT, "#DDDDDD", *TOL_BRIGHT, *TOL_VIBRANT, *TOL_LIGHT,
                                            *TOL_PALE))
#: Named colour scales charts may use: perceptually uniform (viridis family, cividis, twilight) or
#: single-hue / blue–red ramps readable with red–green colour blindness.
SAFE_SCALES = frozenset(s.lower() for s in ("Viridis", "Cividis", "Inferno", "Magma", "Plasma", "Twilight", "Blues",
                                            "Greys", "RdBu", "RdBu_r"))
#: Series colours in order, for traces that take the next colour (plotly's own default is not safe).
COLORWAY = [CLASS_COLORS[(i * 3 + 1) % len(CLASS_COLORS)] for i in range(len(CLASS_COLORS))]


TITLE_CHARS = 46  # a chart title is wrapped at about this many characters: plotly never wraps it, and a
#                   longer line is cut off at the sides of a 390 px phone screen


def text_width(text: str) -> int:
    """Width in Latin characters: a Hangul syllable or other wide character counts as two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_title(title: str | None, width: int = TITLE_CHARS) -> str | None:
    """``title`` broken into lines at most ``width`` wide (:func:`text_width`) at spaces (plotly's
    ``<br>``); a single word wider than that stays whole."""
    if not title or text_width(title) <= width or "<br>" in title:
        return title
    lines, line = [], ""
    for word in title.split(" "):
        if line and text_width(line) + 1 + text_width(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join([*lines, line])


def _layout(fig: go.Figure, height: int, title: str | None = None) -> go.Figure:
    title = wrap_title(title)
    extra = 20 * title.count("<br>") if title else 0
    fig.update_layout(height=height + extra, margin=dict(l=10, r=10, t=(40 + extra) if title else 10, b=10),
                      title=title, font=FONT, paper_bgcolor="rgba(0,0,0,0)", colorway=COLORWAY)
    return fig


def probability_bars(probs: dict[str, Sequence[float]], labels: Sequence[str],
                     highlight: int | None = None, height: int = 360, title: str | None = None) -> go.Figure:
    """Horizontal bars of class probabilities, one trace per model; ``highlight`` marks the true class."""
    fig = go.Figure()
    palette = [ACCENT, "#DDCC77", "#44AA99"]
    labels = [f"<b>{name} ◀</b>" if i == highlight else name for i, name in enumerate(labels)]
    for (name, values), color in zip(probs.items(), palette, strict=False):
        fig.add_bar(y=labels, x=list(values), name=name, orientation="h", marker_color=color,
                    hovertemplate="%{y}: %{x:.1%}<extra>" + name + "</extra>")
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.08, x=0))
    return _layout(fig, height, title)


def _explicit(colorscale: str) -> list:
    """A named plotly colorscale as explicit stops. Streamlit's chart theme swaps the colour
    "#000004" (where Inferno and Magma start) for a light pink, so that stop becomes pure black."""
    import plotly.colors

    return [[stop, "#000000" if color.lower() == "#000004" else color]
            for stop, color in plotly.colors.get_colorscale(colorscale)]


def heatmap(z: np.ndarray, x: Sequence[str] | None = None, y: Sequence[str] | None = None,
            title: str | None = None, height: int = 400, colorscale: str = "Viridis",
            zmin: float | None = None, zmax: float | None = None) -> go.Figure:
    fig = go.Figure(go.Heatmap(z=z, x=x, y=y, colorscale=_explicit(colorscale), zmin=zmin, zmax=zmax))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, height, title)


def curves(series: dict[str, Sequence[float]], x_title: str, y_title: str, title: str | None = None,
           height: int = 320, log_y: bool = False, x: Sequence[float] | None = None, log_x: bool = False,
           vline: float | None = None, markers: bool = True) -> go.Figure:
    """Line plot of one or more curves (e.g. loss per epoch); x defaults to 1..len."""
    fig = go.Figure()
    for i, (name, ys) in enumerate(series.items()):
        xs = list(x) if x is not None else list(range(1, len(ys) + 1))
        fig.add_scatter(x=xs, y=list(ys), mode="lines+markers" if markers else "lines", name=name,
                        line=dict(color=CLASS_COLORS[(i * 3 + 1) % len(CLASS_COLORS)], width=3))
    if vline is not None:
        fig.add_vline(x=vline, line_dash="dash", line_color="#444")
    fig.update_xaxes(title=x_title, type="log" if log_x else "linear")
    fig.update_yaxes(title=y_title, type="log" if log_y else "linear")
    fig.update_layout(legend=dict(orientation="h", y=1.12, x=0))
    return _layout(fig, height, title)


def tradeoff(points: dict[str, tuple[float, float, float]], x_title: str, y_title: str, size_title: str,
             floor: tuple[float, str] | None = None, height: int = 420) -> go.Figure:
    """Quality vs speed vs diversity: x = milliseconds (log), y = FID, bubble size = coverage."""
    fig = go.Figure()
    for i, (name, (ms, fid, coverage)) in enumerate(points.items()):
        fig.add_scatter(x=[ms], y=[fid], mode="markers+text", name=name, text=[name], textposition="top center",
                        marker=dict(size=18 + 60 * max(coverage, 0), color=CLASS_COLORS[(i * 3 + 1) % 10],
                                    opacity=0.8, line=dict(width=1, color="#222")),
                        hovertemplate=f"{name}<br>{x_title}: %{{x:.0f}}<br>{y_title}: %{{y:.2f}}<br>"
                                      f"{size_title}: {coverage:.2f}<extra></extra>")
    if floor is not None:  # (value, label): the real-vs-real FID at the same N
        fig.add_hline(y=floor[0], line_dash="dot", line_color="#444", annotation_text=floor[1],
                      annotation_position="bottom right")
    fig.update_xaxes(title=x_title, type="log")
    fig.update_yaxes(title=y_title, rangemode="tozero")
    fig.update_layout(showlegend=False)
    return _layout(fig, height)


def latent_scatter(points: np.ndarray, labels: np.ndarray, class_names: Sequence[str], title: str | None = None,
                   marker: tuple[float, float] | None = None, marker_name: str = "", height: int = 520,
                   ranges: tuple[Sequence[float], Sequence[float]] | None = None, legend: bool = True,
                   axis_titles: tuple[str, str] = ("z₁", "z₂")) -> go.Figure:
    """Codes on a 2-D map, one colour (and legend entry) per class; ``marker`` stars one point."""
    fig = go.Figure()
    for c, name in enumerate(class_names):
        sel = labels == c
        fig.add_scattergl(x=points[sel, 0], y=points[sel, 1], mode="markers", name=name,
                          marker=dict(size=4, color=CLASS_COLORS[c], opacity=0.6),
                          hovertemplate=name + "<br>(%{x:.2f}, %{y:.2f})<extra></extra>")
    if marker is not None:
        fig.add_scatter(x=[marker[0]], y=[marker[1]], mode="markers", name=marker_name, showlegend=bool(marker_name),
                        marker=dict(symbol="star", size=20, color="#111", line=dict(width=2, color="#FFF")),
                        hoverinfo="skip")
    if ranges is not None:
        fig.update_xaxes(range=list(ranges[0]))
        fig.update_yaxes(range=list(ranges[1]))
    fig.update_xaxes(title=axis_titles[0], zeroline=False)
    fig.update_yaxes(title=axis_titles[1], zeroline=False)
    fig.update_layout(showlegend=legend, legend=dict(itemsizing="constant"), dragmode="pan")
    return _layout(fig, height, title)


def bars(values: Sequence[float], x: Sequence[str] | Sequence[int], x_title: str, y_title: str,
         title: str | None = None, height: int = 300, colors: Sequence[str] | str = ACCENT) -> go.Figure:
    """Plain vertical bars, e.g. how often each codebook entry is used or μ per latent dimension."""
    fig = go.Figure(go.Bar(x=list(x), y=list(values), marker_color=colors))
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title)
    return _layout(fig, height, title)


def grouped_bars(series: dict[str, Sequence[float]], x: Sequence[str], y_title: str, title: str | None = None,
                 height: int = 340, percent: bool = False, hover_text: Sequence[Sequence[str]] | None = None,
                 bar_text: str | None = None) -> go.Figure:
    """Vertical bars, one colour per series, grouped by the categories ``x``; ``bar_text`` (a plotly
    text template such as ``"%{y:.1f}×"``) writes each bar's value above it, to be read from afar."""
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        fig.add_bar(x=list(x), y=list(values), name=name, marker_color=CLASS_COLORS[(i * 3 + 1) % len(CLASS_COLORS)],
                    hovertext=None if hover_text is None else list(hover_text[i]),
                    **({"texttemplate": bar_text, "textposition": "outside", "cliponaxis": False,
                       "textfont": dict(size=FONT["size"] + 2)} if bar_text else {}))
    fig.update_yaxes(title=y_title, tickformat=".0%" if percent else None, rangemode="tozero")
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0))
    _layout(fig, height, title)
    if title:  # the legend sits between the title and the plot
        fig.update_layout(margin=dict(t=80 + 20 * fig.layout.title.text.count("<br>")))
    return fig


def labelled_scatter(x: Sequence[float], y: Sequence[float], names: Sequence[str], x_title: str, y_title: str,
                     title: str | None = None, height: int = 420, log: bool = True,
                     labelled: Sequence[bool] | None = None) -> go.Figure:
    """One named point per item (e.g. a model: parameters vs training hours), log axes by default.
    Every point names itself on hover; ``labelled`` picks the ones whose name is also written on the
    chart (all by default), so crowded clusters stay readable."""
    shown = [n if labelled is None or labelled[i] else "" for i, n in enumerate(names)]
    fig = go.Figure(go.Scatter(x=list(x), y=list(y), mode="markers+text", text=shown, customdata=list(names),
                               textposition="top center", marker=dict(size=11, color=ACCENT, opacity=0.8),
                               hovertemplate="%{customdata}<br>" + x_title + ": %{x:,.0f}<br>" + y_title
                                             + ": %{y:.2f}<extra></extra>"))
    fig.update_xaxes(title=x_title, type="log" if log else "linear")
    fig.update_yaxes(title=y_title, type="log" if log else "linear")
    return _layout(fig, height, title)


def answer_bars(counts: Sequence[int], labels: Sequence[str], right: int | None, y_title: str,
                height: int = 300) -> go.Figure:
    """A class's answers, one bar per choice (or range); once revealed, the right one is marked by
    colour and by a ✓ in its label (not by colour alone)."""
    colors = [CLASS_COLORS[3] if i == right else ("#BBBBBB" if right is not None else ACCENT)
              for i in range(len(counts))]
    names = [f"✓ {name}" if i == right else name for i, name in enumerate(labels)]
    fig = go.Figure(go.Bar(x=names, y=list(counts), marker_color=colors, text=list(counts), textposition="auto",
                           hovertemplate="%{x}: %{y}<extra></extra>"))
    fig.update_yaxes(title=y_title, rangemode="tozero", dtick=max(1, -(-max(counts, default=1) // 5)))
    fig.update_layout(showlegend=False)
    return _layout(fig, height)
