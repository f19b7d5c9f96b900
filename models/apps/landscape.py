"""The generative-AI landscape as data: output modalities, the model families behind them, and the
pages of this app that demonstrate each idea.

Pure data (no Streamlit), so the overview, the landscape page and the tests read the same table.
Text for every key lives in ``assets/i18n``: ``modality.<key>.{name,what,systems}`` (shared with the
overview) and ``landscape.<key>.{how,here}`` (the landscape page). The application areas the course
names (:data:`AREAS`) have ``area.<key>.{name,what,how}`` in the landscape page's strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FAMILIES: tuple[str, ...] = ("autoregressive", "diffusion", "gan", "vae", "flow")

# How common a family is for a modality (systems in wide use around 2024-2025):
MAIN, PART, RARE = 2, 1, 0  # the usual approach / used, often as one component / rare or research only
LEVELS: tuple[int, ...] = (MAIN, PART, RARE)


@dataclass(frozen=True)
class Modality:
    key: str
    icon: str
    families: dict[str, int]
    demos: tuple[str, ...]  # page stems in this app that show the idea
    planned: tuple[str, ...] = field(default=())  # page stems to link once their file exists
    made_here: bool = False  # does this app itself generate this modality?


MODALITIES: tuple[Modality, ...] = (
    Modality("text", "📝",
             {"autoregressive": MAIN, "diffusion": RARE, "gan": RARE, "vae": RARE, "flow": RARE},
             demos=("next_token", "tokens", "transformer_vs_rnn"), made_here=True),
    Modality("image", "🖼️",
             {"autoregressive": PART, "diffusion": MAIN, "gan": PART, "vae": PART, "flow": PART},
             demos=("compare", "diffusion", "gan", "flow", "latent_map", "applications"), made_here=True),
    Modality("audio", "🎵",
             {"autoregressive": MAIN, "diffusion": PART, "gan": PART, "vae": PART, "flow": PART},
             demos=("music", "next_token"), made_here=True),
    Modality("video", "🎬",
             {"autoregressive": PART, "diffusion": MAIN, "gan": RARE, "vae": PART, "flow": PART},
             demos=("applications", "diffusion", "interpolation")),
    Modality("code", "💻",
             {"autoregressive": MAIN, "diffusion": RARE, "gan": RARE, "vae": RARE, "flow": RARE},
             demos=("next_token", "tokens")),
    Modality("3d", "🧊",
             {"autoregressive": PART, "diffusion": MAIN, "gan": PART, "vae": PART, "flow": RARE},
             demos=("diffusion", "latent_map")),
    Modality("protein", "🧬",
             {"autoregressive": MAIN, "diffusion": MAIN, "gan": RARE, "vae": RARE, "flow": PART},
             demos=("diffusion", "next_token")),
)


def modality(key: str) -> Modality:
    for m in MODALITIES:
        if m.key == key:
            return m
    raise KeyError(key)


def family_matrix() -> list[list[int]]:
    """One row per modality (in ``MODALITIES`` order), one column per family (``FAMILIES`` order)."""
    return [[m.families[f] for f in FAMILIES] for m in MODALITIES]


def main_families(key: str) -> list[str]:
    return [f for f in FAMILIES if modality(key).families[f] == MAIN]


# --- application areas ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """Where generative AI is put to work: what it generates there (``outputs``: keys of
    :data:`MODALITIES`, plus what no modality row covers, said in ``area.<key>.what``), the model
    families that usually do it, and the pages of this app that show the idea at small scale."""

    key: str
    icon: str
    outputs: tuple[str, ...]
    families: tuple[str, ...]  # from FAMILIES, the usual one first
    demos: tuple[str, ...]     # page stems in this app


AREAS: tuple[Area, ...] = (
    Area("games", "🎮", ("image", "3d", "text", "audio"), ("diffusion", "autoregressive", "gan"),
         demos=("gan", "interpolation", "music")),
    Area("product", "📐", ("image", "3d"), ("diffusion", "vae"), demos=("interpolation", "applications")),
    Area("medicine", "🩺", ("image", "protein"), ("diffusion", "autoregressive", "vae", "gan"),
         demos=("augmentation", "applications")),
    Area("marketing", "📣", ("text", "image", "video"), ("autoregressive", "diffusion"),
         demos=("next_token", "applications")),
    Area("education", "🎓", ("text", "image"), ("autoregressive", "diffusion"), demos=("next_token", "lesson")),
    Area("finance", "💹", ("text", "code"), ("autoregressive", "gan", "vae", "diffusion"),
         demos=("next_token", "augmentation")),
)


def area(key: str) -> Area:
    for a in AREAS:
        if a.key == key:
            return a
    raise KeyError(key)
