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
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

from models.core import integrity
from models.core.integrity import sha256

ROOT = Path(__file__).resolve().parents[2]
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


def shown(path: str | os.PathLike) -> str:
    """``path`` as an error message may show it: project-relative, or ``$GENAI_LAB_CHECKPOINT_DIR/...``."""
    return integrity.shown(path, ENV_DIR, checkpoint_root())


def unreadable(name: str, path: str | os.PathLike, exc: BaseException) -> CheckpointError:
    """The error for a verified checkpoint that a library still could not read (no absolute paths)."""
    detail = integrity.scrub(str(exc), ENV_DIR, checkpoint_root())
    return CheckpointError(f"Checkpoint {shown(path)} is unreadable ({detail}). {retrain_hint(name)}")


def _restore_hint(root: Path) -> str:
    """How to get the shipped files back, for a root inside the project (a git checkout)."""
    if not Path(root).resolve().is_relative_to(ROOT):
        return ""
    return f" or restore the shipped files with `git checkout -- {integrity.shown(root)}`"


def read_manifest(root: Path | None = None, name: str | None = None) -> dict[str, str]:
    """``MANIFEST.json`` of the checkpoint root; :class:`CheckpointError` (naming ``name``'s retrain
    command) when it is missing, not JSON or not a JSON object."""
    root = Path(root or checkpoint_root())
    try:
        return integrity.read_manifest(root / MANIFEST)
    except integrity.ManifestProblem as problem:
        what = f"checkpoint {name} cannot be verified" if name else "no checkpoint can be verified"
        hint = retrain_hint(name).rstrip(".") if name else "Retrain a model with `python -m models train NAME`"
        raise CheckpointError(f"The checkpoint manifest {shown(root / MANIFEST)} {problem}, so {what}. "
                              f"{hint}{_restore_hint(root)}.") from None


def write_manifest(root: Path | None = None) -> dict[str, str]:
    """Recompute the sha256 of every file below the checkpoint root (vouches for all of them: a tool
    for a tree one trusts; training updates only its own model's entries, see :func:`staging`)."""
    return integrity.write_tree_manifest(root or checkpoint_root())


def update_manifest(name: str, root: Path | None = None) -> dict[str, str]:
    """Replace the entries of checkpoint ``name`` with the sha256 of its files now, keeping every
    other model's entries as they are (a retrain never vouches for another model's files). A
    missing or unusable manifest starts empty, so the other models stay refused until restored."""
    root = Path(root or checkpoint_root())
    try:
        entries = read_manifest(root)
    except CheckpointError:
        entries = {}
    prefix = f"{name}/"
    entries = {rel: digest for rel, digest in entries.items() if not str(rel).startswith(prefix)}
    entries |= {rel: sha256(root / rel) for rel in sorted(integrity.files_below(root / name, root))}
    integrity.write_entries(root, entries)
    return entries


def verify(name: str, root: Path | None = None) -> None:
    """Check the files of one checkpoint against the manifest; fails closed.

    Refused, with :class:`CheckpointError` naming the file (project-relative) and the retrain
    command: a missing directory or manifest, a manifest that is not a JSON object, a checkpoint
    with no entries, an entry that is not a sha256, a file that is not listed, a listed file that
    is missing, a sha256 mismatch. Costs one sha256 pass over the model's files: the app's loaders
    are cached, so it runs once per model and process.
    """
    root = Path(root or checkpoint_root())
    directory = root / name
    if not directory.is_dir():
        raise CheckpointError(f"Checkpoint {shown(directory)} is missing. {retrain_hint(name)}")
    manifest = read_manifest(root, name)
    try:
        integrity.check_files(manifest, root, integrity.files_below(directory, root), f"{name}/",
                              show=lambda rel: shown(root / rel))
    except integrity.ManifestProblem as problem:
        raise CheckpointError(f"Checkpoint {name} failed its integrity check: the manifest "
                              f"{shown(root / MANIFEST)} {problem}. {retrain_hint(name)}") from None


def load(name: str, root: Path | None = None, *, verified: bool = False) -> tuple[dict, dict[str, np.ndarray]]:
    """Return ``(config, tensors)`` of a checkpoint, verified against the manifest (``verified=True``:
    the caller has just called :func:`verify`)."""
    root = root or checkpoint_root()
    if not verified:
        verify(name, root)
    directory = root / name
    try:
        config = json.loads((directory / CONFIG).read_text(encoding="utf-8"))
        tensors = load_file(directory / WEIGHTS)
    except FileNotFoundError as exc:
        raise CheckpointError(f"Checkpoint file {shown(exc.filename)} is missing. {retrain_hint(name)}") from None
    except (json.JSONDecodeError, SafetensorError, OSError) as exc:
        raise unreadable(name, directory, exc) from None
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

    A run that raises, or that wrote nothing, leaves the shipped checkpoint untouched.
    """
    root = root or checkpoint_root()
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-new-", dir=root))
    try:
        yield tmp
        if not any(tmp.iterdir()):  # e.g. a training process that is not the one writer
            raise CheckpointError(f"Training {name} wrote no files, so the checkpoint was left as it was.")
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
        update_manifest(name, root)
