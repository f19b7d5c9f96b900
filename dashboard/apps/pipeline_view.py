"""The pipeline page's live run: one :class:`models.apps.pipeline.PipelineRun` per settings in the session,
trained epoch by epoch while the page redraws its five stages, and stopped by a button callback.

``st.session_state[RUNS]`` maps a settings key (family, classes, images per class, seed) to its run;
``st.session_state[RUNNING]`` holds the key being trained, or ``None``. While it matches the page's
settings the script trains the remaining epochs, redrawing after each one. The Stop button's
callback clears it; its click reruns the script, which interrupts the loop at its next Streamlit
call — between two epochs, because an epoch itself makes none — so every finished epoch is kept.
Any other widget change reruns the script the same way: with the same settings the loop simply
goes on; with other settings the old run is paused and kept under its own key.

Every epoch waits for one of the server's training slots and trains on a low-priority worker
thread (:mod:`dashboard.serving`); a run pauses by itself after a while without a widget change.
"""

from __future__ import annotations

import uuid

import numpy as np
import streamlit as st

from dashboard import serving
from dashboard.core import charts, loaders, pictures, widgets
from dashboard.core.i18n import t
from models.apps import pipeline

RUNS, RUNNING = "pipeline_runs", "pipeline_running"
RUN_ID, SCOPE = "pipeline_run_id", "pipeline"
MAX_KEPT = 4                               # runs kept per session (other settings), oldest dropped first
PER_CLASS = (20, 50, 100, 200, 500, 1000)  # images per class offered (the shipped subset has 1000)
DEFAULT_CLASSES = pipeline.PipelineConfig.classes
EVOLUTION_ROWS = 6                         # fixed noise vectors shown across the epochs
EVOLUTION_COLS = 16                        # at most this many epochs side by side (evenly picked)
STAGES = ("data", "loss", "latent", "samples", "fid")


def error_text(exc: pipeline.PipelineInputError) -> str:
    return t(f"pipeline.error.{exc.code}", **exc.params)


def class_multiselect(label: str, container=st) -> list[int]:
    """Classes to train on, from ``?classes=1,7,8`` on the first run, written back to the URL."""
    return widgets.synced_classes(label, "classes", DEFAULT_CLASSES, container=container,
                                  placeholder=t("pipeline.classes_placeholder"))


def settings_key(config: pipeline.PipelineConfig) -> tuple:
    return config.family, config.classes, config.per_class, config.seed


def current_run(key: tuple) -> pipeline.PipelineRun | None:
    return st.session_state.get(RUNS, {}).get(key)


def is_running(key: tuple) -> bool:
    """True while ``key`` is being trained; a run of other settings is paused (and kept) instead."""
    running = st.session_state.get(RUNNING)
    if running is not None and running != key:
        st.session_state[RUNNING] = None
    return st.session_state.get(RUNNING) == key


def run_id() -> str:
    """This session's name in the line for training slots."""
    return st.session_state.setdefault(RUN_ID, f"pipeline-{uuid.uuid4().hex}")


def start(key: tuple) -> None:
    st.session_state[RUNNING] = key
    serving.clear_idle(SCOPE)


def stop() -> None:
    st.session_state[RUNNING] = None
    serving.release_training(run_id())


def reset(key: tuple) -> None:
    st.session_state.get(RUNS, {}).pop(key, None)
    stop()


def prepare(config: pipeline.PipelineConfig) -> pipeline.PipelineRun:
    """A new run for these settings (data picked, model built, epoch 0 measured), kept in the session."""
    judge = loaders.judge()
    with st.spinner(t("pipeline.preparing")):
        run = pipeline.PipelineRun.create(config, loaders.train_subset(), loaders.test_split(), judge.model,
                                          judge_lock=judge.lock)
    runs = st.session_state.setdefault(RUNS, {})
    while len(runs) >= MAX_KEPT:
        runs.pop(next(iter(runs)))
    runs[settings_key(config)] = run
    return run


def train_live(run: pipeline.PipelineRun, key: tuple, epochs: int, status, slots: dict) -> None:
    """Train until ``epochs`` are done or Stop is pressed, redrawing the stages after every epoch."""
    lock = loaders.judge().lock
    serving.train_until(lambda: run.epoch, epochs, lambda: run.train_epoch(judge_lock=lock),
                        lambda: draw_stages(run, slots, tag=f"live{run.epoch}"),
                        running=lambda: st.session_state.get(RUNNING) == key, stop=stop, scope=SCOPE,
                        run_id=run_id(), status=status,
                        text=lambda: t("pipeline.progress", epoch=run.epoch + 1, total=epochs))


def stage_slots(box, prefix: str, stages=STAGES) -> dict:
    """One bordered row per stage in ``box``: its number, heading and paragraph (i18n
    ``<prefix>.stage.<name>.header`` / ``.body``) on the left; stage → a placeholder for its artifact on the right."""
    slots = {}
    for number, name in enumerate(stages, start=1):
        with box.container(border=True):
            text, artifact = st.columns([2, 3])
            text.subheader(f"{number}. {t(f'{prefix}.stage.{name}.header')}")
            widgets.paragraph(f"{prefix}.stage.{name}.body", container=text)
            slots[name] = artifact.empty()
    return slots


def draw_data(config: pipeline.PipelineConfig, slot) -> None:
    """Stage 1 needs no model: the first training images of the chosen classes, as a run will see them."""
    subset = pipeline.select_subset(widgets.load_or_stop(loaders.train_subset), config.classes, config.per_class,
                                    config.seed)
    names = widgets.class_names()
    with slot.container():
        pictures.show_grid(subset.images[:pipeline.GRID], 4, key="pipeline_data",  # 4 a row: ≥ 64 px in the column
                           caption=t("pipeline.data.caption", n=len(subset),
                                     classes=", ".join(names[c] for c in config.classes)),
                           file_name=pictures.file_name("pipeline", "data", cls="-".join(map(str, config.classes)),
                                                        n=config.per_class, seed=config.seed))


def draw_stages(run: pipeline.PipelineRun | None, slots: dict, tag: str = "") -> None:
    """Stages 2–5 with the run's real artifacts; ``tag`` keeps chart keys unique within one script run."""
    if run is None:
        for name in STAGES[1:]:
            slots[name].info(t("pipeline.not_trained"), icon="⏳")
        return
    names = widgets.class_names()
    h = run.history
    if run.epoch:
        series = {t(f"pipeline.loss.{name}"): values for name, values in h["losses"].items()}
        slots["loss"].plotly_chart(charts.curves(series, t("pipeline.epoch"), t(f"pipeline.loss.y.{run.config.family}"),
                                                 height=300), key=f"pipeline_loss{tag}")
    else:
        slots["loss"].info(t("pipeline.not_trained"), icon="⏳")
    view = run.latent_map()
    with slots["latent"].container():
        if view["kind"] == "encoded":
            fig = charts.latent_scatter(view["points"], view["labels"], names, height=380,
                                        axis_titles=("PC 1", "PC 2"))
            fig.data = [trace for trace in fig.data if len(trace.x)]  # legend: the chosen classes only
            st.plotly_chart(fig, key=f"pipeline_latent{tag}")
            st.caption(t("pipeline.latent.vae_caption", share=f"{view['explained']:.0%}", epoch=run.epoch))
        else:
            pictures.show_grid(view["images"], view["side"], key=f"pipeline_latent{tag}",
                               caption=t("pipeline.latent.gan_caption", name=names[view["label"]], span=view["span"],
                                         epoch=run.epoch),
                               file_name=pictures.file_name("pipeline", "latent", fam=run.config.family,
                                                            epoch=run.epoch))
    with slots["samples"].container():
        show_evolution(h["samples"], evolution_epochs(run.epoch), "pipeline.epoch_n", key=f"pipeline_samples{tag}",
                       caption=t(f"pipeline.samples.caption.{run.config.family}"),
                       file_name=pictures.file_name("pipeline", "samples", fam=run.config.family, epoch=run.epoch))
    fid = {t("pipeline.fid.model"): h["fid"], t("pipeline.fid.floor"): [run.fid_floor] * len(h["fid"])}
    with slots["fid"].container():
        st.plotly_chart(charts.curves(fid, t("pipeline.epoch"), t("pipeline.fid.y"), x=list(range(run.epoch + 1)),
                                      log_y=True, height=300), key=f"pipeline_fid{tag}")
        st.caption(t("pipeline.fid.caption", first=f"{h['fid'][0]:.0f}", last=f"{h['fid'][-1]:.0f}",
                     floor=f"{run.fid_floor:.0f}", n=run.config.fid_samples))


def show_evolution(samples: list[np.ndarray], shown: list[int], title: str, *, key: str, caption: str,
                   file_name: str) -> None:
    """The same fixed noise decoded after the epochs (or rounds) ``shown``: one row each, titled by the i18n
    key ``title`` (``{n}``: the epoch), one column per noise vector — 6 columns fit a stage's artifact
    column at ≥ 64 px — and a GIF of the first vector across them."""
    grid = np.stack([samples[e][r] for e in shown for r in range(EVOLUTION_ROWS)])
    pictures.show_grid(grid, EVOLUTION_ROWS, key=key, titles=[t(title, n=e) if r == 0 else "" for e in shown
                                                             for r in range(EVOLUTION_ROWS)],
                       caption=caption, gif=np.stack([samples[e][0] for e in shown]), file_name=file_name)


def evolution_epochs(trained: int, most: int = EVOLUTION_COLS) -> list[int]:
    """Epochs shown side by side: all of 0..trained, or ``most`` of them evenly, always the last."""
    if trained + 1 <= most:
        return list(range(trained + 1))
    return sorted({int(round(e)) for e in np.linspace(0, trained, most)})


def summary(run: pipeline.PipelineRun, epochs: int, running: bool) -> None:
    """Metrics of the run so far and, when it stopped early, how to go on."""
    h = run.history
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("pipeline.metric.epochs"), f"{run.epoch} / {max(epochs, run.epoch)}")
    if run.epoch:
        m2.metric(t("pipeline.metric.seconds"), f"{np.median(h['seconds']):.2f} s")
        m3.metric(t("pipeline.metric.fid"), f"{h['fid'][-1]:.0f}", delta=f"{h['fid'][-1] - h['fid'][0]:+.0f}",
                  delta_color="inverse")
    m4.metric(t("pipeline.metric.floor"), f"{run.fid_floor:.0f}")
    if not running and 0 < run.epoch < epochs:
        st.warning(t("pipeline.stopped", n=run.epoch, total=epochs), icon="⏹️")
    elif not running and run.epoch >= epochs:
        st.success(t("pipeline.done", n=run.epoch), icon="✅")


def model_card(run: pipeline.PipelineRun) -> None:
    c = run.config
    widgets.model_card([
        (t("pipeline.card.data"), t("pipeline.card.data_value", n=len(run.train), per_class=c.per_class,
                                    k=len(c.classes))),
        (t("pipeline.card.model"), t(f"pipeline.card.model_{c.family}", p=f"{run.parameters:,}")),
        (t("pipeline.card.time"), t("pipeline.card.time_value", s=f"{sum(run.history['seconds']):.1f}",
                                    epochs=run.epoch)),
        (t("pipeline.card.metric"), t("pipeline.card.metric_value", n=c.fid_samples,
                                      ref=pipeline.REFERENCE_PER_CLASS)),
        (t("pipeline.card.limits"), t(f"pipeline.card.limits_{c.family}")),
    ])
