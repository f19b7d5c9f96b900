"""Fashion-MNIST loading and validation.

Two sources, one parser:

* the Debian package ``dataset-fashion-mnist`` (full 60k/10k splits, used by the
  training scripts), found in ``/usr/share/datasets/fashion-mnist`` or in the
  directory named by ``GENAI_LAB_FMNIST_DIR``;
* the copy shipped in ``assets/data`` (the 10k test split and a fixed 10k training
  subset) so the app runs without the package.

Both are IDX files (optionally gzip-compressed). Every read checks the magic number,
the shape, the byte count and the label range, and problems surface as one
:class:`FashionMNISTError` whose message says what to do. The shipped files are also checked
against the sha256 in ``assets/data/MANIFEST.json`` (fails closed: no manifest, no entry or a
mismatch refuses the file, naming it and how to restore it).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.core import integrity

ROOT = Path(__file__).resolve().parents[2]
ASSETS_DATA = ROOT / "assets" / "data"
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
ENV_DIR = "GENAI_LAB_FMNIST_DIR"
MANIFEST = "MANIFEST.json"  # in the shipped directory: file name -> sha256

NUM_CLASSES = 10
IMAGE_SHAPE = (28, 28)
CLASS_NAMES = {
    "en": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
    "ko": ["티셔츠", "바지", "풀오버", "드레스", "코트",
           "샌들", "셔츠", "운동화", "가방", "앵클부츠"],
}

# Debian file names; the shipped subset follows the same pattern.
SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
SHIPPED_FILES = {
    "test": SPLIT_FILES["test"],
    "train10k": ("train10k-images-idx3-ubyte.gz", "train10k-labels-idx1-ubyte.gz"),
}
SUBSET_SIZE = 10_000
SUBSET_SEED = 20_240_601  # fixed: the shipped subset must never change silently

INSTALL_HINT = (
    "Install the Debian package with `sudo apt-get install dataset-fashion-mnist` "
    f"(files land in {DEBIAN_DIR}), or point {ENV_DIR} at a directory holding "
    "the four *-ubyte.gz files."
)

RESTORE_HINT = (
    "Restore the shipped files with `git checkout -- assets/data` (or reinstall the app), or rebuild "
    "them from the Debian package with `python -m models export-data`."
)

_IMAGE_MAGIC = 0x00000803  # unsigned byte, 3 dimensions
_LABEL_MAGIC = 0x00000801  # unsigned byte, 1 dimension


class FashionMNISTError(RuntimeError):
    """Fashion-MNIST files are missing, truncated or not what they claim to be."""


class ShortClassError(ValueError):
    """A class has fewer images than were asked for (``label``, ``available``, ``wanted``)."""

    def __init__(self, label: int, available: int, wanted: int):
        super().__init__(f"class {label} has {available} images, {wanted} asked for")
        self.label, self.available, self.wanted = label, available, wanted


@dataclass(frozen=True)
class Split:
    """Images as uint8 (N, 28, 28), 0 = background; labels as int64 (N,)."""

    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


def class_name(label: int, lang: str = "en") -> str:
    return CLASS_NAMES.get(lang, CLASS_NAMES["en"])[int(label)]


def shown(path: str | os.PathLike) -> str:
    """``path`` for a message: the Debian path as is, else project-relative or ``$GENAI_LAB_FMNIST_DIR/...``."""
    if Path(path).is_relative_to(DEBIAN_DIR):
        return str(path)
    return integrity.shown(path, ENV_DIR, dataset_dir())


def _read_bytes(path: Path, digest: str | None = None) -> bytes:
    """The (decompressed) bytes of ``path``; with ``digest``, only if the file's sha256 is that."""
    hint = RESTORE_HINT if digest else INSTALL_HINT
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FashionMNISTError(f"Fashion-MNIST file not found: {shown(path)}. {hint}") from None
    except OSError as exc:
        raise FashionMNISTError(
            f"Fashion-MNIST file {shown(path)} is unreadable ({type(exc).__name__}). {hint}") from None
    if digest is not None and hashlib.sha256(raw).hexdigest() != digest:
        raise FashionMNISTError(f"Fashion-MNIST file {shown(path)} does not match its sha256 in "
                                f"{shown(path.parent / MANIFEST)} (corrupt or edited). {hint}")
    try:
        return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError; a bad stream is a zlib.error
        raise FashionMNISTError(f"Fashion-MNIST file {shown(path)} is unreadable or corrupt ({exc}). {hint}") from None


def read_idx(path: str | os.PathLike, kind: str, digest: str | None = None) -> np.ndarray:
    """Parse one IDX file. ``kind`` is ``"images"`` or ``"labels"``; ``digest``: its expected sha256."""
    path = Path(path)
    data = _read_bytes(path, digest)
    magic, ndim = (_IMAGE_MAGIC, 3) if kind == "images" else (_LABEL_MAGIC, 1)
    header = 4 + 4 * ndim
    if len(data) < header:
        raise FashionMNISTError(f"{shown(path)} is truncated: {len(data)} bytes, no full header. {INSTALL_HINT}")
    found = struct.unpack(">I", data[:4])[0]
    if found != magic:
        raise FashionMNISTError(
            f"{shown(path)} is not an IDX {kind} file (magic 0x{found:08x}, expected 0x{magic:08x}). {INSTALL_HINT}"
        )
    dims = struct.unpack(f">{ndim}I", data[4:header])
    if kind == "images" and tuple(dims[1:]) != IMAGE_SHAPE:
        raise FashionMNISTError(f"{shown(path)} holds {dims[1]}x{dims[2]} images, expected 28x28.")
    expected = int(np.prod(dims))
    if len(data) - header != expected:
        raise FashionMNISTError(
            f"{shown(path)} is truncated or padded: {len(data) - header} data bytes, expected {expected}. "
            f"{INSTALL_HINT}"
        )
    array = np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)
    if kind == "labels":
        if array.size and array.max() >= NUM_CLASSES:
            raise FashionMNISTError(f"{shown(path)} has label {array.max()}, outside 0-9.")
        return array.astype(np.int64)
    return array.copy()


def _load_pair(directory: Path, images_name: str, labels_name: str, verified: bool = False) -> Split:
    """One split; ``verified``: each file must match its sha256 in ``directory/MANIFEST.json``."""
    if not directory.is_dir():
        raise FashionMNISTError(f"Fashion-MNIST directory not found: {shown(directory)}. "
                                f"{RESTORE_HINT if verified else INSTALL_HINT}")
    digests = _manifest_digests(directory, (images_name, labels_name)) if verified else {}
    images = read_idx(directory / images_name, "images", digests.get(images_name))
    labels = read_idx(directory / labels_name, "labels", digests.get(labels_name))
    if len(images) != len(labels):
        raise FashionMNISTError(
            f"{shown(directory)}: {len(images)} images but {len(labels)} labels in {images_name}/{labels_name}."
        )
    return Split(images, labels)


def _manifest_digests(directory: Path, names: tuple[str, ...]) -> dict[str, str]:
    """The sha256 the manifest gives each of ``names``; fails closed (no manifest, no or a bad entry)."""
    path = directory / MANIFEST
    try:
        manifest = integrity.read_manifest(path)
        for name in names:
            if name not in manifest:
                raise integrity.ManifestProblem(f"does not list {name}")
            if not integrity.valid_entry(name, manifest[name]):
                raise integrity.ManifestProblem(f"has an invalid entry for {name} (not a sha256 hex)")
    except integrity.ManifestProblem as problem:
        raise FashionMNISTError(f"The data manifest {shown(path)} {problem}, so the shipped Fashion-MNIST files "
                                f"cannot be verified. {RESTORE_HINT}") from None
    return {name: manifest[name] for name in names}


def write_manifest(directory: str | os.PathLike = ASSETS_DATA) -> dict[str, str]:
    """Record the sha256 of every shipped data file in ``directory/MANIFEST.json``."""
    directory = Path(directory)
    entries = {p.name: integrity.sha256(p) for p in sorted(directory.iterdir()) if p.is_file() and p.name != MANIFEST}
    (directory / MANIFEST).write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return entries


def dataset_dir() -> Path:
    """Where the full dataset lives: ``$GENAI_LAB_FMNIST_DIR`` or Debian's path."""
    return Path(os.environ.get(ENV_DIR) or DEBIAN_DIR)


def load_full(split: str = "train", directory: str | os.PathLike | None = None) -> Split:
    """The full Debian split (``train`` 60k or ``test`` 10k), for training scripts."""
    if split not in SPLIT_FILES:
        raise ValueError(f"split must be one of {sorted(SPLIT_FILES)}, not {split!r}")
    return _load_pair(Path(directory) if directory else dataset_dir(), *SPLIT_FILES[split])


def load_shipped(split: str = "test", directory: str | os.PathLike | None = None) -> Split:
    """The copy under ``assets/data``: ``test`` (10k) or ``train10k`` (fixed subset)."""
    if split not in SHIPPED_FILES:
        raise ValueError(f"split must be one of {sorted(SHIPPED_FILES)}, not {split!r}")
    return _load_pair(Path(directory) if directory else ASSETS_DATA, *SHIPPED_FILES[split], verified=True)


def load_train(prefer_full: bool = True) -> Split:
    """Training data: the full 60k split when the package is there, else the shipped 10k."""
    if prefer_full:
        try:
            return load_full("train")
        except FashionMNISTError:
            pass
    return load_shipped("train10k")


def pick_per_class(labels: np.ndarray, counts: Mapping[int, int], seed: int) -> list[np.ndarray]:
    """Indices of ``counts[k]`` images of each class k, in the mapping's order, drawn without
    replacement from one ``default_rng(seed)`` stream; :class:`ShortClassError` when a class has too few."""
    rng = np.random.default_rng(seed)
    picks = []
    for label, count in counts.items():
        pool = np.flatnonzero(labels == label)
        if len(pool) < count:
            raise ShortClassError(int(label), len(pool), int(count))
        picks.append(rng.choice(pool, size=count, replace=False))
    return picks


def subset_indices(labels: np.ndarray, size: int = SUBSET_SIZE, seed: int = SUBSET_SEED) -> np.ndarray:
    """The fixed training subset: ``size // 10`` images per class, sorted indices."""
    return np.sort(np.concatenate(pick_per_class(labels, dict.fromkeys(range(NUM_CLASSES), size // NUM_CLASSES),
                                                 seed)))


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write uint8 images (N,28,28) or labels (N,) as gzip-compressed IDX."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    magic = _IMAGE_MAGIC if array.ndim == 3 else _LABEL_MAGIC
    header = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(header + array.tobytes())


def export_shipped(directory: str | os.PathLike = ASSETS_DATA) -> dict[str, int]:
    """Copy the test split and the fixed 10k training subset into ``assets/data``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    train, test = load_full("train"), load_full("test")
    idx = subset_indices(train.labels)
    parts = {"test": (test.images, test.labels), "train10k": (train.images[idx], train.labels[idx])}
    for name, (images, labels) in parts.items():
        img_file, lbl_file = SHIPPED_FILES[name]
        write_idx(out / img_file, images)
        write_idx(out / lbl_file, labels)
    write_manifest(out)
    return {name: len(labels) for name, (_, labels) in parts.items()}


def to_float(images: np.ndarray) -> np.ndarray:
    """uint8 (N,28,28) -> float32 (N,784) in [0, 1]."""
    return images.reshape(len(images), -1).astype(np.float32) / 255.0


def dequantize(images: np.ndarray, generator=None):
    """uint8 (N,28,28) → float32 torch tensor (N,1,28,28) in (0, 1): (pixel + u)/256, with u ~ U(0,1) drawn
    from ``generator`` (a ``torch.Generator``), or the bin centre u = 0.5 without one. The VAE and the
    flow see their pixels this way."""
    import torch

    x = torch.from_numpy(np.asarray(images, dtype=np.float32)).reshape(-1, 1, *IMAGE_SHAPE)
    u = torch.rand(x.shape, generator=generator) if generator is not None else 0.5
    return (x + u) / 256.0


def to_uint8(x: np.ndarray) -> np.ndarray:
    """float (N,784) or (N,28,28) in [0, 1] -> uint8 (N,28,28), clipped."""
    x = np.asarray(x).reshape(-1, *IMAGE_SHAPE)
    return np.clip(np.rint(x * 255.0), 0, 255).astype(np.uint8)


def examples(split: Split, label: int, n: int, seed: int) -> np.ndarray:
    """``n`` real images of class ``label`` drawn reproducibly from ``split``."""
    pool = np.flatnonzero(split.labels == label)
    rng = np.random.default_rng(seed)
    return split.images[rng.choice(pool, size=min(n, len(pool)), replace=False)]


def noise_images(n: int, seed: int) -> np.ndarray:
    """Uniform random pixels: what "no structure at all" looks like, for likelihood contrasts."""
    return np.random.default_rng(seed).integers(0, 256, size=(n, *IMAGE_SHAPE), dtype=np.uint8)


def examples_balanced(split: Split, n: int, seed: int) -> np.ndarray:
    """``n`` images with classes cycling 0–9, drawn reproducibly (real counterpart of cycled samples)."""
    labels = np.arange(n) % NUM_CLASSES
    picks = np.empty(n, dtype=np.int64)
    counts = {c: int((labels == c).sum()) for c in range(NUM_CLASSES)}
    for c, chosen in zip(counts, pick_per_class(split.labels, counts, seed), strict=True):
        picks[labels == c] = chosen
    return split.images[picks]


def shuffled_loader(images, labels: np.ndarray, batch_size: int, seed: int):
    """A torch DataLoader over (images, labels) that reshuffles every epoch, reproducibly from ``seed``."""
    import torch

    images = images if isinstance(images, torch.Tensor) else torch.from_numpy(images)
    dataset = torch.utils.data.TensorDataset(images, torch.from_numpy(labels))
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True,
                                       generator=torch.Generator().manual_seed(seed))
