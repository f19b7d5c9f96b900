"""The set-up every epoch-based trainer shares: resume, shuffled loader, optimiser, LR schedule, accelerate."""

from __future__ import annotations

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
