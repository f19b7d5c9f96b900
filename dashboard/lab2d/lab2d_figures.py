"""The 2-D lab's figures: the live picture, the interactive scatter, the divergence curve and each
family's own views (GAN pushes, flow grids, diffusion paths, VAE latent). Arrays come from
:class:`models.lab2d.toy2d_live.LabRun`; nothing here changes the run."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw

from dashboard.core import charts
from dashboard.core.i18n import t
from models.lab2d import toy2d, toy2d_live

LIVE_PX = 520            # the live picture's size in pixels
REAL, FAKE, GRID = "#888888", "#CC3311", "#332288"


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
