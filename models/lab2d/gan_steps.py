"""The GAN's training loop taken apart: a discriminator step and a generator step, each on its own.

A GAN trains two networks in turn. :func:`d_step` updates only the discriminator D on a batch of
data points and freshly generated ones (the generator G is frozen: its points are made without a
gradient); :func:`g_step` updates only G against a frozen D (D's weights are excluded from the
gradient and its optimiser never steps). The usual loop is k D steps, then one G step, again and
again (:meth:`GanSteps.alternate`). Both functions take an explicit ``torch.Generator`` for every
random draw — never torch's global RNG — so many users' runs in one server process stay
independent and a fixed seed replays the same steps.

:class:`GanSteps` holds one user's step-by-step session on a :class:`~models.lab2d.toy2d_models.ToyGAN`
(the same model the live lab trains): the minibatch generator, and after every single update both
losses measured on one fixed set of data points and noise vectors, with the kind of step ("D" or
"G") that made each point. Fixed points make the curves comparable from step to step: a jump in a
curve comes from the step, not from a new batch. No Streamlit import.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

import numpy as np
import torch

from models.lab2d.toy2d_models import ToyGAN, _tensor, gan_d_loss, gan_g_loss

KINDS = ("start", "D", "G", "live")  # what made a history point: the start, a D step, a G step, live training
MAX_K = 20                    # the most D steps per G step the lab offers
SURFACE_GRID = 60             # D(x) is drawn on a 60 × 60 grid: fine enough to see, cheap to compute
MAX_HISTORY = 2000            # history points kept; beyond this every other one is dropped (the first stays)
STEP_SEED = 7919              # the minibatch generator's seed is the run's seed plus this
EQUILIBRIUM = {"d_loss": 2 * math.log(2), "g_loss": math.log(2)}  # the losses when D(x) = ½ everywhere


def discriminator_loss(gan: ToyGAN, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of D: −log D(x) on data, −log(1 − D(G(z))) on generated points (logits)."""
    d_real, d_fake = gan.discriminator(torch.cat([real, fake])).split([len(real), len(fake)])
    return gan_d_loss(d_real, d_fake)


def generator_loss(gan: ToyGAN, fake: torch.Tensor) -> torch.Tensor:
    """The non-saturating generator loss −log D(G(z)): low when D calls the generated points real."""
    return gan_g_loss(gan.discriminator(fake))


def noise(gan: ToyGAN, n: int, generator: torch.Generator) -> torch.Tensor:
    """n noise vectors z ~ N(0, I) drawn from ``generator``."""
    return torch.randn((int(n), gan.config.noise_dim), generator=generator)


def d_step(gan: ToyGAN, batch, generator: torch.Generator) -> dict[str, float]:
    """One update of the discriminator only, on ``batch`` (n, 2) data points and n generated ones.

    1. G makes n points from noise drawn with ``generator`` — without a gradient: G is frozen.
    2. D's loss on data vs generated points; one step of D's optimiser.
    Returns D's loss on this batch before and after the update (``before``, ``after``).
    """
    real = _tensor(batch)
    with torch.no_grad():
        fake = gan.generator_net(noise(gan, len(real), generator))
    loss = discriminator_loss(gan, real, fake)
    gan.opt_d.zero_grad(set_to_none=True)
    loss.backward()
    gan.opt_d.step()
    with torch.no_grad():
        after = discriminator_loss(gan, real, fake)
    return {"before": loss.item(), "after": after.item()}


def g_step(gan: ToyGAN, n: int, generator: torch.Generator) -> dict[str, float]:
    """One update of the generator only, on n noise vectors drawn with ``generator``; D is frozen.

    1. G makes n points; D scores them (D's weights take no gradient).
    2. G's loss −log D(G(z)); one step of G's optimiser moves the points to where D says "real".
    Returns G's loss on these noise vectors before and after the update (``before``, ``after``).
    """
    z = noise(gan, n, generator)
    frozen = [p for p in gan.discriminator.parameters() if p.requires_grad]
    for p in frozen:
        p.requires_grad_(False)
    try:
        loss = generator_loss(gan, gan.generator_net(z))
        gan.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        gan.opt_g.step()
        with torch.no_grad():
            after = generator_loss(gan, gan.generator_net(z))
    finally:
        for p in frozen:
            p.requires_grad_(True)
    return {"before": loss.item(), "after": after.item()}


@torch.no_grad()
def evaluate(gan: ToyGAN, real: np.ndarray, z: np.ndarray) -> dict[str, float]:
    """Both losses, and D's mean verdict on data and on generated points, for fixed data and noise."""
    real_t, fake = _tensor(real), gan.generator_net(_tensor(z))
    d_real, d_fake = gan.discriminator(real_t), gan.discriminator(fake)
    return {"d_loss": gan_d_loss(d_real, d_fake).item(), "g_loss": gan_g_loss(d_fake).item(),
            "d_real": torch.sigmoid(d_real).mean().item(), "d_fake": torch.sigmoid(d_fake).mean().item()}


@dataclass
class GanSteps:
    """One user's step-by-step session on ``gan``, training on ``data``; ``eval_real`` are the fixed data
    points (and as many fixed noise vectors) both losses are measured on after every update."""

    gan: ToyGAN
    data: np.ndarray
    eval_real: np.ndarray
    seed: int = 0
    kinds: list[str] = field(default_factory=list)     # one per history point: "start", "D" or "G"
    updates: list[int] = field(default_factory=list)   # the update count at each history point
    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    d_real: list[float] = field(default_factory=list)
    d_fake: list[float] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"D": 0, "G": 0})
    last: dict | None = None    # the last action: kind, n, its batches' loss before/after, d_was/g_was

    def __post_init__(self) -> None:
        self.lock = threading.Lock()  # one action at a time, even if a rerun leaves an earlier one running
        self.generator = torch.Generator().manual_seed(int(self.seed) + STEP_SEED)
        self.eval_z = self.gan.latent(len(self.eval_real), seed=int(self.seed) + 1)  # the lab's shown samples
        self._data = _tensor(self.data)
        self._record("start")

    @property
    def total(self) -> int:
        return self.counts["D"] + self.counts["G"]

    def batch(self) -> torch.Tensor:
        index = torch.randint(len(self._data), (self.gan.config.batch_size,), generator=self.generator)
        return self._data[index]

    def _record(self, kind: str) -> None:
        self._seen = self.gan.steps
        values = evaluate(self.gan, self.eval_real, self.eval_z)
        self.kinds.append(kind)
        self.updates.append(self.total)
        for name in ("d_loss", "g_loss", "d_real", "d_fake"):
            getattr(self, name).append(values[name])
        if len(self.kinds) > MAX_HISTORY:
            for name in ("kinds", "updates", "d_loss", "g_loss", "d_real", "d_fake"):
                values = getattr(self, name)
                setattr(self, name, values[:1] + _thin(values[1:]))

    def _steps(self, kind: str, n: int) -> dict:
        first = last = None
        for _ in range(int(n)):
            if kind == "D":
                out = d_step(self.gan, self.batch(), self.generator)
            else:
                out = g_step(self.gan, self.gan.config.batch_size, self.generator)
            self.counts[kind] += 1
            if kind == "G":
                self.gan.steps += 1  # the live lab counts generator updates: only they move the samples
            self._record(kind)
            first = out if first is None else first
            last = out
        if first is None:
            return {"kind": kind, "n": 0}
        return {"kind": kind, "n": int(n), "before": first["before"], "after": last["after"]}

    def _was(self) -> dict[str, float]:
        """Both losses before an action (``d_was``, ``g_was``): what its change is measured from."""
        return {"d_was": self.d_loss[-1], "g_was": self.g_loss[-1]}

    def sync(self) -> bool:
        """After the GAN trained elsewhere (the lab's live mode), add a "live" point with its losses now."""
        with self.lock:
            if self.gan.steps == self._seen:
                return False
            self._record("live")
            return True

    def discriminator_steps(self, k: int = 1) -> dict:
        """k D steps, each on a fresh minibatch; G frozen throughout."""
        with self.lock:
            was = self._was()
            self.last = {**self._steps("D", k), **was}
            return self.last

    def generator_steps(self, n: int = 1) -> dict:
        """n G steps against the frozen D."""
        with self.lock:
            was = self._was()
            self.last = {**self._steps("G", n), **was}
            return self.last

    def alternate(self, rounds: int, k: int) -> dict:
        """The usual GAN loop: ``rounds`` times k D steps then one G step (k = 0: G steps only)."""
        with self.lock:
            was = self._was()
            for _ in range(int(rounds)):
                self._steps("D", k)
                self._steps("G", 1)
            self.last = {"kind": "auto", "n": int(rounds), "k": int(k), **was}
            return self.last

    def samples(self) -> np.ndarray:
        """G(z) for the fixed noise vectors: the generated points the lab draws."""
        return self.gan.generate(self.eval_z)

    def surface(self, n_grid: int = SURFACE_GRID, extent: float = 3.5) -> dict[str, np.ndarray]:
        """D(x) = P(real) on an ``n_grid``² grid over [−extent, extent]²: ``xs`` and ``heat`` (rows = y)."""
        xs = np.linspace(-extent, extent, n_grid, dtype=np.float32)
        return {"xs": xs, "heat": self.gan.discriminator_grid(xs, xs)}

    def pushes(self, n: int = 60) -> dict[str, np.ndarray]:
        """Where a G step would push the first n shown points (uphill on D towards "real")."""
        return self.gan.generator_gradients(self.eval_z[:n])

    def history(self) -> dict[str, list]:
        return {"kinds": list(self.kinds), "updates": list(self.updates), "d_loss": list(self.d_loss),
                "g_loss": list(self.g_loss), "d_real": list(self.d_real), "d_fake": list(self.d_fake)}


def _thin(values: list) -> list:
    """Every other item, always keeping the newest."""
    return values[::-1][::2][::-1]


def new_steps(gan: ToyGAN, data: np.ndarray, eval_real: np.ndarray, seed: int) -> GanSteps:
    """A step-by-step session on an existing GAN (its weights and optimisers are shared, not copied)."""
    if not isinstance(gan, ToyGAN):
        raise TypeError(f"step-by-step training needs a ToyGAN, not {type(gan).__name__}")
    return GanSteps(gan, np.asarray(data, dtype=np.float32), np.asarray(eval_real, dtype=np.float32), int(seed))


__all__ = ["EQUILIBRIUM", "KINDS", "MAX_K", "SURFACE_GRID", "GanSteps", "d_step", "discriminator_loss", "evaluate",
           "g_step", "generator_loss", "new_steps", "noise"]
