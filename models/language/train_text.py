"""Training for the text models (``python -m models train gpt_en|gpt_ko|gpt_en_char|lstm_en|lstm_ko``).

Next-token prediction on random windows of the shipped corpus: the loss at every position is
the cross-entropy of the true next token. The GPT sees the whole window at once (all positions
in parallel, a causal mask hides the future); the LSTM walks it left to right. Both use the same
tokenizer per language, the same windows, optimiser and step budget, so their numbers compare.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from models.core import checkpoints, training
from models.language import corpus, text, tokenization


def lm_step(accelerator, model, optimizer, schedule, loss, step: int, running: list[float], losses: list[float],
            bar) -> list[float]:
    """One clipped optimiser and schedule step for a language model; every 10 steps the mean loss joins
    ``losses`` and the progress bar. Returns the losses not yet averaged."""
    optimizer.zero_grad(set_to_none=True)
    accelerator.backward(loss)
    accelerator.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    schedule.step()
    running = [*running, loss.item()]
    if (step + 1) % 10 == 0:
        losses.append(float(np.mean(running)))
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
        return []
    return running

def encode_corpus(tokenizer, lang: str, split: str) -> torch.Tensor:
    """All token ids of one corpus split, encoded paragraph by paragraph (each keeps its blank line)."""
    paragraphs = corpus.load(lang, split).split("\n\n")
    encoded = tokenizer([p + "\n\n" for p in paragraphs], add_special_tokens=False)["input_ids"]
    return torch.tensor([i for ids in encoded for i in ids], dtype=torch.long)


def windows(ids: torch.Tensor, batch: int, length: int, generator: torch.Generator) -> torch.Tensor:
    """``batch`` random windows of ``length + 1`` tokens (input plus the shifted target)."""
    starts = torch.randint(0, len(ids) - length - 1, (batch,), generator=generator)
    return torch.stack([ids[s:s + length + 1] for s in starts.tolist()])


@torch.no_grad()
def evaluate(model, batches: list[torch.Tensor], device) -> float:
    model.eval()
    losses = []
    for batch in batches:
        batch = batch.to(device)
        logits = text.logits_of(model, batch[:, :-1])
        losses.append(float(torch.nn.functional.cross_entropy(logits.flatten(0, 1).float(), batch[:, 1:].flatten())))
    model.train()
    return float(np.mean(losses))


def train(name: str, out_dir: Path, *, epochs: float | None = None, device: str = "cpu", resume: bool = False,
          progress: bool = True, steps: int | None = None, config: text.TextConfig | None = None,
          minutes: float | None = None, snapshots: bool = False) -> dict:
    """Train ``name`` into ``out_dir``. ``epochs`` (passes over the training tokens) or ``steps``
    override the configured step budget; ``minutes`` stops earlier at the first evaluation past that
    wall time; ``snapshots`` writes the model and metrics to ``out_dir`` at every evaluation (a long
    run into a candidate directory can then be stopped at any time)."""
    from accelerate import Accelerator
    from tqdm.auto import tqdm

    config = config or text.SHIPPED[name]
    torch.manual_seed(config.seed)
    tokenizer = tokenization.load(config.lang, config.tokenizer)
    train_ids = torch.cat([encode_corpus(tokenizer, c, "train") for c in (config.lang, *config.also_train_on)])
    valid_ids = encode_corpus(tokenizer, config.lang, "valid")
    extra_valid = {c: encode_corpus(tokenizer, c, "valid") for c in config.also_train_on}
    tokens_per_step = config.batch_size * config.context
    steps_per_epoch = len(train_ids) / tokens_per_step
    total = steps or (round(epochs * steps_per_epoch) if epochs else config.steps)
    config = replace(config, steps=total)

    model = text.build(config, len(tokenizer), tokenizer.eos_token_id)
    before = {}
    if resume:
        model.load_state_dict(text.TextModel.load(name).model.state_dict())
        before = checkpoints.load_metrics(name)
    # a resumed run starts a new warm-up and cosine at half the peak rate: the weights are trained, a full
    # rate would first undo some of it
    lr, warmup = (config.lr / 2, min(config.warmup_steps, total // 10)) if resume else (config.lr, config.warmup_steps)
    optimizer = training.adamw(model, lr)
    schedule = training.warmup_cosine_schedule(optimizer, warmup, total, final=0.1)
    accelerator = Accelerator(cpu=device == "cpu")
    model, optimizer, schedule = accelerator.prepare(model, optimizer, schedule)

    gen = torch.Generator().manual_seed(config.seed)
    eval_gen = torch.Generator().manual_seed(config.seed + 1)
    eval_batches = [windows(valid_ids, config.batch_size, config.context, eval_gen) for _ in range(config.eval_batches)]
    extra_batches = {c: [windows(ids, config.batch_size, config.context, eval_gen) for _ in range(config.eval_batches)]
                     for c, ids in extra_valid.items()}
    extra_curves: dict[str, list[dict]] = {c: [] for c in extra_valid}
    losses, valid_curve, running = [], [], []
    start = time.perf_counter()
    model.train()
    bar = tqdm(range(total), desc=name, disable=not progress)
    for step in bar:
        batch = windows(train_ids, config.batch_size, config.context, gen).to(accelerator.device)
        logits = text.logits_of(model, batch[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1).float(), batch[:, 1:].flatten())
        running = lm_step(accelerator, model, optimizer, schedule, loss, step, running, losses, bar)
        last = step + 1 == total or (minutes is not None and time.perf_counter() - start > minutes * 60)
        if (step + 1) % config.eval_every == 0 or last:
            valid_curve.append({"step": step + 1, "loss": evaluate(model, eval_batches, accelerator.device)})
            for c, batches in extra_batches.items():
                extra_curves[c].append({"step": step + 1, "loss": evaluate(model, batches, accelerator.device)})
            if snapshots or last:
                metrics = _metrics(accelerator.unwrap_model(model), tokenizer, config, out_dir, before, resume, lr,
                                   losses, valid_curve, extra_curves, step + 1, steps_per_epoch, tokens_per_step,
                                   train_ids, valid_ids, extra_valid, time.perf_counter() - start, accelerator.device)
            if last:
                break
    return metrics


def _metrics(model, tokenizer, config, out_dir, before, resume, lr, losses, valid_curve, extra_curves, total,
             steps_per_epoch, tokens_per_step, train_ids, valid_ids, extra_valid, wall, device) -> dict:
    """Save the model and its ``metrics.json`` in ``out_dir`` after ``total`` steps; returns the metrics."""
    was_training = model.training
    text.save(model.eval(), tokenizer, config, out_dir)
    model.train(was_training)
    valid_chars = len(corpus.load(config.lang, "valid"))
    chars_per_token = valid_chars / len(valid_ids)
    final = valid_curve[-1]["loss"]
    metrics = {
        "loss_curve": losses, "loss_curve_every_steps": 10, "valid_curve": valid_curve,
        "valid_loss_per_token": final, "valid_loss_per_char": final / chars_per_token,
        "valid_perplexity": math.exp(final), "chars_per_token": chars_per_token,
        "steps": total, "epochs": total / steps_per_epoch, "tokens_per_step": tokens_per_step,
        "train_tokens": len(train_ids), "valid_tokens": len(valid_ids), "vocab_size": len(tokenizer),
        "wall_time_s": wall, "seconds_per_epoch": wall / (total / steps_per_epoch),
        "train_tokens_per_s": total * tokens_per_step / wall, "device": str(device),
        "parameters": text.parameter_count(model), "resumed": resume,
    }
    for c, ids in extra_valid.items():  # the extra corpora's held-out figures, e.g. "ko_everyday"
        per_token = len(corpus.load(c, "valid")) / len(ids)
        metrics[c] = {"valid_curve": extra_curves[c], "valid_loss_per_token": extra_curves[c][-1]["loss"],
                      "valid_loss_per_char": extra_curves[c][-1]["loss"] / per_token, "chars_per_token": per_token,
                      "valid_tokens": len(ids)}
        if before.get(c):
            metrics[c]["valid_curve"] = _continued(before[c].get("valid_curve", []), extra_curves[c], before)
    if before:  # a resumed run: steps, epochs, time and curves count from the first run on
        done = before.get("steps", 0)
        metrics.update(
            this_run={"steps": total, "wall_time_s": wall, "peak_lr": lr}, steps=done + total,
            epochs=before.get("epochs", 0) + total / steps_per_epoch, wall_time_s=before.get("wall_time_s", 0) + wall,
            loss_curve=before.get("loss_curve", []) + losses,
            valid_curve=_continued(before.get("valid_curve", []), valid_curve, before))
    checkpoints.save_metrics(out_dir, metrics)
    return metrics


def _continued(earlier: list[dict], curve: list[dict], before: dict) -> list[dict]:
    """A resumed run's evaluation curve after the first run's, its steps counted from the first run on."""
    done = before.get("steps", 0)
    return earlier + [{**v, "step": v["step"] + done} for v in curve]
