"""Registry of every shipped model and the ``train`` command behind ``python -m models train``."""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from models.apps.bias import NAMES as BIAS_MODELS
from models.basics import overview
from models.core import distributed
from models.core.device import pick_device
from models.language.text import SHIPPED as TEXT_MODELS
from models.latent.autoencoders import SHIPPED as LATENT_MODELS


def _lazy(module: str, *leading) -> Callable[..., dict]:
    """``models.<module>.train`` (called with ``leading`` arguments first), imported only when used."""

    def fit(*args, **kwargs) -> dict:
        return importlib.import_module(f"models.{module}").train(*leading, *args, **kwargs)

    return fit


def _describe(cfg: dict) -> str:
    if cfg["kind"] == "vqvae":
        return f"VQ-VAE (7×7 grid of codes from a codebook of {cfg['codebook_size']})"
    kind = {"ae": "autoencoder", "vae": "VAE"}[cfg["kind"]]
    return f"{kind} ({cfg['latent_dim']}-number codes" + (f", β = {cfg['beta']})" if "beta" in cfg else ")")


def _describe_text(cfg) -> str:
    lang = {"en": "English (Shakespeare)", "ko": "Korean", "code": "Python code (standard library)"}[cfg.lang]
    tok = {"bpe": "byte-level BPE", "char": "character"}[cfg.tokenizer]
    also = {"ko_everyday": " + everyday stories and chat"}
    lang += "".join(also.get(c, f" + {c}") for c in cfg.also_train_on)
    return f"{cfg.n_layer}-layer {cfg.arch.upper()}, {lang}, {tok} tokens"


# Why a trainer stays on one process (see Trainer.single_process).
_OWN_WINDOWS = "each step draws its random training windows itself, not from a loader the processes could share"
_VQ_RESTARTS = "unused codebook entries restart from one process's own batch, which would part the processes' codebooks"


@dataclass(frozen=True)
class Trainer:
    name: str
    description: str
    fit: Callable[..., dict]
    #: writes (and periodically re-writes) its own checkpoint, e.g. long resumable runs
    saves_itself: bool = False
    #: why it trains on one process only; ``None``: it shares the batches between the processes of
    #: ``torchrun`` / ``accelerate launch`` (only the main process writes and reports)
    single_process: str | None = None


TRAINERS: dict[str, Trainer] = {
    t.name: t
    for t in (
        Trainer(overview.CLASSIFIER, "MLP classifier p(y|x) for the overview page (10k subset, ~15 s on 2 cores)",
                overview.train_classifier),
        Trainer(overview.GAUSSIAN, "per-class Gaussian p(x|y) in PCA space for the overview page (seconds)",
                overview.train_gaussian, single_process="a closed-form fit in seconds, no steps to share"),
        Trainer("judge", "CNN classifier on the full 60k split; its features define the domain FID",
                _lazy("core.judge", "judge")),
        Trainer("judge2", "second, independent judge: MLP on the pixels, no augmentation; domain FID beside the first",
                _lazy("core.judge", "judge2")),
        Trainer("vae", "class-conditional convolutional VAE (β = 1), prior refit to its codes", _lazy("image.vae")),
        Trainer("gan", "class-conditional DCGAN (spectral norm, hinge loss) with per-epoch snapshots",
                _lazy("image.gan")),
        Trainer("flow", "RealNVP-style normalizing flow, per-class Gaussian prior refit to its latents",
                _lazy("image.flow")),
        Trainer("diffusion", "class-conditional UNet2DModel (16,32,64) + DDPM, CFG; resumable (hours on CPU)",
                _lazy("image.train_diffusion"), saves_itself=True),
        *(Trainer(name, f"latent-space {_describe(cfg)}", _lazy("latent.autoencoders", name),
                  single_process=_VQ_RESTARTS if cfg["kind"] == "vqvae" else None)
          for name, cfg in LATENT_MODELS.items()),
        *(Trainer(name, _describe_text(cfg), _lazy("language.train_text", name), single_process=_OWN_WINDOWS)
          for name, cfg in TEXT_MODELS.items()),
        *(Trainer(name, f"unconditional {family.upper()} on a class-imbalanced subset (bias on the pros & cons page)",
                  _lazy("apps.bias", family)) for family, name in BIAS_MODELS.items()),
        Trainer("melody_gpt", "4-layer GPT over sixteenth-note tokens, soprano lines of Bach chorales",
                _lazy("melody.train_music"), single_process=_OWN_WINDOWS),
    )
}


def train(name: str, *, epochs: int | None = None, device: str = "auto", resume: bool = False,
          progress: bool = True, **options) -> dict:
    """Retrain ``name`` into ``assets/checkpoints/<name>`` (swapped in only on success).

    Under ``torchrun`` / ``accelerate launch`` every process runs this; only the main one shows
    progress, stages, writes and swaps in the checkpoint, and the others wait until it has. A model
    that trains on one process only raises :class:`models.core.distributed.ScaleOutError` there.
    """
    trainer = TRAINERS[name]
    if distributed.processes() > 1 and trainer.single_process:
        raise distributed.refuse(name, trainer.single_process)
    resolved = pick_device(None if device == "auto" else device)
    progress = progress and distributed.is_main()
    start = time.perf_counter()
    if trainer.saves_itself:
        metrics = trainer.fit(epochs=epochs, device=resolved, resume=resume, progress=progress, **options)
    else:
        with distributed.staging(name) as out_dir:  # None outside the main process: nothing to write
            metrics = trainer.fit(out_dir, epochs=epochs, device=resolved, resume=resume, progress=progress)
    distributed.wait_for_everyone()
    metrics["total_wall_time_s"] = time.perf_counter() - start
    return metrics


def summary(metrics: dict) -> str:
    return json.dumps({k: v for k, v in metrics.items() if not isinstance(v, list)}, indent=1)
