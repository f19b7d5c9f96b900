"""Your own pictures: the VAE or GAN of Train your own, trained live on drawings or photos the user brings.

1. **the pictures** — :func:`read_image` (an uploaded file, through
   :func:`models.image.image_input.read_upload`: HEIC, animated, format, size checks), :func:`read_canvas`
   (a drawing) and :func:`read_images_zip` (a zip of class folders) give 28×28 grayscale images;
   :func:`check_name` and :func:`build_set` check the classes (2–5 named classes, 10–300 pictures, at
   least 3 a class). Every refusal is an :class:`OwnImagesError` whose ``code`` the page translates
   (``ownimages.error.<code>``) and whose ``params`` name the file or class:

   ============================ =====================================================================
   codes                         params
   ============================ =====================================================================
   too_few / too_many            n, minimum / maximum
   one_class / too_many_classes  n, minimum, name (the one class, "" if none) / n, maximum
   name_empty, name_long,        position (from 1, in :func:`build_set`); name_long: name, maximum;
   name_chars                    name_chars: name, chars (the refused characters)
   name_duplicate                name, first, second (positions)
   class_small                   name, n, minimum
   empty … corrupt               file (the shown name) + :mod:`~models.image.image_input`'s params
   zip_empty, not_zip,           —; zip_size: n, maximum; zip_name: name; zip_files: files, extra,
   zip_size, zip_name, …         missing; zip_bomb: name, n; zip_unknown: name; bad_json: name;
   bad_config / bad_weights      field / name (some bad_weights: none)
   not_trainable                 — (train_round on a loaded or released run)
   ============================ =====================================================================
2. **training** — :class:`OwnImagesRun` builds :mod:`models.apps.pipeline`'s TinyVAE or class-conditional
   TinyGenerator/TinyDiscriminator (labels 0..k−1) and trains them with the same step code
   (:class:`models.apps.pipeline.TinyRun`) in rounds of a fixed number of steps, about one second on
   one thread (:meth:`OwnImagesRun.train_round`), so a page can stop between rounds. Each batch can be
   shifted by up to ``config.shift`` pixels (light augmentation; off by default — the pictures are
   centred by mass, so shifted copies teach off-centre pictures the measure then counts against
   the model: it slowed the GAN and did not help the VAE, ``python -m benchmarks own_images``). Every
   random draw comes from the run's own ``torch.Generator`` (weights, batches, shifts, noise), never
   torch's global RNG; a run's lock keeps two threads from training or reading it at once.
3. **samples per class** — the GAN draws class c directly. The VAE is unconditional: for each
   class it fits a diagonal Gaussian to the codes of that class's pictures (the mean of their μ; the
   variance of μ plus the mean posterior variance, the moment-matched "aggregate posterior") after
   every round, and decodes codes drawn from it (:meth:`OwnImagesRun.samples_per_class`).
4. **the quality measure, no judge** — MMD² (biased estimator) with a Gaussian kernel in the
   features of a FIXED random convolutional network (two 5×5 stride-2 convolutions with ReLU,
   1→16→32 channels, weights drawn once from NumPy's PCG64 with :data:`FEATURE_SEED`, never trained,
   the same on every machine), averaged over three bandwidths (½, 1, 2 × the median distance between
   the user's pictures, fixed when the run is created). The pictures are split once, class by
   class, into halves A and B: the **quality** compares ``QUALITY_DRAWS`` sets of generated pictures
   with A's labels (fixed noise, the same every round) with B; the **floor** compares A with B —
   what a new set of pictures as good as the user's own would score at the same sizes. Lower is
   better; round 0 is the untrained model; ``halved_at`` is the training time when it first fell
   to half of round 0. The model trains on all the pictures, B included, so it can go below the
   floor: its samples are then closer to the user's own pictures than new pictures would be — it
   copies rather than makes up.
5. **keep it** — :func:`export_zip` writes ``config.json`` + ``model.safetensors`` (the generating
   network, the VAE's class Gaussians and the sample grid of every round — never the user's
   pictures); :func:`import_zip` reads it back with :mod:`models.core.model_zip`'s checks: the
   result generates exactly what it generated before (same ``samples_per_class(n, seed)``) but does
   not train. :class:`ModelStore` bounds how many user models one server keeps.

No Streamlit import.
"""

from __future__ import annotations

import io
import json
import threading
import time
import unicodedata
import zipfile
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch.nn import functional

from models.apps import pipeline
from models.core import model_zip
from models.core.model_zip import ModelStore  # noqa: F401  (the page's store of user models)
from models.image import image_input

FAMILIES = pipeline.FAMILIES
MIN_IMAGES, MAX_IMAGES = 10, 300
MIN_PER_CLASS = 3
MIN_CLASSES, MAX_CLASSES = 2, 5
MAX_NAME_CHARS = 24
MAX_SECONDS = 300
SECONDS = (15, 30, 60, 120, 300)
GRID = pipeline.GRID                      # fixed noise vectors decoded after every round
#: training steps a round takes (about one second on one core with one torch thread; benchmarks/own_images.py)
ROUND_STEPS = {"vae": 100, "gan": 60}
QUALITY_DRAWS = 4                         # generated sets scored against half B each round (their mean)
FEATURE_SEED = 2023_12_01                 # the fixed random feature network's weights
BANDWIDTHS = (0.5, 1.0, 2.0)              # × the median distance between the user's pictures
MAP_SAMPLES = 60                          # per class: a loaded VAE maps the codes of its own samples
QUALITY_NAME = "MMD² (random conv features)"

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
MAX_IMAGES_ZIP_BYTES = image_input.MAX_BYTES        # the upload limit of one file
MAX_UNPACKED_BYTES = 200 * 2**20                    # all pictures of a zip together, unpacked
#: names a zip made on a Mac or Windows may hold besides the pictures; skipped, not refused
_OS_FILES = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")
_NAME_PUNCTUATION = set(" -_.,()+#!")  # nothing a file name, Markdown or HTML treats specially

FORMAT = "genai-lab-own-images"
FORMAT_VERSION = 1
FILES = ("config.json", "model.safetensors")
MAX_ZIP_BYTES = 40 * 2**20
MAX_MEMBER_BYTES = {"config.json": 2**20, "model.safetensors": 60 * 2**20}
MAX_ROUNDS = 1500                          # a run trains at most this many rounds (each keeps a sample grid)
#: allowed values of the networks' numbers in an uploaded config (inclusive ranges)
LIMITS = {"latent_dim": (2, 64), "vae_hidden": (16, 512), "z_dim": (2, 128), "channels": (4, 64)}


class OwnImagesError(ValueError):
    """Pictures, classes or a model file the page cannot use; ``code`` and ``params`` let it translate it."""

    def __init__(self, code: str, message: str = "", **params):
        super().__init__(message or code)
        self.code, self.params = code, params


# ------------------------------------------------------------------------------------ 1. the pictures
def check_name(name: str) -> str:
    """A class name ready to use: NFC, stripped, 1–:data:`MAX_NAME_CHARS` characters of letters, digits,
    spaces and a little punctuation (``-_.,()+#!``), not starting with a dot (a hidden folder in a zip);
    raises ``name_empty``, ``name_long``, ``name_chars`` (params ``name``, ``chars``: the refused ones)."""
    cleaned = unicodedata.normalize("NFC", str(name or "")).strip()
    if not cleaned:
        raise OwnImagesError("name_empty", "a class has no name")
    if len(cleaned) > MAX_NAME_CHARS:
        raise OwnImagesError("name_long", f"{cleaned[:MAX_NAME_CHARS]}…: more than {MAX_NAME_CHARS} characters",
                             name=cleaned[:MAX_NAME_CHARS] + "…", maximum=MAX_NAME_CHARS)
    bad = [c for c in cleaned if c not in _NAME_PUNCTUATION and unicodedata.category(c)[0] not in "LMN"]
    bad += ["."] if cleaned.startswith(".") and not bad else []
    if bad:
        shown = _shown(cleaned)
        raise OwnImagesError("name_chars", f"{shown}: characters not allowed in a class name: {ascii(bad[0])}",
                             name=shown, chars=" ".join(sorted({_shown(c) or "?" for c in bad})))
    return cleaned


def _shown(text: str) -> str:
    """A user's file or class name as it may be shown: control and invisible format characters removed, ≤ 80."""
    return "".join(c for c in str(text) if unicodedata.category(c)[0] != "C")[:80]


@dataclass
class Picture:
    image: np.ndarray              # uint8 (28, 28), 0 = background
    source_size: tuple[int, int]   # the file's own size (upright)
    source_mode: str               # its PIL mode
    converted: bool                # its size or mode was not already 28×28 grayscale


def read_image(raw: bytes, file_name: str) -> Picture:
    """One uploaded file → a 28×28 :class:`Picture`; :mod:`models.image.image_input`'s refusals pass through
    with their code and ``file`` (the shown name) in ``params``."""
    try:
        out = image_input.read_upload(raw)
    except image_input.ImageInputError as exc:
        raise OwnImagesError(exc.code, f"{_shown(file_name)}: {exc}", file=_shown(file_name), **exc.params) from None
    converted = tuple(out.source_size) != (image_input.SIZE, image_input.SIZE) or out.source_mode != "L"
    return Picture(out.image, tuple(out.source_size), out.source_mode, converted)


def read_canvas(rgba: np.ndarray) -> np.ndarray | None:
    """A canvas drawing (H, W, 4) → uint8 (28, 28), ``None`` while it is blank."""
    return image_input.read_drawing(rgba)


def _skipped(name: str) -> bool:
    return name.startswith(_OS_FILES[0]) or name.rsplit("/", 1)[-1] in _OS_FILES[1:]


def read_images_zip(raw: bytes) -> list[tuple[str, list[Picture]]]:
    """A zip of class folders — ``<class name>/<picture>.png|jpg`` (inside one top folder is fine too) →
    the classes in the order they first appear, each with its pictures in zip order.

    Anything else in it (files outside a class folder, deeper folders, other kinds of file) is
    ``zip_unknown``; the zip itself is checked by :func:`models.core.model_zip.read_members` (size,
    names, encryption, bombs); more than :data:`MAX_IMAGES` pictures is ``too_many``; a picture that
    cannot be read raises its own code with ``file``. Mac and Windows extras (``__MACOSX/``,
    ``.DS_Store``, ``Thumbs.db``) are skipped."""
    def check(names: list[str]) -> None:
        depths = {name.count("/") for name in names}
        roots = {name.split("/", 1)[0] for name in names}
        for name in names:
            if not name.lower().endswith(IMAGE_SUFFIXES) or depths not in ({1}, {2}) or \
                    (depths == {2} and len(roots) > 1):
                raise OwnImagesError("zip_unknown", f"{name}: a zip of class folders holds only <class>/<picture>"
                                     f".png or .jpg", name=_shown(name))
        if not names:
            raise OwnImagesError("zip_unknown", "the zip holds no pictures", name="—")
        if len(names) > MAX_IMAGES:
            raise OwnImagesError("too_many", f"{len(names)} pictures, at most {MAX_IMAGES}", n=len(names),
                                 maximum=MAX_IMAGES)

    files = model_zip.read_members(raw, error=OwnImagesError, max_bytes=MAX_IMAGES_ZIP_BYTES,
                                   limit=lambda name: image_input.MAX_BYTES, folders=2, check=check, skip=_skipped,
                                   max_total=MAX_UNPACKED_BYTES)
    classes: dict[str, list[Picture]] = {}
    for name, body in files.items():
        folder = name.split("/")[-2]
        try:
            cls = check_name(folder)
        except OwnImagesError as exc:
            raise OwnImagesError(exc.code, f"folder {_shown(folder)}: {exc}",
                                 **{**exc.params, "file": _shown(name)}) from None
        classes.setdefault(cls, []).append(read_image(body, name))
    return list(classes.items())


@dataclass(frozen=True)
class ImageSet:
    images: np.ndarray            # uint8 (N, 28, 28)
    labels: np.ndarray            # int64 (N,) in 0..k-1
    names: tuple[str, ...]        # k class names, in label order

    def counts(self) -> list[int]:
        return np.bincount(self.labels, minlength=len(self.names)).tolist()


def build_set(classes: list[tuple[str, list[np.ndarray]]]) -> ImageSet:
    """The classes (name, 28×28 uint8 images) as one training set, or an :class:`OwnImagesError`:
    ``one_class`` {n, minimum, name}, ``too_many_classes`` {n, maximum}, a name's code with ``position``
    (from 1), ``name_duplicate`` {name, first, second}, ``too_many`` {n, maximum}, ``class_small``
    {name, n, minimum}, ``too_few`` {n, minimum}, in this order."""
    if len(classes) < MIN_CLASSES:
        raise OwnImagesError("one_class", f"at least {MIN_CLASSES} classes", n=len(classes), minimum=MIN_CLASSES,
                             name=_shown(classes[0][0]) if classes else "")
    if len(classes) > MAX_CLASSES:
        raise OwnImagesError("too_many_classes", f"{len(classes)} classes, at most {MAX_CLASSES}", n=len(classes),
                             maximum=MAX_CLASSES)
    names, seen = [], {}
    for position, (raw_name, _) in enumerate(classes, start=1):
        try:
            name = check_name(raw_name)
        except OwnImagesError as exc:
            raise OwnImagesError(exc.code, f"class {position}: {exc}", **{**exc.params, "position": position}) from None
        if name.casefold() in seen:
            raise OwnImagesError("name_duplicate", f"two classes are called {name}", name=name,
                                 first=seen[name.casefold()], second=position)
        seen[name.casefold()] = position
        names.append(name)
    stacks = [np.asarray(list(images), dtype=np.uint8).reshape(-1, image_input.SIZE, image_input.SIZE)
              for _, images in classes]
    total = sum(len(s) for s in stacks)
    if total > MAX_IMAGES:
        raise OwnImagesError("too_many", f"{total} pictures, at most {MAX_IMAGES}", n=total, maximum=MAX_IMAGES)
    for name, stack in zip(names, stacks, strict=True):
        if len(stack) < MIN_PER_CLASS:
            raise OwnImagesError("class_small", f"{name} has {len(stack)} pictures, at least {MIN_PER_CLASS}",
                                 name=name, n=len(stack), minimum=MIN_PER_CLASS)
    if total < MIN_IMAGES:
        raise OwnImagesError("too_few", f"{total} pictures, at least {MIN_IMAGES}", n=total, minimum=MIN_IMAGES)
    labels = np.concatenate([np.full(len(s), i, dtype=np.int64) for i, s in enumerate(stacks)])
    return ImageSet(np.concatenate(stacks), labels, tuple(names))


# ------------------------------------------------------------------------------------ 4. the measure
def _feature_weights() -> tuple[torch.Tensor, torch.Tensor]:
    """The fixed random network's two convolutions (He-scaled normal weights, no biases), from PCG64."""
    rng = np.random.Generator(np.random.PCG64(FEATURE_SEED))
    w1 = rng.standard_normal((16, 1, 5, 5)) * np.sqrt(2 / 25)
    w2 = rng.standard_normal((32, 16, 5, 5)) * np.sqrt(2 / 400)
    return torch.from_numpy(w1.astype(np.float32)), torch.from_numpy(w2.astype(np.float32))


_W1, _W2 = _feature_weights()


@torch.inference_mode()
def features(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, 28, 28) → float64 (N, 32·7·7): the fixed random network's features (read-only weights)."""
    x = torch.from_numpy(np.ascontiguousarray(images, dtype=np.uint8)).float().unsqueeze(1) / 255.0
    h = functional.relu(functional.conv2d(x, _W1, stride=2, padding=2))
    h = functional.relu(functional.conv2d(h, _W2, stride=2, padding=2))
    return h.flatten(1).double()


def median_distance(f: torch.Tensor) -> float:
    """The median Euclidean distance between distinct rows (the kernel's base bandwidth); 1 if all equal."""
    d = torch.cdist(f, f)
    upper = d[torch.triu(torch.ones_like(d, dtype=torch.bool), diagonal=1)]
    value = float(upper.median()) if len(upper) else 0.0
    return value if value > 0 else 1.0


def _kernel_mean(a: torch.Tensor, b: torch.Tensor, sigma: float) -> float:
    d2 = torch.cdist(a, b).square()
    return float(sum(torch.exp(-d2 / (2 * (s * sigma) ** 2)).mean() for s in BANDWIDTHS) / len(BANDWIDTHS))


def mmd2(a: torch.Tensor, b: torch.Tensor, sigma: float, bb: float | None = None) -> float:
    """Biased MMD² between feature sets ``a`` and ``b`` (≥ 0; 0 only for equal sets); ``bb`` = k̄(b, b) if known."""
    bb = _kernel_mean(b, b, sigma) if bb is None else bb
    return max(0.0, _kernel_mean(a, a, sigma) + bb - 2 * _kernel_mean(a, b, sigma))


def split_halves(labels: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of halves A and B, class by class (A gets ⌊n/2⌋ of a class of n), shuffled with ``seed``."""
    rng = np.random.default_rng(seed)
    a, b = [], []
    for c in np.unique(labels):
        index = rng.permutation(np.flatnonzero(labels == c))
        a.append(index[:len(index) // 2])
        b.append(index[len(index) // 2:])
    return np.concatenate(a), np.concatenate(b)


# ------------------------------------------------------------------------------------ 2. training
@dataclass
class OwnImagesConfig(pipeline.TinyConfig):
    """Train your own's sizes and learning rates (:class:`models.apps.pipeline.TinyConfig`), and the round."""

    round_steps: int | None = None     # None: ROUND_STEPS of the family (about one second)
    shift: int = 0                     # augmentation: every batch image moved by up to this many pixels (0: off;
    #                                    benchmarks/own_images.md: shifts slowed the GAN and did not help the VAE)

    @property
    def steps(self) -> int:
        return self.round_steps or ROUND_STEPS[self.family]


class OwnImagesRun(pipeline.TinyRun):
    """One model on one user's pictures (or loaded from a zip: ``data`` is None, it does not train).

    ``history``: ``seconds`` (training seconds so far), ``quality`` and ``samples`` (a fixed GRID of
    pictures) start with round 0, the untrained model; ``losses`` hold one mean per trained round."""

    def __init__(self, config: OwnImagesConfig, names: tuple[str, ...], nets, optimizers, data: ImageSet | None):
        self.config, self.names, self.nets, self.optimizers, self.data = config, tuple(names), nets, optimizers, data
        self.rng = torch.Generator().manual_seed(config.seed)
        self.lock = threading.RLock()
        self.history: dict = {"losses": {name: [] for name in self.loss_names}, "seconds": [], "quality": [],
                              "samples": []}
        self.quality_floor = 0.0
        self.halved_at: float | None = None
        self.class_codes: torch.Tensor | None = None   # VAE: (k, 2, latent_dim) mean and std per class
        self._map: tuple | None = None
        self._reference: tuple | None = None           # (labels of A, features of B, sigma, k̄(B, B))
        self.digest = ""                               # the page's "same pictures?" key

    # --- building ---------------------------------------------------------------------------------
    @classmethod
    def create(cls, data: ImageSet, config: OwnImagesConfig | None = None) -> OwnImagesRun:
        """Build the model for ``data`` (a :func:`build_set` result), fix the measure, score round 0."""
        config = config or OwnImagesConfig()
        if config.family not in FAMILIES:
            raise OwnImagesError("family", f"family must be one of {FAMILIES}", family=config.family)
        nets, optimizers = pipeline.build(config, torch.Generator().manual_seed(config.seed), classes=len(data.names))
        run = cls(config, data.names, nets, optimizers, data)
        f = features(data.images)
        sigma = median_distance(f)
        a, b = split_halves(data.labels, config.seed + 1)
        fb = f[b]
        bb = _kernel_mean(fb, fb, sigma)
        run._reference = (data.labels[a], fb, sigma, bb)
        run.quality_floor = mmd2(f[a], fb, sigma, bb)
        run._record(0.0)
        return run

    # --- what the page reads ------------------------------------------------------------------------
    @property
    def rounds(self) -> int:
        return len(self.history["seconds"]) - 1

    @property
    def seconds(self) -> float:
        return self.history["seconds"][-1] if self.history["seconds"] else 0.0

    @property
    def quality(self) -> float:
        return self.history["quality"][-1]

    @property
    def quality_name(self) -> str:
        return QUALITY_NAME

    @property
    def trainable(self) -> bool:
        """False for a model loaded from a zip, one the store released, or one that has trained MAX_ROUNDS."""
        return self.data is not None and bool(self.optimizers) and self.rounds < MAX_ROUNDS

    def release(self) -> None:
        """Drop the optimisers' state (the store dropped this run): it still generates."""
        self.optimizers = {}

    # --- training -----------------------------------------------------------------------------------
    def _batches(self) -> tuple[torch.Tensor, torch.Tensor, list[torch.Tensor]]:
        """This round's ``steps`` batches (drawn without replacement within a batch), each picture shifted."""
        images = torch.from_numpy(self.data.images)
        labels = torch.from_numpy(self.data.labels)
        n, size = len(labels), min(self.config.batch_size, len(labels))
        index = torch.stack([torch.randperm(n, generator=self.rng)[:size] for _ in range(self.config.steps)])
        x, y = shift(images[index.reshape(-1)], self.config.shift, self.rng), labels[index.reshape(-1)]
        return x, y, list(torch.arange(len(y)).reshape(self.config.steps, size))

    def train_round(self) -> dict:
        """``config.steps`` training steps (about one second on one thread), then the fixed samples, the
        VAE's class Gaussians and the quality; returns this round's row. No Streamlit; holds the run's lock."""
        with self.lock:
            if not self.trainable:
                raise OwnImagesError("not_trainable", "this model was loaded from a file or has finished training")
            start = time.perf_counter()
            means = self._steps(*self._batches())
            seconds = time.perf_counter() - start
            for name in self.loss_names:
                self.history["losses"][name].append(means[name])
            self._record(self.seconds + seconds)
            return {"round": self.rounds, "seconds": seconds, "total_seconds": self.seconds,
                    "quality": self.quality, **means}

    def _record(self, at: float) -> None:
        if self.config.family == "vae":
            self.class_codes = self._fit_class_codes()
        self.history["seconds"].append(at)
        self.history["samples"].append(self._generate(self._fixed_labels(GRID), offset=0))
        labels_a, fb, sigma, bb = self._reference
        scores = [mmd2(features(self._generate(labels_a, offset=1000 + i)), fb, sigma, bb)
                  for i in range(QUALITY_DRAWS)]
        self.history["quality"].append(float(np.mean(scores)))
        if self.halved_at is None and self.rounds > 0 and self.quality <= 0.5 * self.history["quality"][0]:
            self.halved_at = at

    @torch.inference_mode()
    def _fit_class_codes(self) -> torch.Tensor:
        """Per class: the mean of the VAE's μ and √(var μ + mean σ²) of that class's pictures."""
        x = torch.from_numpy(self.data.images).float().unsqueeze(1) / 255.0
        mu, logvar = self.nets["vae"].eval().encode(x)
        labels = torch.from_numpy(self.data.labels)
        rows = []
        for c in range(len(self.names)):
            m, v = mu[labels == c], logvar[labels == c].exp()
            rows.append(torch.stack([m.mean(0), (m.var(0, unbiased=False) + v.mean(0)).sqrt()]))
        return torch.stack(rows)

    # --- generation ---------------------------------------------------------------------------------
    def _fixed_labels(self, n: int) -> np.ndarray:
        return np.arange(n, dtype=np.int64) % len(self.names)

    def _codes(self, labels: np.ndarray, eps: torch.Tensor) -> torch.Tensor:
        """Noise → the codes to decode for ``labels``: the GAN's z as it is, the VAE's through its class Gaussian."""
        if self.config.family == "gan":
            return eps
        stats = self.class_codes[torch.as_tensor(labels)]
        return stats[:, 0] + stats[:, 1] * eps

    def _generate(self, labels: np.ndarray, offset: int) -> np.ndarray:
        noise = torch.Generator().manual_seed(self.config.seed + offset)
        eps = torch.randn(len(labels), self.noise_dim, generator=noise)
        return self.decode(self._codes(labels, eps), labels)

    def samples_per_class(self, n: int, seed: int) -> np.ndarray:
        """uint8 (k, n, 28, 28): ``n`` pictures of every class, the same for the same ``seed`` and weights."""
        k = len(self.names)
        labels = np.repeat(np.arange(k, dtype=np.int64), n)
        with self.lock:
            eps = torch.randn(k * n, self.noise_dim, generator=torch.Generator().manual_seed(int(seed)))
            return self.decode(self._codes(labels, eps), labels).reshape(k, n, image_input.SIZE, image_input.SIZE)

    def latent_map(self) -> dict:
        """The latent-space view now (recomputed once per round), as :meth:`PipelineRun.latent_map`.

        VAE: ``kind`` "encoded", μ of the user's pictures (``source`` "images") — or, for a model loaded
        from a zip, of :data:`MAP_SAMPLES` of its own samples per class (``source`` "samples") — on two
        principal components, ``labels`` 0..k−1. GAN: ``kind`` "walk", a decoded grid for class 0."""
        with self.lock:
            if self._map is not None and self._map[0] == self.rounds:
                return self._map[1]
            if self.config.family == "vae":
                if self.data is not None:
                    out = {**self.encoded_map(self.data.images, self.data.labels), "source": "images"}
                else:
                    images = self.samples_per_class(MAP_SAMPLES, self.config.seed)
                    labels = np.repeat(np.arange(len(self.names)), MAP_SAMPLES)
                    out = {**self.encoded_map(images.reshape(-1, 28, 28), labels), "source": "samples"}
            else:
                out = self.walk_map(0)
            self._map = (self.rounds, out)
            return out


def shift(images: torch.Tensor, most: int, generator: torch.Generator) -> torch.Tensor:
    """uint8 (N, 28, 28) each moved by a random whole number of pixels in [−most, most] on both axes,
    the background (0) filling in; ``most`` = 0 returns them unchanged."""
    if most <= 0:
        return images
    n, h, w = images.shape
    padded = functional.pad(images, (most, most, most, most))
    dy, dx = torch.randint(0, 2 * most + 1, (2, n), generator=generator)
    return torch.stack([padded[i, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(n)])


# ------------------------------------------------------------------------------------ 5. keep it
def _state(run: OwnImagesRun) -> dict[str, torch.Tensor]:
    net = "vae" if run.config.family == "vae" else "g"
    tensors = {f"{net}.{k}": v.detach().cpu().contiguous() for k, v in run.nets[net].state_dict().items()}
    if run.class_codes is not None:
        tensors["class_codes"] = run.class_codes.contiguous()
    tensors["samples"] = torch.from_numpy(np.stack(run.history["samples"]))
    return tensors


def _model_numbers(config: OwnImagesConfig) -> dict:
    if config.family == "vae":
        return {"latent_dim": config.latent_dim, "vae_channels": list(config.vae_channels),
                "vae_hidden": config.vae_hidden}
    return {"z_dim": config.z_dim, "gan_channels": list(config.gan_channels)}


def export_zip(run: OwnImagesRun) -> bytes:
    """``config.json`` (the family, sizes, class names, seed and the training history's numbers) +
    ``model.safetensors`` (the generating network, the class Gaussians, the sample grids) in one zip."""
    from safetensors.torch import save

    with run.lock:
        config = {"format": FORMAT, "version": FORMAT_VERSION, "family": run.config.family,
                  "model": _model_numbers(run.config), "names": list(run.names), "seed": run.config.seed,
                  "training": {"rounds": run.rounds, "seconds": run.history["seconds"],
                               "quality": run.history["quality"], "quality_floor": run.quality_floor,
                               "quality_name": QUALITY_NAME, "halved_at": run.halved_at,
                               "losses": run.history["losses"],
                               "counts": run.data.counts() if run.data is not None else None},
                  "own_config": asdict(run.config)}
        weights = save(_state(run), metadata={"format": FORMAT})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", json.dumps(config, ensure_ascii=False, indent=1))
        archive.writestr("model.safetensors", weights)
    return buffer.getvalue()


def _bad(field_name: str) -> OwnImagesError:
    return OwnImagesError("bad_config", f"config.json: {field_name}", field=field_name)


def _curve(values, length: int, high: float, name: str) -> list[float]:
    if not isinstance(values, list) or len(values) != length or not all(model_zip.number(v, 0, high) for v in values):
        raise _bad(name)
    return [float(v) for v in values]


def _check_config(config) -> tuple[OwnImagesConfig, tuple[str, ...], dict]:
    if not isinstance(config, dict) or config.get("format") != FORMAT or config.get("version") != FORMAT_VERSION:
        raise OwnImagesError("bad_format", "config.json is not a GenAI Lab own-images model (format, version)")
    family = config.get("family")
    if family not in FAMILIES:
        raise _bad("family")
    model, expected = config.get("model"), _model_numbers(OwnImagesConfig(family=family))
    if not isinstance(model, dict) or set(model) != set(expected):
        raise _bad("model")
    for key, value in model.items():
        low, high = LIMITS["channels" if key.endswith("channels") else key]
        values = value if key.endswith("channels") else [value]
        if not isinstance(values, list) or len(values) != (2 if key.endswith("channels") else 1) or \
                not all(model_zip.number(v, low, high, integer=True) for v in values):
            raise _bad(f"model.{key}")
    names = config.get("names")
    if not isinstance(names, list) or not MIN_CLASSES <= len(names) <= MAX_CLASSES or \
            not all(isinstance(n, str) for n in names):
        raise _bad("names")
    try:
        checked = tuple(check_name(n) for n in names)
    except OwnImagesError:
        raise _bad("names") from None
    if len({n.casefold() for n in checked}) != len(checked):
        raise _bad("names")
    if not model_zip.number(config.get("seed"), 0, 2**32 - 1, integer=True):
        raise _bad("seed")
    training = config.get("training")
    if not isinstance(training, dict):
        raise _bad("training")
    rounds = training.get("rounds")
    if not model_zip.number(rounds, 0, MAX_ROUNDS, integer=True):
        raise _bad("training.rounds")
    history = {"seconds": _curve(training.get("seconds"), rounds + 1, 10**7, "training.seconds"),
               "quality": _curve(training.get("quality"), rounds + 1, 100, "training.quality")}
    losses = training.get("losses")
    loss_names = ("total", "reconstruction", "kl") if family == "vae" else ("d_loss", "g_loss")
    if not isinstance(losses, dict) or set(losses) != set(loss_names):
        raise _bad("training.losses")
    history["losses"] = {name: _curve(losses[name], rounds, 10**6, f"training.losses.{name}") for name in loss_names}
    if not model_zip.number(training.get("quality_floor"), 0, 100):
        raise _bad("training.quality_floor")
    if training.get("halved_at") is not None and not model_zip.number(training["halved_at"], 0, 10**7):
        raise _bad("training.halved_at")
    numbers = {key: tuple(v) if isinstance(v, list) else v for key, v in model.items()}
    own = OwnImagesConfig(family=family, seed=config["seed"], **numbers)
    return own, checked, {**history, "quality_floor": float(training["quality_floor"]),
                          "halved_at": None if training.get("halved_at") is None else float(training["halved_at"])}


def import_zip(raw: bytes) -> OwnImagesRun:
    """A model saved by :func:`export_zip`, checked at every step; raises :class:`OwnImagesError`
    (``zip_*``, ``bad_json``, ``bad_format``, ``bad_config``, ``bad_weights``). Weights are read only as
    safetensors, never a pickle; the networks are built here from the checked numbers. The result
    generates but does not train (``trainable`` is False)."""
    from safetensors import SafetensorError
    from safetensors.torch import load

    files = model_zip.read_members(raw, error=OwnImagesError, max_bytes=MAX_ZIP_BYTES,
                                   limit=model_zip.limits(MAX_MEMBER_BYTES), files=FILES)
    own, names, history = _check_config(model_zip.json_of(files["config.json"], "config.json", OwnImagesError))
    try:
        tensors = load(files["model.safetensors"])
    except (SafetensorError, ValueError, RuntimeError, OSError) as exc:
        raise OwnImagesError("bad_weights", f"model.safetensors cannot be read ({type(exc).__name__})") from None
    nets, _ = pipeline.build(own, torch.Generator().manual_seed(0), classes=len(names))
    run = OwnImagesRun(own, names, nets, {}, None)
    if own.family == "vae":
        run.class_codes = torch.zeros(len(names), 2, own.latent_dim)
    run.history["samples"] = [np.zeros((GRID, 28, 28), np.uint8)] * (len(history["seconds"]))
    expected = _state(run)
    if set(tensors) != set(expected):
        raise OwnImagesError("bad_weights", "model.safetensors holds other tensors than this model has")
    for key, like in expected.items():
        tensor = tensors[key]
        if tensor.dtype != like.dtype or tuple(tensor.shape) != tuple(like.shape) or \
                (tensor.is_floating_point() and not torch.isfinite(tensor).all()):
            raise OwnImagesError("bad_weights", f"model.safetensors: {key} has the wrong shape or type, or is "
                                 "not finite", name=key)
    net = "vae" if own.family == "vae" else "g"
    prefix = f"{net}."
    run.nets[net].load_state_dict({k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)})
    if own.family == "vae":
        if (tensors["class_codes"][:, 1] < 0).any():
            raise OwnImagesError("bad_weights", "model.safetensors: class_codes has a negative spread",
                                 name="class_codes")
        run.class_codes = tensors["class_codes"]
    run.history.update(seconds=history["seconds"], quality=history["quality"], losses=history["losses"],
                       samples=list(tensors["samples"].numpy()))
    run.quality_floor, run.halved_at = history["quality_floor"], history["halved_at"]
    return run
