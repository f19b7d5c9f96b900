"""Checkpoint layout shared by every model.

``assets/checkpoints/<name>/config.json`` + ``model.safetensors`` (+ ``metrics.json``),
and ``assets/checkpoints/MANIFEST.json`` mapping every file below ``assets/checkpoints``
(relative path, the manifest itself excepted) to its sha256. Weights are only ever
read from safetensors, never unpickled. ``GENAI_LAB_CHECKPOINT_DIR`` overrides the root
(tests train into a temporary directory with it).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

ROOT = Path(__file__).resolve().parent.parent
ENV_DIR = "GENAI_LAB_CHECKPOINT_DIR"
MANIFEST = "MANIFEST.json"
WEIGHTS = "model.safetensors"
CONFIG = "config.json"
METRICS = "metrics.json"


class CheckpointError(RuntimeError):
    """A shipped checkpoint is missing or does not match the manifest."""


class HubModelError(CheckpointError):
    """The optional hub model (hosted Space only) could not be loaded, typically for lack of network."""


def checkpoint_root() -> Path:
    return Path(os.environ.get(ENV_DIR) or ROOT / "assets" / "checkpoints")


def checkpoint_dir(name: str) -> Path:
    return checkpoint_root() / name


def retrain_hint(name: str) -> str:
    return f"Retrain it with `python -m models train {name}`."


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(root: Path | None = None) -> dict[str, str]:
    path = (root or checkpoint_root()) / MANIFEST
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def write_manifest(root: Path | None = None) -> dict[str, str]:
    """Recompute the sha256 of every file below the checkpoint root."""
    root = root or checkpoint_root()
    entries = {
        p.relative_to(root).as_posix(): sha256(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != MANIFEST and not p.relative_to(root).as_posix().startswith(".")
    }
    (root / MANIFEST).write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return entries


def verify(name: str, root: Path | None = None) -> None:
    """Check the files of one checkpoint against the manifest."""
    root = root or checkpoint_root()
    manifest = read_manifest(root)
    directory = root / name
    if not directory.is_dir():
        raise CheckpointError(f"Checkpoint {directory} is missing. {retrain_hint(name)}")
    for rel, digest in manifest.items():
        if not rel.startswith(f"{name}/"):
            continue
        path = root / rel
        if not path.exists():
            raise CheckpointError(f"Checkpoint file {path} is missing. {retrain_hint(name)}")
        if sha256(path) != digest:
            raise CheckpointError(
                f"Checkpoint file {path} does not match its sha256 in {root / MANIFEST} "
                f"(corrupt or edited). {retrain_hint(name)}"
            )


def load(name: str, root: Path | None = None) -> tuple[dict, dict[str, np.ndarray]]:
    """Return ``(config, tensors)`` of a checkpoint, verified against the manifest."""
    root = root or checkpoint_root()
    verify(name, root)
    directory = root / name
    try:
        config = json.loads((directory / CONFIG).read_text(encoding="utf-8"))
        tensors = load_file(directory / WEIGHTS)
    except FileNotFoundError as exc:
        raise CheckpointError(f"Checkpoint file {exc.filename} is missing. {retrain_hint(name)}") from None
    except (json.JSONDecodeError, SafetensorError, OSError) as exc:
        raise CheckpointError(f"Checkpoint {directory} is unreadable ({exc}). {retrain_hint(name)}") from None
    return config, tensors


def load_state_into(module, tensors: dict[str, np.ndarray]) -> None:
    """Load NumPy arrays from a checkpoint into a torch module's state dict."""
    import torch

    module.load_state_dict({k: torch.from_numpy(v) for k, v in tensors.items()})


def load_metrics(name: str, root: Path | None = None) -> dict:
    path = (root or checkpoint_root()) / name / METRICS
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save(directory: Path, config: dict, tensors: dict[str, np.ndarray], metrics: dict | None = None) -> None:
    """Write one checkpoint's files into ``directory`` (no manifest update)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / CONFIG).write_text(json.dumps(config, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, directory / WEIGHTS)
    if metrics is not None:
        save_metrics(directory, metrics)


def save_metrics(directory: Path, metrics: dict) -> None:
    (directory / METRICS).write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")


@contextlib.contextmanager
def staging(name: str, root: Path | None = None) -> Iterator[Path]:
    """Yield a temporary directory; on success swap it in as ``<root>/<name>``.

    A run that raises leaves the shipped checkpoint untouched.
    """
    root = root or checkpoint_root()
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-new-", dir=root))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    tmp.chmod(0o755)
    for path in tmp.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    target = root / name
    old = root / f".{name}-old"
    with open(root / ".lock", "w") as lock:  # concurrent trainings: one swap + manifest at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
        write_manifest(root)
