"""The one warm-up + cosine learning-rate schedule gives, step for step, the factors each trainer computed before.

The reference functions below are the trainers' own formulas as they were before the schedule moved to
``models.core.training`` (models/language/train_text.py and models/melody/train_music.py ``lr_at``,
models/image/flow.py ``_lr_factor``, the lambda in models/image/train_diffusion.py), copied unchanged.
"""

import math

import pytest
import torch

from models.core import training
from models.image.diffusion import DiffusionConfig
from models.image.flow import FlowConfig
from models.language.text import TextConfig
from models.melody.music import MusicConfig

SETTINGS = [(1, 1), (1, 10), (5, 3), (5, 40), (30, 300), (100, 2_000), (200, 1_500), (500, 501)]


def old_text_and_music(step, warmup_steps, total):  # lr_at, "linear warm-up, then cosine decay to a tenth"
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total - warmup_steps)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def old_flow(step, warmup, total):  # _lr_factor, "linear warm-up, then cosine decay to 5 % of the peak"
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress))


def old_diffusion(s, warmup_steps, total=None):  # the LambdaLR lambda: warm-up, then constant (no total)
    return min(1.0, (s + 1) / warmup_steps)


def steps_of(warmup, total):
    return range(total + warmup + 20)  # through the warm-up, the decay and past its end


@pytest.mark.parametrize(("warmup", "total"), SETTINGS)
def test_same_factors_as_every_old_formula(warmup, total):
    for step in steps_of(warmup, total):
        assert training.warmup_cosine(step, warmup, total, final=0.1) == old_text_and_music(step, warmup, total)
        assert training.warmup_cosine(step, warmup, total, final=0.05) == old_flow(step, warmup, total)
        assert training.warmup_cosine(step, warmup, None) == old_diffusion(step, warmup)


@pytest.mark.parametrize(("config", "final", "old"), [
    (TextConfig(), 0.1, old_text_and_music), (MusicConfig(), 0.1, old_text_and_music),
    (FlowConfig(), 0.05, old_flow), (DiffusionConfig(), 1.0, old_diffusion)])
def test_the_scheduler_steps_the_learning_rate_like_before(config, final, old):
    """What the optimiser sees, at each trainer's shipped warm-up and learning rate (diffusion: no total)."""
    warmup = config.warmup_steps
    total = None if old is old_diffusion else 3 * warmup
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=config.lr)
    schedule = training.warmup_cosine_schedule(optimizer, warmup, total, final=final)
    for step in steps_of(warmup, total or warmup):
        assert optimizer.param_groups[0]["lr"] == config.lr * old(step, warmup, total), step
        optimizer.step()
        schedule.step()
