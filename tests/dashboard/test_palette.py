"""Colour-blind-safe charts: every chart builder's traces, shapes and colour scales use the allowed palette
(:data:`dashboard.core.charts.SAFE_COLORS` / :data:`~dashboard.core.charts.SAFE_SCALES`), never plotly's or
Streamlit's default colours (a trace without a colour must take it from a safe ``layout.colorway``)."""

from __future__ import annotations

import inspect
import re

import numpy as np
import plotly.colors
import plotly.graph_objects as go
import pytest

from dashboard.core import charts
from dashboard.image import figures
from dashboard.lab2d import gan_steps_figures, lab2d_figures, prob_view
from dashboard.language import architecture_view, text_view
from dashboard.melody import music_view
from models.lab2d import gan_steps, toy2d_live

MODULES = (charts, figures, lab2d_figures, gan_steps_figures, prob_view, text_view, music_view, architecture_view)
_RGB = re.compile(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)")
_NAMED = {"white": (255, 255, 255), "black": (0, 0, 0), "grey": (128, 128, 128), "gray": (128, 128, 128)}


def rgb(color: str) -> tuple[int, int, int, float]:
    text = color.strip().lower()
    if text in _NAMED:
        return (*_NAMED[text], 1.0)
    if text.startswith("#"):
        h = text[1:]
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 1.0
    m = _RGB.fullmatch(text)
    assert m, f"unreadable colour {color!r}"
    return int(float(m[1])), int(float(m[2])), int(float(m[3])), float(m[4] or 1)


def safe_color(color: str) -> bool:
    r, g, b, alpha = rgb(color)
    return alpha == 0 or r == g == b or f"#{r:02X}{g:02X}{b:02X}" in charts.SAFE_COLORS


def _scale_key(scale) -> tuple:
    return tuple((round(float(stop), 4), rgb(str(c))[:3]) for stop, c in scale)


def _safe_scales() -> set[tuple]:
    keys = set()
    for name in charts.SAFE_SCALES:
        scale = plotly.colors.get_colorscale(name)
        for variant in (scale, charts._explicit(name)):
            keys.add(_scale_key(variant))
            keys.add(_scale_key([[1 - s, c] for s, c in reversed(variant)]))
    return keys


SAFE_SCALE_KEYS = _safe_scales()


def safe_scale(scale) -> bool:
    """A named safe scale (plotly stores names as explicit stops), or stops that are each a safe colour."""
    return _scale_key(scale) in SAFE_SCALE_KEYS or all(safe_color(str(c)) for _, c in scale)


def colours_of(fig: go.Figure) -> tuple[list[str], list[str]]:
    """(problems, trace types checked): every colour used in ``fig`` that is not in the palette."""
    bad, colorway = [], list(fig.layout.colorway or ())
    bad += [f"colorway {c}" for c in colorway if not safe_color(c)]
    for i, trace in enumerate(fig.data):
        where = f"trace {i} ({trace.type} {getattr(trace, 'name', '')!r})"
        if trace.type == "image":
            continue  # pixels of a picture, not a chart colour
        explicit = False
        for path in ("marker.color", "line.color", "fillcolor", "marker.line.color", "error_y.color",
                     "textfont.color"):
            obj = trace
            for part in path.split("."):
                obj = getattr(obj, part, None) if obj is not None else None
            if obj is None:
                continue
            explicit |= path in ("marker.color", "line.color", "fillcolor")
            values = [obj] if isinstance(obj, str) else list(np.ravel(obj))
            if values and all(isinstance(v, str) for v in values):
                bad += [f"{where} {path}={v}" for v in values if not safe_color(v)]
            else:  # numbers mapped through a colour scale
                scale = getattr(trace.marker, "colorscale", None) if path.startswith("marker") else None
                if scale is None or not safe_scale(scale):
                    bad.append(f"{where} {path} numeric without a safe colorscale")
        scale = getattr(trace, "colorscale", None) if trace.type in ("heatmap", "contour", "histogram2d") else None
        if trace.type in ("heatmap", "contour", "histogram2d"):
            if scale is None or not safe_scale(scale):
                bad.append(f"{where} colorscale {scale}")
        elif not explicit and not colorway:
            bad.append(f"{where}: no colour of its own and no safe colorway (plotly/Streamlit default)")
    for shape in fig.layout.shapes:
        if shape.line and shape.line.color and not safe_color(shape.line.color):
            bad.append(f"shape line {shape.line.color}")
        if shape.fillcolor and not safe_color(shape.fillcolor):
            bad.append(f"shape fill {shape.fillcolor}")
    for note in fig.layout.annotations:
        for color in (note.arrowcolor, note.font.color if note.font else None, note.bgcolor):
            if color and not safe_color(color):
                bad.append(f"annotation {note.text!r} {color}")
    return bad


def _lab_runs():
    return {family: toy2d_live.new_run(family, "ring", 0) for family in ("gan", "vae", "flow", "diffusion")}


def every_chart() -> dict[str, go.Figure]:
    rng = np.random.default_rng(0)
    names = [f"c{i}" for i in range(10)]
    figs = {
        "charts.probability_bars": charts.probability_bars({"a": rng.random(10), "b": rng.random(10),
                                                            "c": rng.random(10)}, names, highlight=2),
        "charts.heatmap": charts.heatmap(rng.random((4, 4))),
        "charts.answer_bars": charts.answer_bars([3, 0, 5], ["a", "b", "c"], None, "n"),
        "charts.answer_bars.revealed": charts.answer_bars([3, 0, 5], ["a", "b", "c"], 2, "n"),
        "charts.heatmap.inferno": charts.heatmap(rng.random((4, 4)), colorscale="Inferno"),
        "charts.heatmap.rdbu": charts.heatmap(rng.random((4, 4)), colorscale="RdBu_r"),
        "charts.heatmap.blues": charts.heatmap(rng.random((4, 4)), colorscale="Blues"),
        "charts.curves": charts.curves({f"s{i}": rng.random(5) for i in range(4)}, "x", "y", vline=2),
        "charts.tradeoff": charts.tradeoff({f"m{i}": (10.0 * (i + 1), 20.0, 0.5) for i in range(4)}, "ms", "FID",
                                           "cov", floor=(3.0, "floor")),
        "charts.latent_scatter": charts.latent_scatter(rng.normal(size=(50, 2)), rng.integers(0, 10, 50), names,
                                                       marker=(0.0, 0.0), marker_name="here"),
        "charts.bars": charts.bars(rng.random(4), list("abcd"), "x", "y"),
        "charts.grouped_bars": charts.grouped_bars({f"s{i}": rng.random(3) for i in range(4)}, list("abc"), "y",
                                                   title="t"),
        "charts.labelled_scatter": charts.labelled_scatter([1, 10], [2, 3], ["a", "b"], "x", "y"),
        "figures.warp_figure": figures.warp_figure(("a", "b", "c")),
        "text_view.steps_figure": text_view.steps_figure(list("abcd"), ("rnn", "attention")),
        "architecture_view.chain_figure": architecture_view.chain_figure(list("abc"), rng.random(3), -rng.random(3),
                                                                         ("p", "sum"), ("p", "log p")),
        "architecture_view.structure_figure": architecture_view.structure_figure(dict.fromkeys(
            ("tokens", "token_embedding", "position_embedding", "sum", "block", "attention", "mlp", "residual",
             "final_norm", "output", "softmax"), "x")),
        "architecture_view.masks_figure": architecture_view.masks_figure(
            [np.tril(np.ones((3, 3)))] * 2, ["a", "b"], [list("abc")] * 2, ("q", "k")),
        "music_view.piano_roll_figure": music_view.piano_roll_figure(
            np.array([[0, 1, 2, 3, 4, 0, 0, 0] * 4] * 8)),
        "prob_view.histogram_figure": prob_view.histogram_figure(
            rng.normal(size=200), prob_view.model_1d(True, -1, 1, 2, 0.5, 0.4), "data", "model"),
        "prob_view.contour_figure": prob_view.contour_figure(
            rng.normal(size=(100, 2)), prob_view.fit_2d("ring", 3, 0), "ring"),
    }
    runs = _lab_runs()
    steps = gan_steps.new_steps(runs["gan"].model, runs["gan"].data, runs["gan"].reference, 0)
    steps.alternate(2, 1)
    figs["gan_steps_figures.surface_figure"] = gan_steps_figures.surface_figure(steps)
    figs["gan_steps_figures.losses_figure"] = gan_steps_figures.losses_figure(steps)
    for family, run in runs.items():
        figs[f"lab2d_figures.main_figure.{family}"] = lab2d_figures.main_figure(run)
        figs[f"lab2d_figures.divergence_figure.{family}"] = lab2d_figures.divergence_figure(run)
        for name, fig in lab2d_figures.family_figures(run, 10).items():
            figs[f"lab2d_figures.family_figures.{family}.{name}"] = fig
    return figs


@pytest.fixture(scope="module")
def charts_built():
    return every_chart()


def test_every_figure_builder_is_walked(charts_built):
    """A new public function returning a plotly figure in these modules must be added above."""
    builders = {f"{m.__name__.rsplit('.', 1)[-1]}.{name}" for m in MODULES
                for name, fn in inspect.getmembers(m, inspect.isfunction)
                if fn.__module__ == m.__name__ and not name.startswith("_")
                and "Figure" in str(inspect.signature(fn).return_annotation)}
    walked = {".".join(k.split(".")[:2]) for k in charts_built}
    assert builders - walked == set()
    assert "text_view.steps_figure" in walked  # no annotation there, walked anyway


def test_every_chart_uses_the_safe_palette(charts_built):
    problems = {name: bad for name, fig in charts_built.items() if (bad := colours_of(fig))}
    assert problems == {}


def test_the_walker_catches_default_and_unsafe_colours():
    plain = go.Figure(go.Scatter(x=[1], y=[1]))  # plotly's default blue
    assert colours_of(plain)
    assert colours_of(go.Figure(go.Bar(x=[1], y=[1], marker_color="#636EFA")))  # plotly's first default
    assert colours_of(go.Figure(go.Heatmap(z=[[1, 2]], colorscale="Jet")))
    assert colours_of(go.Figure(go.Heatmap(z=[[1, 2]])))
    assert not colours_of(go.Figure(go.Bar(x=[1], y=[1], marker_color=charts.ACCENT)))
    assert not colours_of(go.Figure(go.Heatmap(z=[[1, 2]], colorscale="Viridis")))
    assert safe_color("rgba(51,34,136,0.4)") and safe_color("#444") and not safe_color("#FF0000")


def test_long_chart_titles_wrap_for_phones():
    long = "Accuracy on real test images when training on real plus generated images"
    wrapped = charts.wrap_title(long)
    assert wrapped.replace("<br>", " ") == long
    assert all(len(line) <= charts.TITLE_CHARS for line in wrapped.split("<br>"))
    korean = charts.wrap_title("실제 데이터와 생성 데이터를 섞어 학습했을 때 실제 시험 이미지에서의 정확도")
    assert all(charts.text_width(line) <= charts.TITLE_CHARS for line in korean.split("<br>"))
    assert charts.wrap_title("short") == "short" and charts.wrap_title(None) is None
    fig = charts.bars([1, 2], ["a", "b"], "", "", title=long)
    assert "<br>" in fig.layout.title.text and fig.layout.margin.t > 40
