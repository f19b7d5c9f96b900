"""Pros & cons page: the scorecard from shipped benchmark figures, and the cached live measurements."""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.apps import loaders as apps_loaders
from dashboard.core import loaders, widgets
from dashboard.core.i18n import t
from dashboard.image import loaders as image_loaders
from models.apps import bias, risks
from models.image import zoo

SECTIONS = ("creativity", "automation", "memorisation", "bias", "control", "deepfakes", "compute", "hallucination")
LIVE_FAMILIES = zoo.live_families()  # diffusion is measured in the benchmark; live it takes seconds per batch
BIAS_FAMILIES = tuple(bias.NAMES)


def family(name: str) -> str:
    return widgets.family_name(name)


def per_family(results: dict, key: str, fmt: str = "{:.0%}") -> str:
    """'GAN 94 % · VAE 72 % · …' for one benchmark figure."""
    return " · ".join(f"{family(f)} {fmt.format(r[key])}" for f, r in results["families"].items())


def images_per_second(zoo_results: dict) -> dict[str, float]:
    """From the zoo benchmark's time for 16 images (ms)."""
    return {f: 16_000 / r["ms_16_images"] for f, r in zoo_results.get("families", {}).items() if r.get("ms_16_images")}


def scorecard(results: dict, zoo_results: dict, costs: list[dict]) -> list[tuple[str, str, str]]:
    """(topic, what we measured, our numbers) for every pro and con; numbers from the shipped benchmarks."""
    rows = [("creativity", per_family(results, "novel_and_recognisable"))]
    speed = images_per_second(zoo_results)
    rows.append(("automation", " · ".join(f"{family(f)} {v:,.0f}/s" for f, v in speed.items())))
    rows.append(("personalisation", t("risks.card.personalisation.value")))
    rows.append(("memorisation", per_family(results, "copy_share", "{:.1%}")))
    rows.append(("deepfakes", per_family(results, "detector_accuracy")))
    rows.append(("bias", " · ".join(t("risks.card.bias.value", family=family(f), share=b["rare_training"],
                                      generated=b["rare_generated"]) for f, b in results["bias"].items())))
    rows.append(("control", per_family(results, "control_accuracy")))
    rows.append(("inconsistency", per_family(results, "low_confidence_share")))
    total_h = sum(c["seconds"] for c in costs) / 3600
    rows.append(("compute", t("risks.card.compute.value", n=len(costs), hours=total_h,
                              wh=sum(c["wh"] for c in costs))))
    rows.append(("hallucination", t("risks.card.hallucination.value")))
    return [(t(f"risks.card.{key}.topic"), t(f"risks.card.{key}.measure"), value) for key, value in rows]


# --- live measurements (cached per settings) -----------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=32)
def judged(family_name: str, label: int | None, seed: int, n: int) -> dict:
    """``n`` samples of one family (one class, or classes cycling) and the judge's verdict on each."""
    labels = zoo.cycle_labels(n, label)
    images, seconds = image_loaders.generate(family_name, labels, seed)
    with loaders.judge() as judge:
        verdict = risks.control(judge, images, labels)
    return {"images": images, "asked": labels, "seen": verdict["predicted"], "confidence": verdict["confidence"],
            "accuracy": verdict["accuracy"], "seconds": seconds}


@st.cache_data(show_spinner=False, max_entries=16)
def bias_sample(family_name: str, seed: int, n: int) -> dict:
    """``n`` samples of the unconditional model trained on the imbalanced subset and their class shares."""
    from models.core.metrics import class_shares

    with apps_loaders.bias_model(family_name) as model:
        images = bias.sample(model, family_name, n, seed)
    with loaders.judge() as judge:
        shares = class_shares(judge, images)
    return {"images": images, "shares": shares}


@st.cache_data(show_spinner=False, max_entries=32)
def variations(image: np.ndarray, label: int | None, strength: float, seed: int, n: int) -> dict:
    """``n`` diffusion variations of one picture (SDEdit toward its own class at ``strength``); a
    user's picture gets the class the judge sees in it."""
    from models.apps import editing

    if label is None:
        with loaders.judge() as judge:
            label = int(judge.predict_proba(image[None]).argmax(1)[0])
    with image_loaders.zoo_model("diffusion") as diffusion:
        out = editing.sdedit(diffusion, np.repeat(np.asarray(image)[None], n, 0), label, strength, seed)
    return {"images": out["images"], "label": label}


def label_costs(costs: list[dict], keep: tuple[str, ...] = ("diffusion", "gan", "vae", "flow", "gpt_en", "judge")
                ) -> list[bool]:
    """Which points of the cost chart carry their name: the image families, a GPT, the judge and the extremes."""
    hours = [c["seconds"] for c in costs]
    return [c["name"] in keep or c["seconds"] in (min(hours), max(hours)) for c in costs]


@st.cache_data(show_spinner=False)
def compute_costs() -> list[dict]:
    return risks.compute_costs()
