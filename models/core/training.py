"""The set-up every epoch-based trainer shares: resume, shuffled loader, optimiser, LR schedule, accelerate;
the one warm-up + cosine learning-rate schedule of the step-based trainers (flow, diffusion, text, melody);
and what several training processes need (see :mod:`models.core.distributed`): a random stream per
process, losses summed over the processes, the process count in the metrics."""

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
    accelerator = make_accelerator(device, config.seed)
    return accelerator, *accelerator.prepare(net, opt, loader, sched)


def make_accelerator(device: str, seed: int | None = None):
    """``accelerate.Accelerator`` for ``device``; it sees how many processes the launcher started
    (``torchrun`` / ``accelerate launch``: MULTI_CPU with gloo on a CPU, MULTI_GPU with NCCL on GPUs).

    Call it after the network is built (every process builds the same one from the same seed). With
    several processes, ``seed`` then restarts torch's global random stream at ``seed + process index``,
    so noise, dropout and dequantization differ between the processes as their batches do; a single
    process keeps the stream it had."""
    from accelerate import Accelerator

    accelerator = Accelerator(cpu=device == "cpu")
    if seed is not None and accelerator.num_processes > 1:
        torch.manual_seed(seed + accelerator.process_index)
    return accelerator


def summed(accelerator, *values: float) -> list[float]:
    """``values`` summed over every training process (running loss sums, image counts), as floats;
    unchanged with a single process. Every process must call it at the same point."""
    if accelerator.num_processes == 1:
        return [float(v) for v in values]
    total = torch.tensor([float(v) for v in values], dtype=torch.float64, device=accelerator.device)
    return accelerator.reduce(total, "sum").tolist()


def run_facts(accelerator) -> dict:
    """What every trained model's ``metrics.json`` records about where it ran: the device and how many
    processes shared the batches (each took its own share of every epoch; steps are counted per
    process, and the batch per step over all of them is ``processes × batch_size``)."""
    return {"device": str(accelerator.device), "processes": accelerator.num_processes}


def continued(before: dict, metrics: dict, curves: tuple[str, ...]) -> dict:
    """A resumed run's ``metrics`` as the whole model's: its per-epoch ``curves`` appended to the shipped
    ones (``before``), epochs and wall time added up, and this run's own share under ``this_run``.
    Without ``before`` (a run from scratch) ``metrics`` stay as they are."""
    if not before:
        return metrics
    this_run = {"epochs": metrics["epochs"], "wall_time_s": metrics["wall_time_s"]}
    return {**metrics, **{k: [*before.get(k, []), *metrics[k]] for k in curves},
            "epochs": before.get("epochs", 0) + this_run["epochs"],
            "wall_time_s": before.get("wall_time_s", 0.0) + this_run["wall_time_s"],
            "resumed": True, "this_run": this_run}


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
