"""The 2-D lab's Streamlit side: the per-user run and the live panel.

Tensor work lives in :mod:`models.lab2d.toy2d_live`; this module keeps the run in ``st.session_state``
(one per user) and redraws it live. The user's points (CSV or canvas) come from
:mod:`dashboard.lab2d.lab2d_input`, the figures from :mod:`dashboard.lab2d.lab2d_figures`. A running
run trains only while it holds one of the server's training slots (:mod:`dashboard.serving`), on a
low-priority worker thread, and pauses by itself after a while without a widget change.
"""

from __future__ import annotations

import time
import uuid

import numpy as np
import streamlit as st

from dashboard import serving
from dashboard.core import charts, widgets
from dashboard.core.i18n import t
from dashboard.lab2d.lab2d_figures import (
    LIVE_PX,
    divergence_figure,
    family_figures,
    live_caption,
    live_image,
    main_figure,
)
from models.lab2d import toy2d, toy2d_live
from models.lab2d.toy2d_models import FAMILIES as TOY_FAMILIES
from models.lab2d.toy2d_models import ToyDiffusionConfig

FAMILIES = tuple(TOY_FAMILIES)  # gan, vae, flow, diffusion: the URL's ?family= is a position here
REFRESH_S = 0.16         # live refresh: about six frames a second (≥ 5 with the pauses between runs) …
FRAMES_PER_RUN = 12      # … twelve frames per fragment run (two seconds), see live()
INSIDE_S = 2.0           # … and the curves and the family's own views every two seconds
RUN, RUNNING, RUN_ID = "lab_run", "lab_running", "lab_run_id"
SCOPE = "lab"            # the idle-pause clock of this page (dashboard.serving.ui.touch)
T_MAX = ToyDiffusionConfig.num_train_timesteps - 1


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
        widgets.paragraph(f"lab.inside.{run.family}.body")
        figures = family_figures(run, t_step)
        for column, (name, fig) in zip(st.columns(len(figures)), figures.items(), strict=True):
            column.plotly_chart(fig, key=f"lab_{name}")

    with widgets.key_figure():  # the points and the curves: the 2-D lab's key figure
        left, right = st.columns([3, 2])
    with left:
        points()
    with right:
        curves()
    inside()


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
