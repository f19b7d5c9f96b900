"""The 2-D lab's step-by-step GAN mode: D step and G step buttons, an automatic k : 1 loop, and what
each step did — both losses over the updates, D(x) behind the points.

The step session (:class:`models.lab2d.gan_steps.GanSteps`) lives in ``st.session_state`` next to the
lab's run and shares its GAN (one model per user; switching back to live training goes on from
here). Clicks run in a fragment, so a step redraws only this panel; every step runs on the serving
layer's low-priority training thread (:func:`dashboard.serving.in_background`), and the automatic
loop trains only while it holds one of the server's training slots, like the live lab.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard import serving
from dashboard.core import widgets
from dashboard.core.i18n import t
from dashboard.lab2d import lab2d_view as view
from dashboard.lab2d.gan_steps_figures import losses_figure, surface_figure
from models.lab2d import gan_steps, toy2d_live

STEPS, AUTO = "lab_gan_steps", "lab_gan_auto"   # session keys: the step session, the automatic loop's switch
AUTO_S = 0.5                                    # the automatic loop redraws twice a second
MODES = ("live", "steps")                       # ?mode= is a position here (GAN only)


def stepper(run: toy2d_live.LabRun) -> gan_steps.GanSteps:
    """This user's step session on the run's GAN; a new one when the run was replaced (new data, seed, reset)."""
    steps = st.session_state.get(STEPS)
    if steps is None or steps.gan is not run.model:
        steps = st.session_state[STEPS] = gan_steps.new_steps(run.model, run.data, run.reference, run.seed)
    steps.sync()  # live training moved the GAN since the last step: the curves get a point for it
    return steps


def stop_auto() -> None:
    st.session_state[AUTO] = False
    serving.release_training(view.run_id())


def sync_mode(step_mode: bool) -> None:
    """Only one way of training at a time: step mode pauses live training, live mode stops the auto loop."""
    if step_mode and st.session_state.get(view.RUNNING):
        view.set_running(False)
    if not step_mode and st.session_state.get(AUTO):
        stop_auto()


def _d_steps(run: toy2d_live.LabRun, steps: gan_steps.GanSteps, k: int, lr: float) -> None:
    toy2d_live.set_lr(run.model, lr)
    steps.discriminator_steps(k)


def _g_steps(run: toy2d_live.LabRun, steps: gan_steps.GanSteps, n: int, lr: float) -> None:
    toy2d_live.set_lr(run.model, lr)
    steps.generator_steps(n)
    run.measure()  # the samples moved: the live view's divergence follows


def _alternate(run: toy2d_live.LabRun, steps: gan_steps.GanSteps, rounds: int, k: int, lr: float) -> None:
    toy2d_live.set_lr(run.model, lr)
    steps.alternate(rounds, k)
    run.measure()


def step_click(kind: str, k: int, lr: float) -> None:
    """A D-step or G-step button's callback (it runs before the panel redraws): k D steps or one G step."""
    run = st.session_state.get(view.RUN)
    if run is None or st.session_state.get(AUTO):
        return
    steps = stepper(run)
    if kind == "D" and k > 0:
        serving.in_background(_d_steps, run, steps, k, lr, run_id=view.run_id())
    elif kind == "G":
        serving.in_background(_g_steps, run, steps, 1, lr, run_id=view.run_id())


def set_auto(value: bool) -> None:
    if value:
        st.session_state[AUTO] = True
        serving.clear_idle(view.SCOPE)
    else:
        stop_auto()


def reset() -> None:
    stop_auto()
    st.session_state.pop(STEPS, None)
    view.reset()


def panel(run: toy2d_live.LabRun, lr: float, k: int, rounds: int) -> None:
    """The explanation, the step controls and the key figure (points over D(x), both losses).

    Auto, Pause and Reset change how the page refreshes, so they rerun the whole page; D step and
    G step sit inside the fragment and redraw only it."""
    st.header(t("lab.gs.header"))
    widgets.paragraph("lab.gs.intro")
    st.latex(r"\max_D \; \mathbb{E}_{x \sim p_{\mathrm{data}}} \log D(x) + \mathbb{E}_{z} \log\bigl(1 - D(G(z))\bigr)"
             r"\qquad \min_G \; \mathbb{E}_{z} \bigl[-\log D(G(z))\bigr]")
    auto = bool(st.session_state.get(AUTO))
    a1, a2, a3, a4 = st.columns([1.3, 1, 1, 2])
    a1.button(t("lab.gs.auto"), icon="🔁", key="lab_gs_auto", disabled=auto, on_click=set_auto, args=(True,),
              help=t("lab.gs.auto_help", k=k, n=rounds))
    a2.button(t("lab.pause"), icon="⏸️", key="lab_gs_stop", disabled=not auto, on_click=set_auto, args=(False,))
    a3.button(t("lab.reset"), icon="🔄", key="lab_gs_reset", on_click=reset)
    a4.caption(t("lab.gs.status.auto" if auto else "lab.gs.status.paused", k=k, n=rounds))

    @st.fragment(run_every=AUTO_S if auto else None)
    def body() -> None:
        steps = stepper(run)
        live = bool(st.session_state.get(AUTO))
        b1, b2, b3 = st.columns([1, 1, 3])
        b1.button(t("lab.gs.d_step", k=k), icon="🔵", type="primary", key="lab_gs_d", disabled=live or k == 0,
                  help=t("lab.gs.d_step_help"), on_click=step_click, args=("D", k, lr))
        b2.button(t("lab.gs.g_step"), icon="🔺", type="primary", key="lab_gs_g", disabled=live,
                  help=t("lab.gs.g_step_help"), on_click=step_click, args=("G", k, lr))
        waiting = b3.empty()
        if live:
            if serving.idle_pause(view.SCOPE):  # nobody has touched the page for minutes
                stop_auto()
                st.rerun(scope="app")
            if serving.training_turn(view.run_id(), waiting):
                waiting.empty()
                serving.in_background(_alternate, run, steps, rounds, k, lr, run_id=view.run_id())
        draw(steps)

    with widgets.key_figure():  # in step mode, the points over D(x) and both losses are the key figure
        body()
    st.subheader(t("lab.gs.try.header"))
    for name in ("strong", "only_g", "balance"):
        widgets.paragraph(f"lab.gs.try.{name}")


def _delta(values: list[float], before: float | None) -> str | None:
    return None if before is None else f"{values[-1] - before:+.3f}"


def draw(steps: gan_steps.GanSteps) -> None:
    """Metrics, what the last action did, and the two figures."""
    last = steps.last or {}
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("lab.gs.d_loss"), f"{steps.d_loss[-1]:.3f}", _delta(steps.d_loss, last.get("d_was")),
              delta_color="off", help=t("lab.gs.d_loss_help"))
    m2.metric(t("lab.gs.g_loss"), f"{steps.g_loss[-1]:.3f}", _delta(steps.g_loss, last.get("g_was")),
              delta_color="off", help=t("lab.gs.g_loss_help"))
    m3.metric(t("lab.gs.verdicts"), f"{steps.d_real[-1]:.2f} / {steps.d_fake[-1]:.2f}", help=t("lab.gs.verdicts_help"))
    m4.metric(t("lab.gs.counts"), f"{steps.counts['D']:,} / {steps.counts['G']:,}")
    kind = last.get("kind")
    if kind in ("D", "G") and last.get("n"):
        st.caption(t(f"lab.gs.last.{kind}", n=last["n"], before=f"{last['before']:.3f}", after=f"{last['after']:.3f}"))
    elif kind == "auto":
        st.caption(t("lab.gs.last.auto", n=last["n"], k=last["k"]))
    else:
        st.caption(t("lab.gs.last.none"))
    left, right = st.columns([1, 1])
    left.plotly_chart(surface_figure(steps), key="lab_gs_surface")
    right.plotly_chart(losses_figure(steps), key="lab_gs_losses")
    samples = steps.samples()
    outside = int((~(np.abs(samples) <= toy2d_live.EXTENT).all(1)).sum())
    if outside:
        st.caption(t("lab.gs.outside", n=outside, total=len(samples)))
    right.caption(t("lab.gs.curves_help"))
