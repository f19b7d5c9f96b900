"""The data-augmentation page's live run: sample synthetic images, train two small classifiers with a
progress bar, keep the result per settings in the session (a rerun does not train again).

The run waits for one of the server's training slots and trains on a low-priority worker thread
(:mod:`dashboard.serving`); the progress bar follows it from the page's own thread."""

from __future__ import annotations

import time
import uuid

import streamlit as st

from dashboard import serving
from dashboard.core import loaders, widgets
from dashboard.core.i18n import t
from dashboard.image import loaders as image_loaders
from models.apps import augment

RESULTS = "augment_live_results"
REQUEST = "augment_run_requested"


def request_run() -> None:
    st.session_state[REQUEST] = True


def run_requested() -> bool:
    """True once after the Train button was pressed (a callback flag: reliable across reruns)."""
    return bool(st.session_state.pop(REQUEST, False))


def live_result(family: str, real_per_class: int, synthetic_per_class: int, seed: int) -> dict | None:
    return st.session_state.get(RESULTS, {}).get((family, real_per_class, synthetic_per_class, seed))


def _train_both(model, family: str, config: augment.AugmentConfig, seed: int, train, test, report) -> dict:
    """Sample the synthetic images, then train both classifiers (on a worker thread: no Streamlit call)."""
    start = time.perf_counter()
    extra = augment.synthetic(model, family, config.synthetic_per_class, seed)
    sample_s = time.perf_counter() - start
    real = augment.few_real(train, config.real_per_class, seed)
    runs = {}
    for i, (name, pool) in enumerate((("real", None), ("augmented", extra))):
        def progress(step: int, total: int, i: int = i, name: str = name) -> None:
            if step % 10 == 0 or step == total:
                report((i + step / total) / 2, (name, step, total))

        runs[name] = augment.run_condition(real, pool, test, config, seed, progress)
    return {**runs, "sample_s": sample_s, "examples": extra[0][:: max(1, config.synthetic_per_class)][:10]}


def run_live(family: str, real_per_class: int, synthetic_per_class: int, seed: int, steps: int) -> dict:
    """Real only vs real + synthetic, same real images and seed; progress shown while it runs."""
    config = augment.AugmentConfig(real_per_class=real_per_class, synthetic_per_class=synthetic_per_class,
                                   steps=serving.cap("augment.steps", steps))
    run_id = st.session_state.setdefault("augment_run_id", f"augment-{uuid.uuid4().hex}")
    serving.wait_for_training(run_id)
    try:
        bar = st.progress(0.0, text=t("augment.live.sampling", family=widgets.family_name(family)))
        with image_loaders.zoo_model(family) as model:
            result = serving.in_background(
                _train_both, model, family, config, seed, loaders.train_subset(), loaders.test_split(), run_id=run_id,
                progress=lambda done, at: bar.progress(done, text=t(f"augment.live.training.{at[0]}", step=at[1],
                                                                    total=at[2])))
        bar.empty()
    finally:
        serving.release_training(run_id)
    st.session_state.setdefault(RESULTS, {})[(family, real_per_class, synthetic_per_class, seed)] = result
    return result
