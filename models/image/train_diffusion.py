"""Train the class-conditional diffusion model: ``python -m models train diffusion``.

Resumable: every ``save_every_min`` minutes (and at the end) the EMA weights are written as
the shipped model, together with the raw weights and the step count, so ``--resume``
continues across sessions or on another machine. ``--minutes`` stops after a time budget.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from models.core import checkpoints, data, training
from models.image.diffusion import NAME, NULL_CLASS, DiffusionConfig, build_scheduler, build_unet, to_model_space

RAW = "training_state.safetensors"


def _write(unet, ema, scheduler, metrics: dict, config: DiffusionConfig) -> None:
    with checkpoints.staging(NAME) as out:
        ema.store(unet.parameters())
        ema.copy_to(unet.parameters())
        unet.save_pretrained(out, safe_serialization=True)
        ema.restore(unet.parameters())
        scheduler.save_pretrained(out)
        save_file({k: v.detach().cpu().contiguous() for k, v in unet.state_dict().items()}, out / RAW)
        (out / "training_config.json").write_text(json.dumps(asdict(config), indent=1) + "\n")
        (out / checkpoints.METRICS).write_text(json.dumps(metrics, indent=1) + "\n")


def _forever(loader):
    """Batches from ``loader``, reshuffled epoch after epoch, without end."""
    while True:
        yield from loader


def train(out_dir: Path | None = None, *, epochs: int | None = None, device: str = "cpu", resume: bool = False,
          progress: bool = True, minutes: float | None = None, save_every_min: float = 10.0,
          max_steps: int | None = None, train_split: data.Split | None = None) -> dict:
    """Train (or continue training) and write ``assets/checkpoints/diffusion`` as it goes.

    Under ``torchrun`` / ``accelerate launch`` each process takes its share of every batch; only the
    main one writes, and every process stops at the same step (``minutes``: when any is out of time)."""
    from diffusers.training_utils import EMAModel
    from tqdm.auto import tqdm

    config = DiffusionConfig()
    seed = config.seed + int(time.time()) % 10_000 if resume else config.seed
    torch.manual_seed(seed)
    split = train_split or data.load_train()
    unet, scheduler = build_unet(config), build_scheduler(config)
    metrics = {"step": 0, "epochs_done": 0.0, "wall_time_s": 0.0, "loss_every_100": [], "sessions": [],
               "train_images": len(split), "parameters": sum(p.numel() for p in unet.parameters())}
    ema = EMAModel(unet.parameters(), decay=config.ema_decay, use_ema_warmup=True, power=3 / 4)
    if resume:
        directory = checkpoints.checkpoint_dir(NAME)
        checkpoints.verify(NAME)
        unet.load_state_dict(load_file(directory / RAW))
        from diffusers import UNet2DModel

        shipped = UNet2DModel.from_pretrained(directory, use_safetensors=True)
        ema = EMAModel(shipped.parameters(), decay=config.ema_decay, use_ema_warmup=True, power=3 / 4)
        metrics = json.loads((directory / checkpoints.METRICS).read_text())
        ema.optimization_step = metrics["step"]

    accelerator = training.make_accelerator(device, seed)
    images = to_model_space(split.images)
    labels = torch.from_numpy(split.labels)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=config.batch_size,
                                         shuffle=True, drop_last=True)
    optimizer = torch.optim.AdamW(unet.parameters(), lr=config.lr, weight_decay=0.0)
    warm = training.warmup_cosine_schedule(optimizer, config.warmup_steps, None)  # warm-up, then constant
    unet, optimizer, loader, warm = accelerator.prepare(unet, optimizer, loader, warm)
    ema.to(accelerator.device)
    batches = _forever(loader)

    start, last_save = time.perf_counter(), time.perf_counter()
    wall_before, sessions_before = metrics["wall_time_s"], list(metrics.get("sessions", []))
    session = {"started_step": metrics["step"], **training.run_facts(accelerator)}
    # One step budget and one deadline; with neither --epochs nor --minutes, train one epoch.
    budget = max_steps or (epochs * len(loader) if epochs else None if minutes else len(loader))
    deadline = start + minutes * 60 if minutes else None

    def out_of_time() -> bool:  # asked of every process at every step, so that all stop at the same one
        if deadline is None:
            return False
        return training.summed(accelerator, time.perf_counter() >= deadline)[0] > 0

    def save() -> None:
        if not accelerator.is_main_process:  # one writer
            return
        metrics["sessions"] = [*sessions_before, {**session, "ended_step": metrics["step"],
                                                  "wall_time_s": time.perf_counter() - start}]
        metrics.update(training.run_facts(accelerator))
        _write(accelerator.unwrap_model(unet), ema, scheduler, metrics, config)

    bar = tqdm(total=budget, desc=NAME, disable=not progress)
    running, done = [], 0
    while not (budget and done >= budget) and not out_of_time():
        x0, y = next(batches)
        # classifier-free guidance: sometimes hide the label
        y = torch.where(torch.rand(len(y), device=y.device) < config.label_drop, NULL_CLASS, y)
        noise = torch.randn_like(x0)
        t = torch.randint(0, scheduler.config.num_train_timesteps, (len(x0),), device=x0.device)
        xt = scheduler.add_noise(x0, noise, t)
        loss = torch.nn.functional.mse_loss(unet(xt, t, class_labels=y).sample, noise)
        optimizer.zero_grad(set_to_none=True)
        accelerator.backward(loss)
        accelerator.clip_grad_norm_(unet.parameters(), 1.0)
        optimizer.step()
        warm.step()
        ema.step(accelerator.unwrap_model(unet).parameters())
        metrics["step"] += 1
        done += 1
        running.append(loss.item())
        if len(running) == 100:  # at the same step in every process: the mean over all of them
            total = training.summed(accelerator, np.mean(running))[0]
            metrics["loss_every_100"].append(total / accelerator.num_processes)
            running = []
        bar.update(1)
        bar.set_postfix(loss=f"{loss.item():.4f}", step=metrics["step"])
        metrics["wall_time_s"] = wall_before + time.perf_counter() - start
        metrics["epochs_done"] = metrics["step"] / len(loader)
        if time.perf_counter() - last_save >= save_every_min * 60:
            save()
            last_save = time.perf_counter()
    bar.close()
    save()
    return {k: v for k, v in metrics.items() if k != "loss_every_100"} | {"last_loss": metrics["loss_every_100"][-1:]}
