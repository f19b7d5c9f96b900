"""The set-up every epoch-based trainer shares: resume, shuffled loader, optimiser, LR schedule, accelerate;
and the one warm-up + cosine learning-rate schedule of the step-based trainers (flow, diffusion, text, melody)."""

from __future__ import annotations

import math

import numpy as np
import torch

from models.core import checkpoints, data


def prepare(name: str, net: torch.nn.Module, images, labels: np.ndarray, config, *, device: str, resume: bool,
            optimizer: type[torch.optim.Optimizer] = torch.optim.Adam, schedule: str = "onecycle", **optimizer_options):
    """Returns ``(accelerator, net, optimizer, loader, schedule)`` prepared by ``accelerate``.

    ``config`` needs ``batch_size``, ``lr``, ``epochs`` and ``seed``. ``resume`` loads the shipped
    weights of ``name`` first. ``schedule`` is "onecycle" (warm-up, then anneal) or "cosine".
    """
    from accelerate import Accelerator

    if resume:
        checkpoints.load_state_into(net, checkpoints.load(name)[1])
    loader = data.shuffled_loader(images, labels, config.batch_size, config.seed)
    opt = optimizer(net.parameters(), lr=config.lr, **optimizer_options)
    total = config.epochs * len(loader)
    if schedule == "onecycle":
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=config.lr, total_steps=total)
    elif schedule == "cosine":
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total)
    else:
        raise ValueError(f"unknown schedule {schedule!r}")
    accelerator = Accelerator(cpu=device == "cpu")
    return accelerator, *accelerator.prepare(net, opt, loader, sched)


def adamw(model: torch.nn.Module, lr: float, weight_decay: float = 0.1) -> torch.optim.AdamW:
    """The sequence models' optimiser (text, melody, your own text): AdamW with betas (0.9, 0.95),
    weight decay on the weight matrices only (none on biases, norms and other vectors)."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.95))


def warmup_cosine(step: int, warmup: int, total: int | None, final: float = 1.0) -> float:
    """The learning-rate factor at optimiser step ``step`` (0-based): a linear warm-up over ``warmup``
    steps to the peak 1, then a cosine decay that reaches ``final`` at step ``total`` and stays there.
    ``total=None`` keeps the peak after the warm-up (a run whose length is not known in advance)."""
    if step < warmup:
        return (step + 1) / warmup
    if total is None:
        return 1.0
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return final + (1 - final) * 0.5 * (1 + math.cos(math.pi * progress))


def warmup_cosine_schedule(optimizer: torch.optim.Optimizer, warmup: int, total: int | None,
                           final: float = 1.0) -> torch.optim.lr_scheduler.LambdaLR:
    """``warmup_cosine`` as a scheduler: call its ``step()`` after every ``optimizer.step()``."""
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: warmup_cosine(step, warmup, total, final))
