"""The 2-D lab's Streamlit side: the user's points (CSV or canvas), the per-user run, the live panel, figures.

Tensor work lives in :mod:`models.lab2d.toy2d_live`; this module keeps the run in ``st.session_state``
(one per user), draws the figures and turns refused points into translated messages. A running
run trains only while it holds one of the server's training slots (:mod:`dashboard.serving`), on a
low-priority worker thread, and pauses by itself after a while without a widget change.
"""

from __future__ import annotations

import time
import uuid

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from PIL import Image, ImageDraw

from dashboard import serving
from dashboard.core import charts, widgets
from dashboard.core.i18n import t
from models.lab2d import toy2d, toy2d_live
from models.lab2d.toy2d_models import ToyDiffusionConfig

SOURCES = ("ring", "moons", "spiral", "checkerboard", "upload", "draw")
FAMILIES = ("gan", "vae", "flow", "diffusion")
REFRESH_S = 0.16         # live refresh: about six frames a second (≥ 5 with the pauses between runs) …
FRAMES_PER_RUN = 12      # … twelve frames per fragment run (two seconds), see live()
INSIDE_S = 2.0           # … and the curves and the family's own views every two seconds
DEFAULT_SPR = 20         # training steps per refresh, unless the URL or the slider says otherwise
CANVAS_PX = 360
LIVE_PX = 520            # the live picture's size in pixels
RUN, RUNNING, RUN_ID = "lab_run", "lab_running", "lab_run_id"
SCOPE = "lab"            # the idle-pause clock of this page (dashboard.serving.ui.touch)
T_MAX = ToyDiffusionConfig.num_train_timesteps - 1
REAL, FAKE, GRID = "#888888", "#CC3311", "#332288"
#: every placeholder an error message may use, so a code raised without some of them still reads well
ERROR_DEFAULTS = dict(size_kb="?", limit_kb=toy2d.MAX_CSV_BYTES // 1024, line="?", value="", columns="?",
                      rows="?", limit=toy2d.MAX_ROWS, minimum=toy2d.MIN_POINTS, row="?",
                      max_abs=f"{toy2d.MAX_ABS:,.0f}")
KEPT = "lab_kept_points"  # session key: the last points accepted from an upload or the canvas, per source


def error_text(exc: toy2d.ToyDataError) -> str:
    """The message for a refused file; text quoted from the file (a cell) is shown escaped."""
    params = {k: widgets.md_escape(v) if isinstance(v, str) else v for k, v in exc.params.items()}
    return t(f"lab.error.{exc.code}", **{**ERROR_DEFAULTS, **params})


def user_points(source: str, container=st) -> np.ndarray | None:
    """The user's points from a CSV upload or the canvas, validated, with a message saying so.

    A refused file gets its translated error, and the points last accepted from this source stay
    in use (the page keeps what the user had); with none, ``None`` and the page trains on the ring."""
    raw = _uploaded(container) if source == "upload" else _drawn(container)
    kept = st.session_state.setdefault(KEPT, {})
    if raw is None:
        kept.pop(source, None)  # the file was removed or the canvas cleared
        points = None
    else:
        try:
            points = kept[source] = toy2d.validate_points(raw)
        except toy2d.ToyDataError as exc:
            container.error(error_text(exc), icon="🚫")
            points = kept.get(source)
            if points is not None:
                container.info(t("lab.kept", n=f"{len(points):,}"), icon="ℹ️")
                return points
    if points is None:
        container.info(t("lab.fallback"), icon="ℹ️")
    else:
        container.success(t("lab.user_ok", n=f"{len(points):,}"), icon="✅")
    return points


def _uploaded(container) -> bytes | None:
    file = container.file_uploader(t("lab.upload"), type=["csv", "txt"], key="lab_csv", help=t("lab.upload_help"))
    return None if file is None else file.getvalue()


def _drawn(container) -> list | None:
    try:
        from streamlit_drawable_canvas import st_canvas
    except Exception:  # the optional component is missing or broken: say so, keep going
        container.warning(t("lab.no_canvas"), icon="⚠️")
        return None
    with container:
        st.caption(t("lab.draw_help", n=toy2d.MIN_POINTS))
        result = st_canvas(drawing_mode="point", point_display_radius=3, stroke_width=2, stroke_color=FAKE,
                           fill_color=FAKE, background_color="#FFFFFF", height=CANVAS_PX, width=CANVAS_PX,
                           key="lab_canvas")
    objects = ((getattr(result, "json_data", None) or {}).get("objects") or [])
    points = [canvas_to_xy(o) for o in objects if str(o.get("type", "")).lower() == "circle"]
    return points or None


def canvas_to_xy(obj: dict) -> tuple[float, float]:
    """A Fabric.js circle's centre in canvas pixels → (x, y) in the lab's square, y pointing up."""
    offsets = {"left": 0.0, "center": 0.5, "right": 1.0, "top": 0.0, "bottom": 1.0}
    width = 2 * obj.get("radius", 0) * obj.get("scaleX", 1)
    height = 2 * obj.get("radius", 0) * obj.get("scaleY", 1)
    cx = obj.get("left", 0) + (0.5 - offsets.get(obj.get("originX", "left"), 0)) * width
    cy = obj.get("top", 0) + (0.5 - offsets.get(obj.get("originY", "top"), 0)) * height
    scale = toy2d_live.EXTENT / (CANVAS_PX / 2)
    return (cx - CANVAS_PX / 2) * scale, (CANVAS_PX / 2 - cy) * scale


# --- the per-user run -----------------------------------------------------------------------------


def current_run(family: str, source: str, seed: int, points: np.ndarray | None) -> toy2d_live.LabRun:
    """This user's run; a new one when the family, the data or the seed changed."""
    dataset = "ring" if source in ("upload", "draw") and points is None else source
    dataset = "user" if dataset in ("upload", "draw") else dataset
    key = (family, dataset, toy2d_live.points_key(points) if dataset == "user" else "", seed)
    run = st.session_state.get(RUN)
    if run is None or run.key != key:
        run = st.session_state[RUN] = toy2d_live.new_run(family, dataset, seed, points)
    return run


def run_id() -> str:
    """This session's name in the line for training slots."""
    return st.session_state.setdefault(RUN_ID, f"lab-{uuid.uuid4().hex}")


def reset() -> None:
    """Forget the run (the page builds a fresh one with the same settings) and pause."""
    st.session_state.pop(RUN, None)
    set_running(False)


def set_running(value: bool) -> None:
    st.session_state[RUNNING] = value
    if value:
        serving.clear_idle(SCOPE)
    else:
        serving.release_training(run_id())


def train_and_measure(run: toy2d_live.LabRun, steps: int, lr: float) -> None:
    run.train(steps, lr)
    run.measure()


def one_step(lr: float) -> None:
    run = st.session_state.get(RUN)
    if run is not None:
        run.train(1, lr)
        run.measure()


def live(steps: int, lr: float, t_step: int) -> None:
    """The live views, each in its own fragment so the page does not fully rerun.

    While running, the fast fragment trains ``steps`` steps then redraws the step count, the
    divergence and the points ``1 / REFRESH_S`` times a second; the curves and the family's own,
    heavier views follow once a second (each redraw costs the browser time; curves need not move
    five times a second)."""
    running = bool(st.session_state.get(RUNNING))

    @st.fragment(run_every=REFRESH_S if running else None)
    def points() -> None:
        run = st.session_state[RUN]
        live = bool(st.session_state.get(RUNNING))
        slot = st.empty()
        # Several frames per fragment run: each rerun costs Streamlit more than a frame does, so one
        # run trains, measures and redraws FRAMES_PER_RUN times, REFRESH_S apart (Pause still stops it:
        # the click's rerun interrupts the loop at its next Streamlit call).
        waiting = st.empty()
        for frame in range(FRAMES_PER_RUN if live else 1):
            start = time.perf_counter()
            if live and serving.idle_pause(SCOPE):  # nobody has touched the page for minutes
                set_running(False)
                st.rerun(scope="app")
            turn = live and serving.training_turn(run_id(), waiting)
            if turn:
                waiting.empty()
                serving.in_background(train_and_measure, run, steps, lr, run_id=run_id())
            with slot.container():
                draw_points(run, live)
            if live and not turn:  # waiting for a training slot: nothing moves, so redraw seldom
                time.sleep(1.0)
                break
            if frame < FRAMES_PER_RUN - 1 and live:
                time.sleep(max(0.0, REFRESH_S - (time.perf_counter() - start)))

    @st.fragment(run_every=INSIDE_S if running else None)
    def curves() -> None:
        run = st.session_state[RUN]
        losses = {name: values for name, values in run.losses.items() if name not in ("d_real", "d_fake")}
        if losses:
            st.plotly_chart(charts.curves(losses, t("lab.steps"), t("lab.loss"), x=run.loss_steps,
                                          markers=False, height=260), key="lab_loss")
        else:
            st.info(t("lab.no_losses"), icon="ℹ️")
        st.plotly_chart(divergence_figure(run), key="lab_mmd")

    @st.fragment(run_every=INSIDE_S if running else None)
    def inside() -> None:
        run = st.session_state[RUN]
        st.subheader(t(f"lab.inside.{run.family}"))
        st.markdown(t(f"lab.inside.{run.family}.body"))
        figures = family_figures(run, t_step)
        for column, (name, fig) in zip(st.columns(len(figures)), figures.items(), strict=True):
            column.plotly_chart(fig, key=f"lab_{name}")

    left, right = st.columns([3, 2])
    with left:
        points()
    with right:
        curves()
    inside()


# --- figures --------------------------------------------------------------------------------------


def _square(fig: go.Figure, title: str | None = None, height: int = 420, extent: float = toy2d_live.EXTENT
            ) -> go.Figure:
    fig.update_xaxes(range=[-extent, extent], zeroline=False, constrain="domain")
    fig.update_yaxes(range=[-extent, extent], zeroline=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(legend=dict(orientation="h", y=1.08, x=0), uirevision="lab")
    return charts._layout(fig, height, title)


def _points(fig: go.Figure, xy: np.ndarray, name: str, color: str, size: int = 5, opacity: float = 0.6) -> None:
    # SVG, not WebGL: a browser keeps only a few WebGL contexts, and this page draws up to six plots at once
    fig.add_scatter(x=xy[:, 0], y=xy[:, 1], mode="markers", name=name,
                      marker=dict(size=size, color=color, opacity=opacity), hoverinfo="skip")


def _arrows(fig: go.Figure, starts: np.ndarray, directions: np.ndarray, name: str, color: str,
            length: float = 0.45) -> None:
    """Arrows as line segments with a dot at the tip, the longest ``length`` long."""
    norms = np.linalg.norm(directions, axis=1)
    scale = length / max(float(norms.max()), 1e-12)
    ends = starts + directions * scale
    xs = np.stack([starts[:, 0], ends[:, 0], np.full(len(starts), np.nan)], 1).ravel()
    ys = np.stack([starts[:, 1], ends[:, 1], np.full(len(starts), np.nan)], 1).ravel()
    fig.add_scatter(x=xs, y=ys, mode="lines", name=name, line=dict(color=color, width=2), hoverinfo="skip")
    fig.add_scatter(x=ends[:, 0], y=ends[:, 1], mode="markers", showlegend=False, hoverinfo="skip",
                    marker=dict(size=5, color=color))


def _lines(fig: go.Figure, lines: np.ndarray, name: str, color: str, width: float = 1.2) -> None:
    """Polylines (L, n, 2) as one trace, separated by gaps."""
    gap = np.full((len(lines), 1, 2), np.nan)
    flat = np.concatenate([lines, gap], 1).reshape(-1, 2)
    fig.add_scatter(x=flat[:, 0], y=flat[:, 1], mode="lines", name=name, hoverinfo="skip",
                    line=dict(color=color, width=width))


def divergence_figure(run: toy2d_live.LabRun, height: int = 260) -> go.Figure:
    """MMD² between generated points and data over training; for the ring, modes covered on a second axis."""
    fig = charts.curves({"MMD²": run.mmd}, t("lab.steps"), "MMD²", x=run.measured_at, markers=False,
                        height=height)
    if run.ring:
        fig.add_scatter(x=run.measured_at, y=run.modes, name=t("lab.modes"), yaxis="y2", mode="lines",
                        line=dict(color="#117733", width=2, shape="hv"))
        fig.update_layout(yaxis2=dict(title=t("lab.modes"), overlaying="y", side="right",
                                      range=[0, toy2d.RING_MODES + 0.5], showgrid=False,
                                      tickmode="linear", dtick=2))
    return fig


def main_figure(run: toy2d_live.LabRun) -> go.Figure:
    """Real vs generated points; GAN: discriminator heatmap and pushes; flow: its density behind the points."""
    fig = go.Figure()
    if run.family == "gan":
        view = run.gan_view()
        fig.add_heatmap(x=view["xs"], y=view["xs"], z=view["heat"], zmin=0, zmax=1, colorscale="RdBu",
                        opacity=0.55, colorbar=dict(title="D(x)", len=0.6), hovertemplate="D=%{z:.2f}<extra></extra>")
    elif run.family == "flow":
        view = run.flow_density()
        fig.add_heatmap(x=view["xs"], y=view["xs"], z=view["density"], colorscale="Blues", opacity=0.7,
                        colorbar=dict(title="p(x)", len=0.6), hovertemplate="p=%{z:.3f}<extra></extra>")
    _points(fig, run.reference, t("lab.real"), REAL)
    _points(fig, run.samples, t("lab.generated"), FAKE)
    if run.family == "gan":
        _arrows(fig, view["points"], view["directions"], t("lab.gan.arrows"), "#117733")
    return _square(fig, t("lab.main.title", step=f"{run.steps:,}"))


def draw_points(run: toy2d_live.LabRun, live: bool) -> None:
    """Step count, MMD, modes, and the points: a picture while training (cheap for the browser to
    redraw five times a second), the interactive chart while paused (hover, zoom)."""
    m1, m2, m3 = st.columns(3)
    m1.metric(t("lab.steps"), f"{run.steps:,}")
    m2.metric("MMD²", f"{run.mmd[-1]:.4f}")
    if run.ring:
        m3.metric(t("lab.modes"), f"{run.modes[-1]} / {toy2d.RING_MODES}")
    if live:
        st.image(live_image(run), caption=live_caption(run), width=LIVE_PX)
    else:
        st.plotly_chart(main_figure(run), key="lab_main")


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


def _background(values: np.ndarray, low: str, high: str, size: int, strength: float) -> Image.Image:
    """A grid of values in [0, 1] (row 0 = lowest y) as colours between ``low`` and ``high``, over white."""
    t = np.clip(values, 0, 1)[::-1, :, None]
    colour = (1 - t) * np.array(_rgb(low)) + t * np.array(_rgb(high))
    blended = (1 - strength) * 255 + strength * colour
    return Image.fromarray(blended.astype(np.uint8), "RGB").resize((size, size), Image.Resampling.BILINEAR)


def live_image(run: toy2d_live.LabRun, size: int = LIVE_PX) -> Image.Image:
    """The live view as a picture: data (grey) and generated points (red); the GAN's discriminator
    (red = "fake", blue = "real") and pushes, or the flow's density (blue), behind them."""
    extent = toy2d_live.EXTENT

    def px(xy: np.ndarray) -> np.ndarray:
        return np.stack([(xy[:, 0] + extent) / (2 * extent) * size, (extent - xy[:, 1]) / (2 * extent) * size], 1)

    view = None
    if run.family == "gan":
        view = run.gan_view()
        image = _background(view["heat"], "#CC3311", "#2166AC", size, 0.3)
    elif run.family == "flow":
        density = run.flow_density()["density"]
        image = _background(density / max(float(density.max()), 1e-12), "#FFFFFF", "#2166AC", size, 0.7)
    else:
        image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image, "RGBA")
    for tick in range(-int(extent), int(extent) + 1):
        a = px(np.array([[tick, tick]], dtype=np.float32))[0]
        width = 2 if tick == 0 else 1
        draw.line([(a[0], 0), (a[0], size)], fill=(0, 0, 0, 40), width=width)
        draw.line([(0, a[1]), (size, a[1])], fill=(0, 0, 0, 40), width=width)
    for xy, color in ((run.reference, REAL), (run.samples, FAKE)):
        finite = xy[np.isfinite(xy).all(1)]
        for x, y in px(finite):
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=(*_rgb(color), 190), outline=(255, 255, 255, 160))
    if view is not None:
        norms = np.linalg.norm(view["directions"], axis=1)
        ends = view["points"] + view["directions"] * (0.45 / max(float(norms.max()), 1e-12))
        for (x0, y0), (x1, y1) in zip(px(view["points"]), px(ends), strict=True):
            draw.line([(x0, y0), (x1, y1)], fill=(*_rgb("#117733"), 255), width=2)
            draw.ellipse([x1 - 2.5, y1 - 2.5, x1 + 2.5, y1 + 2.5], fill=(*_rgb("#117733"), 255))
    return image


def live_caption(run: toy2d_live.LabRun) -> str:
    parts = [t("lab.main.title", step=f"{run.steps:,}"), f"⚪ {t('lab.real')}", f"🔴 {t('lab.generated')}"]
    if run.family == "gan":
        parts.append(f"🟢 {t('lab.gan.arrows')}")
    return " · ".join(parts)


def family_figures(run: toy2d_live.LabRun, t_step: int) -> dict[str, go.Figure]:
    if run.family == "gan":
        view = run.gan_view(n_arrows=200)
        fig = go.Figure()
        _points(fig, run.reference, t("lab.real"), REAL, opacity=0.3)
        _arrows(fig, view["points"], view["directions"], t("lab.gan.arrows"), "#117733", length=0.6)
        return {"gan_push": _square(fig, t("lab.gan.push_title"))}
    if run.family == "flow":
        view = run.flow_view()
        forward = go.Figure()
        _lines(forward, view["lines"], t("lab.flow.grid"), "#BBBBBB", 0.8)
        _lines(forward, view["f"], "f(x)", GRID)
        _points(forward, view["f_data"], t("lab.flow.f_data"), FAKE, size=3, opacity=0.5)
        inverse = go.Figure()
        _lines(inverse, view["f_inv"], "f⁻¹(z)", GRID)
        _points(inverse, run.reference, t("lab.real"), REAL, size=3, opacity=0.4)
        det = view["f_logdet"]
        return {"flow_f": _square(forward, t("lab.flow.f_title", lo=f"{det.min():.2f}", hi=f"{det.max():.2f}"),
                                  height=380, extent=4.5),
                "flow_inv": _square(inverse, t("lab.flow.inv_title"), height=380, extent=4.5)}
    if run.family == "diffusion":
        view = run.diffusion_view(t_step)
        noised = go.Figure()
        _points(noised, run.reference, t("lab.real"), REAL, size=3, opacity=0.3)
        _points(noised, view["noised"], t("lab.diffusion.noised", t=t_step), FAKE, size=4)
        paths = go.Figure()
        _points(paths, run.reference, t("lab.real"), REAL, size=3, opacity=0.3)
        _lines(paths, view["paths"].transpose(1, 0, 2), t("lab.diffusion.paths"), GRID)
        _points(paths, view["paths"][-1], t("lab.generated"), FAKE, size=7, opacity=1)
        field = go.Figure()
        _points(field, run.reference, t("lab.real"), REAL, size=3, opacity=0.3)
        _arrows(field, view["field_points"], view["field"], t("lab.diffusion.field"), GRID, length=0.3)
        return {"diff_noise": _square(noised, t("lab.diffusion.noise_title", t=t_step, s=f"{view['signal']:.2f}",
                                                n=f"{view['noise']:.2f}"), height=360, extent=4),
                "diff_paths": _square(paths, t("lab.diffusion.paths_title"), height=360, extent=4),
                "diff_field": _square(field, t("lab.diffusion.field_title", t=t_step), height=360)}
    view = run.vae_view()
    angle = np.arctan2(run.reference[:, 1], run.reference[:, 0])
    latent = go.Figure(go.Scatter(x=view["codes"][:, 0], y=view["codes"][:, 1], mode="markers", hoverinfo="skip",
                                    marker=dict(size=5, color=angle, colorscale="Twilight", opacity=0.8),
                                    name=t("lab.vae.codes")))
    _lines(latent, view["lines"], t("lab.vae.grid"), "#BBBBBB", 0.8)
    decoded = go.Figure()
    _points(decoded, run.reference, t("lab.real"), REAL, size=3, opacity=0.4)
    _lines(decoded, view["decoded"], t("lab.vae.decoded"), GRID)
    return {"vae_latent": _square(latent, t("lab.vae.latent_title"), height=380, extent=3.5),
            "vae_decoded": _square(decoded, t("lab.vae.decoded_title"), height=380)}
