"""The data-augmentation page's live run: sample synthetic images, train two small classifiers with a
progress bar, keep the result per settings in the session (a rerun does not train again)."""

from __future__ import annotations

import time

import streamlit as st

from dashboard import loaders
from dashboard.i18n import t
from models import augment

RESULTS = "augment_live_results"
REQUEST = "augment_run_requested"


def request_run() -> None:
    st.session_state[REQUEST] = True


def run_requested() -> bool:
    """True once after the Train button was pressed (a callback flag: reliable across reruns)."""
    return bool(st.session_state.pop(REQUEST, False))


def live_result(family: str, real_per_class: int, synthetic_per_class: int, seed: int) -> dict | None:
    return st.session_state.get(RESULTS, {}).get((family, real_per_class, synthetic_per_class, seed))


def run_live(family: str, real_per_class: int, synthetic_per_class: int, seed: int, steps: int) -> dict:
    """Real only vs real + synthetic, same real images and seed; progress shown while it runs."""
    config = augment.AugmentConfig(real_per_class=real_per_class, synthetic_per_class=synthetic_per_class,
                                   steps=steps)
    train, test = loaders.train_subset(), loaders.test_split()
    bar = st.progress(0.0, text=t("augment.live.sampling", family=t(f"augment.family.{family}")))
    start = time.perf_counter()
    with loaders.zoo_model(family) as model:
        extra = augment.synthetic(model, family, synthetic_per_class, seed)
    sample_s = time.perf_counter() - start
    real = augment.few_real(train, real_per_class, seed)
    runs = {}
    for i, (name, pool) in enumerate((("real", None), ("augmented", extra))):
        def progress(step: int, total: int, i: int = i, name: str = name) -> None:
            if step % 10 == 0 or step == total:
                bar.progress((i + step / total) / 2, text=t(f"augment.live.training.{name}", step=step, total=total))

        runs[name] = augment.run_condition(real, pool, test, config, seed, progress)
    bar.empty()
    result = {**runs, "sample_s": sample_s, "examples": extra[0][:: max(1, synthetic_per_class)][:10]}
    st.session_state.setdefault(RESULTS, {})[(family, real_per_class, synthetic_per_class, seed)] = result
    return result
