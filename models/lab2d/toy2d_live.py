"""One live training run of the 2-D lab: a toy model, its data, and the history the page plots.

:class:`LabRun` keeps what a user's run needs between refreshes — the model, the training
points, loss curves, and a divergence (MMD) and, for the ring of Gaussians, the modes covered,
measured every refresh on a fixed set of samples — plus the views of each family as plain
arrays. The page's fragment calls :meth:`LabRun.train` then :meth:`LabRun.measure` on every tick.

Tiny networks spend their time on per-operation overhead, and their operations are mostly too
small to gain from being split across threads. The thread count is not touched here: it is one
setting of the whole process, shared by every session, set once at start-up
(:func:`models.core.device.configure_threads`). On an idle two-core machine a step takes about as long
with two torch threads as with one (``python -m benchmarks lab2d``); on a two-core machine whose
cores are busy with other work, two threads made a step 10–80× slower than one (a two-thread team
waits for the busy core), so ``GENAI_LAB_TORCH_THREADS=1`` suits a server shared by a class.
No Streamlit import.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import torch

from models.lab2d import toy2d
from models.lab2d.toy2d_models import FAMILIES, build, grid_points

DATASETS = (*toy2d.DATASETS, "user")
N_POINTS = 1000        # toy data sets: this many training points
N_SHOWN = 400          # generated points drawn and measured each refresh (fixed noise: smooth motion)
USER_SCALE = 1.5       # user points are standardised, then scaled to the toy sets' size (about ±3)
EXTENT = 3.5           # views cover [-EXTENT, EXTENT]²
LIVE_SAMPLER, LIVE_STEPS = "ddim", 20  # diffusion samples every refresh: 20 DDIM steps, not 100 DDPM
DEFAULT_SPR = 20       # training steps per refresh of the lab page (its ?spr= default, the refresh benchmark's)
MAX_HISTORY = 1000     # curve points kept; beyond this every other one is dropped (an hour of training stays light)


def points_key(points: np.ndarray) -> str:
    """A short fingerprint of a point set: a new upload means a new run."""
    return hashlib.sha1(np.ascontiguousarray(points, dtype=np.float32).tobytes()).hexdigest()[:12]


def training_points(dataset: str, seed: int, user: np.ndarray | None = None) -> np.ndarray:
    """The points a run trains on: a toy set drawn with ``seed``, or the user's, standardised and rescaled."""
    if dataset == "user":
        if user is None:
            raise ValueError("the user data set needs points")
        return toy2d.standardise(user)[0] * USER_SCALE
    return toy2d.make_dataset(dataset, N_POINTS, seed)


def set_lr(model, lr: float) -> None:
    """Change the learning rate of every optimiser of a model in place (training goes on, no restart)."""
    for value in vars(model).values():
        if isinstance(value, torch.optim.Optimizer):
            for group in value.param_groups:
                group["lr"] = lr


def grid(n: int = 40, extent: float = EXTENT) -> np.ndarray:
    return np.linspace(-extent, extent, n, dtype=np.float32)


@dataclass
class LabRun:
    """A model of one family learning one point set; ``key`` says which settings made it."""

    family: str
    data: np.ndarray
    seed: int
    key: tuple
    model: object = None
    losses: dict[str, list[float]] = field(default_factory=dict)  # mean loss per training call
    loss_steps: list[int] = field(default_factory=list)
    mmd: list[float] = field(default_factory=list)
    modes: list[int] = field(default_factory=list)
    measured_at: list[int] = field(default_factory=list)
    samples: np.ndarray | None = None
    ring: bool = False

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"family must be one of {tuple(FAMILIES)}, not {self.family!r}")
        self.model = build(self.family, seed=self.seed)
        rng = np.random.default_rng(self.seed)
        self.reference = self.data[rng.choice(len(self.data), min(N_SHOWN, len(self.data)), replace=False)]
        self.measure()

    @property
    def steps(self) -> int:
        return self.model.steps

    def train(self, steps: int, lr: float) -> None:
        """``steps`` optimiser steps at learning rate ``lr``; their mean losses join the curves."""
        set_lr(self.model, lr)
        history = self.model.train_steps(self.data, int(steps))
        for name in history[0] if history else ():
            self.losses.setdefault(name, []).append(float(np.mean([h[name] for h in history])))
        if history:
            self.loss_steps.append(self.steps)
        if len(self.loss_steps) > MAX_HISTORY:
            self.loss_steps = _thin(self.loss_steps)
            self.losses = {name: _thin(values) for name, values in self.losses.items()}

    def sample(self, n: int = N_SHOWN) -> np.ndarray:
        if self.family == "diffusion":
            return self.model.sample(n, seed=self.seed + 1, steps=LIVE_STEPS, sampler=LIVE_SAMPLER)
        return self.model.sample(n, seed=self.seed + 1)

    def measure(self) -> None:
        """Fresh samples (same noise every time) and how far they are from the data."""
        self.samples = self.sample()
        if self.measured_at and self.measured_at[-1] == self.steps:
            return
        finite = np.isfinite(self.samples).all(1)
        self.mmd.append(toy2d.mmd(self.samples[finite], self.reference) if finite.any() else float("nan"))
        self.modes.append(toy2d.modes_covered(self.samples[finite]) if self.ring else 0)
        self.measured_at.append(self.steps)
        if len(self.measured_at) > MAX_HISTORY:  # keep the first measurement (step 0) and thin the rest
            self.mmd, self.modes, self.measured_at = (values[:1] + _thin(values[1:]) for values in
                                                      (self.mmd, self.modes, self.measured_at))

    # --- family views, as arrays ------------------------------------------------------------------

    def gan_view(self, n_grid: int = 40, n_arrows: int = 60) -> dict[str, np.ndarray]:
        """Discriminator P(real) on a grid, and generator gradient arrows at a few generated points."""
        xs = grid(n_grid)
        heat = self.model.discriminator_grid(xs, xs)
        pushes = self.model.generator_gradients(self.model.latent(n_arrows, seed=self.seed + 1))
        return {"xs": xs, "heat": heat, **pushes}

    def flow_density(self, n_grid: int = 40) -> dict[str, np.ndarray]:
        """The learned density p(x) on an ``n_grid``² grid (what the live scatter draws behind the points)."""
        xs = grid(n_grid)
        return {"xs": xs, "density": self.model.density_grid(xs, xs)}

    def flow_view(self, n_grid: int = 40, n_lines: int = 13, n_along: int = 40) -> dict[str, np.ndarray]:
        """Learned density on a grid; the data and a regular grid mapped by f (data → latent), a grid by f⁻¹;
        log|det J| along the mapped grids."""
        lines = grid_lines(n_lines, n_along, 3.0)
        data_z = self.model.forward(self.reference)[0]
        forward, log_det_f = self.model.forward(lines.reshape(-1, 2))
        inverse, log_det_inv = self.model.inverse(lines.reshape(-1, 2))
        shape = lines.shape
        return {**self.flow_density(n_grid), "lines": lines, "f": forward.reshape(shape), "f_data": data_z,
                "f_logdet": log_det_f.reshape(shape[:2]), "f_inv": inverse.reshape(shape),
                "f_inv_logdet": log_det_inv.reshape(shape[:2])}

    def diffusion_view(self, t: int, n_paths: int = 12, n_field: int = 17) -> dict[str, np.ndarray]:
        """The data noised to step t, reverse paths of a few points, the denoising field at t."""
        xs = grid(n_field, 3.0)
        field_points = grid_points(xs, xs)
        noised = self.model.noise(self.reference, t, seed=self.seed)
        paths = self.model.trajectories(n_paths, seed=self.seed + 2, steps=LIVE_STEPS, sampler=LIVE_SAMPLER)
        arrows = self.model.vector_field(field_points, t)
        return {"noised": noised, "paths": paths["x"], "field_points": field_points, "field": arrows,
                "signal": float(self.model.schedule()["signal"][t]), "noise": float(self.model.schedule()["noise"][t])}

    def vae_view(self, n_lines: int = 11, n_along: int = 30) -> dict[str, np.ndarray]:
        """Latent codes μ(x) of the data, and decoded means of a regular grid of latent codes."""
        lines = grid_lines(n_lines, n_along, 2.5)
        codes = self.model.encode(self.reference)
        decoded = self.model.decode(lines.reshape(-1, 2)).reshape(lines.shape)
        return {"codes": codes, "lines": lines, "decoded": decoded}


def _thin(values: list) -> list:
    """Every other item, always keeping the newest."""
    return values[::-1][::2][::-1]


def grid_lines(n_lines: int, n_along: int, extent: float) -> np.ndarray:
    """A regular grid as polylines: (2 · n_lines, n_along, 2) — horizontal lines first, then vertical."""
    ticks = np.linspace(-extent, extent, n_lines, dtype=np.float32)
    along = np.linspace(-extent, extent, n_along, dtype=np.float32)
    horizontal = np.stack([np.broadcast_to(along, (n_lines, n_along)), np.repeat(ticks[:, None], n_along, 1)], 2)
    return np.concatenate([horizontal, horizontal[..., ::-1]])


def new_run(family: str, dataset: str, seed: int, user: np.ndarray | None = None) -> LabRun:
    """A fresh run; its ``key`` (family, data set or user points, seed) tells the page when to replace it."""
    data = training_points(dataset, seed, user)
    key = (family, dataset, points_key(user) if dataset == "user" else "", seed)
    return LabRun(family, data, seed, key, ring=dataset == "ring")
