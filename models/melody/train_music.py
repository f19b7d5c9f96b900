"""Training for the melody GPT (``python -m models train melody_gpt``).

Each training example is one whole chorale tune from its opening token, so a token's position is
also its place in the bar (step ``i`` of the grid is position ``i + 1``); batches are padded and
the padding is left out of the loss. The count-based unigram and bigram baselines are fitted on
the same training tunes and scored on the same held-out tunes, so the numbers compare.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from models.core import checkpoints, training
from models.language.train_text import lm_step
from models.melody import melody_corpus, music

IGNORE = -100


def crop(tokens: list[int], context: int, rng: np.random.Generator) -> list[int]:
    """A tune that fits: longer ones keep their opening token and a random piece starting on a bar line."""
    body = tokens[1:]
    if len(body) <= context:
        return tokens
    start = int(rng.integers(0, (len(body) - context) // music.STEPS_PER_BAR + 1)) * music.STEPS_PER_BAR
    return [tokens[0], *body[start:start + context]]


def batch_of(sequences: list[list[int]], context: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and shifted targets, padded with ``<end>`` (inputs) and ``IGNORE`` (targets)."""
    seqs = [s[:context + 1] for s in sequences]
    width = max(len(s) for s in seqs) - 1
    inputs = torch.full((len(seqs), width), music.END, dtype=torch.long)
    targets = torch.full((len(seqs), width), IGNORE, dtype=torch.long)
    for i, s in enumerate(seqs):
        inputs[i, :len(s) - 1] = torch.tensor(s[:-1])
        targets[i, :len(s) - 1] = torch.tensor(s[1:])
    return inputs, targets


@torch.no_grad()
def evaluate(model, sequences: list[list[int]], context: int, device) -> float:
    """Mean nats per predicted token over all held-out tunes (their bar-aligned windows)."""
    model.eval()
    sequences = [w for s in sequences for w in music.windows(s, context)]
    total, count = 0.0, 0
    for i in range(0, len(sequences), 16):
        inputs, targets = batch_of(sequences[i:i + 16], context)
        logits = model(input_ids=inputs.to(device)).logits.float()
        total += float(torch.nn.functional.cross_entropy(logits.flatten(0, 1), targets.to(device).flatten(),
                                                         ignore_index=IGNORE, reduction="sum"))
        count += int((targets != IGNORE).sum())
    model.train()
    return total / count


def train(out_dir: Path, *, epochs: float | None = None, device: str = "cpu", resume: bool = False,
          progress: bool = True, steps: int | None = None, config: music.MusicConfig | None = None) -> dict:
    """Train into ``out_dir``; ``epochs`` (passes over the training tunes) or ``steps`` override the budget."""
    from accelerate import Accelerator
    from tqdm.auto import tqdm

    config = config or music.MusicConfig()
    torch.manual_seed(config.seed)
    train_seqs = [music.melody_tokens(m) for m in melody_corpus.load("train")]
    valid_seqs = [music.melody_tokens(m) for m in melody_corpus.load("valid")]
    steps_per_epoch = len(train_seqs) / config.batch_size
    total = steps or (round(epochs * steps_per_epoch) if epochs else config.steps)
    config = replace(config, steps=total)

    model = music.build(config)
    if resume:
        model.load_state_dict(music.MelodyModel.load().model.state_dict())
    optimizer = training.adamw(model, config.lr)
    schedule = training.warmup_cosine_schedule(optimizer, config.warmup_steps, total, final=0.1)
    accelerator = Accelerator(cpu=device == "cpu")
    model, optimizer, schedule = accelerator.prepare(model, optimizer, schedule)

    rng = np.random.default_rng(config.seed)
    order: list[int] = []
    losses, valid_curve, running = [], [], []
    start = time.perf_counter()
    model.train()
    bar = tqdm(range(total), desc="melody_gpt", disable=not progress)
    for step in bar:
        if len(order) < config.batch_size:  # a fresh shuffle of the tunes every epoch
            order += rng.permutation(len(train_seqs)).tolist()
        chosen, order = order[:config.batch_size], order[config.batch_size:]
        inputs, targets = batch_of([crop(train_seqs[i], config.context, rng) for i in chosen], config.context)
        logits = model(input_ids=inputs.to(accelerator.device)).logits.float()
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), targets.to(accelerator.device).flatten(),
                                                 ignore_index=IGNORE)
        running = lm_step(accelerator, model, optimizer, schedule, loss, step, running, losses, bar)
        if (step + 1) % config.eval_every == 0 or step + 1 == total:
            valid_curve.append({"step": step + 1,
                                "loss": evaluate(model, valid_seqs, config.context, accelerator.device)})
    wall = time.perf_counter() - start

    model = accelerator.unwrap_model(model).cpu().eval()
    music.save(model, config, out_dir)
    held_out = music.MelodyModel(model, config).nll(valid_seqs)
    valid_windows = [w for s in valid_seqs for w in music.windows(s, config.context)]
    baselines = {name: music.NGram.fit(train_seqs, order).nll(valid_windows) for name, order in
                 (("unigram", 1), ("bigram", 2))}
    metrics = {
        "loss_curve": losses, "loss_curve_every_steps": 10, "valid_curve": valid_curve,
        "valid_nats_per_token": held_out["nats_per_token"], "valid_nats_per_onset": held_out["nats_per_onset"],
        "valid_perplexity": math.exp(held_out["nats_per_token"]),
        "baselines": baselines, "uniform_nats_per_token": math.log(music.VOCAB_SIZE - 2),
        "steps": total, "epochs": total / steps_per_epoch, "batch_size": config.batch_size,
        "train_melodies": len(train_seqs), "valid_melodies": len(valid_seqs),
        "train_tokens": sum(len(s) - 1 for s in train_seqs), "valid_tokens": held_out["tokens"],
        "vocab_size": music.VOCAB_SIZE, "wall_time_s": wall, "seconds_per_epoch": wall / (total / steps_per_epoch),
        "device": str(accelerator.device), "threads": torch.get_num_threads(),
        "parameters": music.parameter_count(model), "resumed": resume,
    }
    checkpoints.save_metrics(out_dir, metrics)
    return metrics
