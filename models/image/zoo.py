"""The image-model zoo: one row per family and one row per diffusion sampler, read by the sampling CLI,
the pages (Compare, diffusion, augmentation, pros & cons), editing and the benchmarks.

A family row says how the family loads, its sampling options and their defaults, how many network
calls one image costs, what kind of likelihood it gives, which label means "any class", whether it
is fast enough to run live on a CPU, which trainer retrains it and which UI strings it needs. A
sampler row says which diffusers scheduler it is, with which options, and how many steps it takes.
Adding a family or a sampler is adding a row (README, "Adding a model"). No Streamlit, no torch import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from models.core import data

CHUNK = 500


def one_call(options: dict) -> int:
    """A single forward pass per image (GAN generator, VAE decoder, flow inverse)."""
    return 1


def guided_steps(options: dict) -> int:
    """One UNet call per step, two with classifier-free guidance (w ≠ 1: with and without the label)."""
    return options["steps"] * (2 if options["guidance"] != 1.0 else 1)


@dataclass(frozen=True)
class Family:
    """One image-model family. ``name`` is the CLI/URL value, the checkpoint and the benchmark key."""

    name: str
    module: str                      # import path of the inference wrapper …
    wrapper: str                     # … and its class: ``load(device, [name])``, ``sample(labels, seed, **options)``
    trainer: str                     # ``python -m models train <trainer>`` (models/registry.py)
    options: dict = field(default_factory=dict)   # sampling options and their defaults ({} = takes none)
    nfe: Callable[[dict], int] = one_call         # network calls per image for the (resolved) options
    likelihood: str | None = None    # "exact" (log p(x)), "bound" (a lower bound, the ELBO) or None
    any_class: int | None = None     # the label that asks for no class; None: the family is conditional only
    live: bool = True                # fast enough on 2 CPU cores to sample hundreds of images while a user waits

    def resolve(self, **options) -> dict:
        """The options for :meth:`sample`: the defaults with every given (non-None) value on top."""
        given = {k: v for k, v in options.items() if v is not None}
        unknown = sorted(given.keys() - self.options.keys())
        if unknown:
            raise ValueError(f"{self.name} takes no option(s) {unknown}")
        return {**self.options, **given}

    def calls(self, **options) -> int:
        """Network calls per image (NFE) with ``options`` (defaults for what is not given)."""
        return self.nfe(self.resolve(**options))

    @property
    def name_key(self) -> str:
        return f"compare.family.{self.name}"

    @property
    def bpd_key(self) -> str | None:
        """The zoo benchmark's bits/dim figure for this family: exact, a bound, or none."""
        return {"exact": "bits_per_dim", "bound": "bits_per_dim_bound"}.get(self.likelihood)

    def i18n_keys(self) -> tuple[str, ...]:
        """The UI strings this family needs in ``assets/i18n/{ko,en}``: its name, and how it works (Compare)."""
        return (self.name_key, f"compare.how.{self.name}")


@dataclass(frozen=True)
class Sampler:
    """One diffusion sampler: a diffusers scheduler built from the training scheduler's config."""

    name: str                        # the CLI value; the diffusion page's URL holds its position in SAMPLERS
    scheduler: str                   # diffusers class name
    options: dict = field(default_factory=dict)   # ``from_config`` overrides
    steps: tuple[int, int] = (1, 1000)            # what the CLI accepts (up to the training timesteps)
    live_steps: int = 100            # the diffusion page's largest step count (sampled while the user waits)
    note: str = ""

    @property
    def name_key(self) -> str:
        return f"diffusion.sampler.{self.name}"

    def i18n_keys(self) -> tuple[str, ...]:
        return (self.name_key,)


SAMPLERS: dict[str, Sampler] = {s.name: s for s in (
    Sampler("ddpm", "DDPMScheduler"),
    # No x̂₀ clipping: diffusers' DDIM step reuses the unclipped ε with the clipped x̂₀, which near
    # t = T (where the cosine schedule's ᾱ is tiny) saturates the image. Measured at N = 200:
    # FID 152 → 81 at 20 steps, 265 → 87 at 50 steps.
    Sampler("ddim", "DDIMScheduler", {"clip_sample": False}),
    Sampler("dpm", "DPMSolverMultistepScheduler", {"algorithm_type": "dpmsolver++", "solver_order": 2}),
)}

FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family("gan", "models.image.gan", "GAN", trainer="gan"),
    Family("vae", "models.image.vae", "VAE", trainer="vae", likelihood="bound"),
    Family("flow", "models.image.flow", "Flow", trainer="flow", likelihood="exact"),
    Family("diffusion", "models.image.diffusion", "Diffusion", trainer="diffusion",
           options={"sampler": "dpm", "steps": 20, "guidance": 2.0}, nfe=guided_steps,
           any_class=data.NUM_CLASSES, live=False),  # the null class (diffusion.NULL_CLASS); seconds per batch on CPU
)}
#: the diffusion family's option defaults (sampler, steps, guidance), for the diffusion page and editing
DIFFUSION = FAMILIES["diffusion"].options
GUIDANCE_RANGE = (0.0, 20.0)     # what the CLI accepts for --guidance


def step_range() -> tuple[int, int]:
    """The widest step range any sampler accepts (the CLI checks ``--steps`` against it)."""
    return min(s.steps[0] for s in SAMPLERS.values()), max(s.steps[1] for s in SAMPLERS.values())


def live_families() -> tuple[str, ...]:
    return tuple(name for name, f in FAMILIES.items() if f.live)


def i18n_keys() -> list[str]:
    """Every UI string a family or sampler row needs (compare with the i18n files: ``dashboard.core.i18n.missing``)."""
    return [key for row in (*FAMILIES.values(), *SAMPLERS.values()) for key in row.i18n_keys()]


def load(family: str, device: str = "cpu", name: str | None = None):
    """The family's shipped model (raises ``CheckpointError`` when missing or corrupt); ``name`` picks
    another checkpoint of the family's architecture (GAN and VAE only, e.g. ``gan_imbalanced``)."""
    row = FAMILIES[family]
    wrapper = getattr(importlib.import_module(row.module), row.wrapper)
    return wrapper.load(device=device, **({"name": name} if name else {}))


def cycle_labels(n: int, label: int | None = None) -> np.ndarray:
    """Class ``label`` n times, or classes 0–9 cycling (``i % 10``)."""
    if label is not None:
        return np.full(n, int(label), dtype=np.int64)
    return np.arange(n, dtype=np.int64) % data.NUM_CLASSES


def free_labels(family: str, n: int, seed: int) -> np.ndarray:
    """Labels for "unconditional" samples: the family's any-class label, else classes drawn at random."""
    any_class = FAMILIES[family].any_class
    if any_class is not None:
        return np.full(n, any_class, dtype=np.int64)
    return np.random.default_rng(seed).integers(0, data.NUM_CLASSES, n)


def sample(model, family: str, labels: np.ndarray, seed: int, **options) -> np.ndarray:
    """uint8 (N,28,28) for ``labels``, in chunks of 500 (chunk i uses seed + i, mod 2³²)."""
    options = FAMILIES[family].resolve(**options)
    labels = np.asarray(labels, dtype=np.int64)
    parts = [model.sample(labels[i:i + CHUNK], seed=(seed + i // CHUNK) % 2**32, **options)
             for i in range(0, len(labels), CHUNK)]
    return np.concatenate(parts) if parts else np.zeros((0, *data.IMAGE_SHAPE), dtype=np.uint8)
