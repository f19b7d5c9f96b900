"""2-D point clouds for the live lab: toy data sets, user points, divergences, and small density models.

Everything here works on float arrays of shape (N, 2) — small enough to train a model live on a
laptop CPU and to *see* what it does. The four generative models live in
:mod:`models.lab2d.toy2d_models`; this module has what surrounds them:

* **Data** — :func:`ring`, :func:`moons`, :func:`spiral`, :func:`checkerboard` (same seed, same
  points), :func:`make_dataset` by name, and :func:`validate_points` / :func:`parse_csv` for
  points a user drew or uploaded. Refusals raise :class:`ToyDataError` with a short ``code``
  the page translates.
* **Divergences** — :func:`mmd` (maximum mean discrepancy: 0 when two clouds come from the same
  distribution), :func:`kl_kde` (a kernel-density estimate of KL(p‖q)), and
  :func:`modes_covered` for the ring of Gaussians, the classic mode-collapse signal.
* **Probabilistic modelling** — a Gaussian (:func:`fit_gaussian`) and a Gaussian mixture fitted
  by EM (:func:`fit_mixture`), their :func:`log_likelihood`, and sampling from a continuous
  (:func:`sample_mixture`) or a categorical, token-like (:func:`sample_categorical`) model.

No Streamlit import: usable from a notebook, the tests and the benchmarks.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

MAX_ROWS = 10_000          # user data: at most this many points …
MIN_POINTS = 10            # … and at least this many
MAX_CSV_BYTES = 2 * 2**20  # 10k rows of two numbers fit in well under 1 MB
MAX_ABS = 1e9              # larger values are refused: float32 would round their spread away (or overflow)
#: encodings tried after UTF-8: Korean Excel saves CSV as CP949; a UTF-16 file starts with its BOM
FALLBACK_ENCODINGS = ("cp949",)
_BINARY = "[\x00-\x08\x0b\x0e-\x1f]"  # control characters no text file has (tab, newlines, form feed are fine)
_BINARY_TEXT, _BINARY_BYTES = re.compile(_BINARY), re.compile(_BINARY.encode())
RING_MODES, RING_RADIUS, RING_STD = 8, 2.0, 0.1


# --- data sets ------------------------------------------------------------------------------------


def ring_centers(modes: int = RING_MODES, radius: float = RING_RADIUS) -> np.ndarray:
    """The centres (modes, 2) of the ring of Gaussians, evenly spaced on a circle, the first at angle 0."""
    angles = 2 * np.pi * np.arange(modes) / modes
    return (radius * np.stack([np.cos(angles), np.sin(angles)], 1)).astype(np.float32)


def ring(n: int = 1000, seed: int = 0, modes: int = RING_MODES, radius: float = RING_RADIUS,
         std: float = RING_STD) -> np.ndarray:
    """A mixture of ``modes`` equally likely Gaussians on a circle: easy to see when a model drops one."""
    rng = np.random.default_rng(seed)
    centers = ring_centers(modes, radius)
    return (centers[rng.integers(0, modes, n)] + std * rng.standard_normal((n, 2))).astype(np.float32)


def moons(n: int = 1000, seed: int = 0, noise: float = 0.1) -> np.ndarray:
    """Two interleaved half circles (as in scikit-learn's ``make_moons``), centred and scaled to about ±2."""
    rng = np.random.default_rng(seed)
    upper = rng.random(n) < 0.5
    angle = np.pi * rng.random(n)
    x = np.where(upper, np.cos(angle), 1 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    points = np.stack([x - 0.5, y - 0.25], 1) * 1.6 + noise * rng.standard_normal((n, 2))
    return points.astype(np.float32)


def spiral(n: int = 1000, seed: int = 0, turns: float = 1.5, noise: float = 0.08) -> np.ndarray:
    """One arm winding ``turns`` times out from the centre; points are spread evenly along the arm."""
    rng = np.random.default_rng(seed)
    s = np.sqrt(rng.random(n))  # √u: even density along a curve whose radius grows with the angle
    angle, radius = 2 * np.pi * turns * s, 2.5 * s
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1) + noise * rng.standard_normal((n, 2))
    return points.astype(np.float32)


def checkerboard(n: int = 1000, seed: int = 0) -> np.ndarray:
    """Uniform on the black squares of a 4×4 board over [-2, 2]²: sharp edges, eight separate squares."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, n)
    y = rng.random(n) - 2 * rng.integers(0, 2, n) + np.floor(x) % 2  # picks a square of the right colour
    return np.stack([x, y], 1).astype(np.float32)


DATASETS: dict[str, Callable[..., np.ndarray]] = {"ring": ring, "moons": moons, "spiral": spiral,
                                                  "checkerboard": checkerboard}


def make_dataset(name: str, n: int = 1000, seed: int = 0) -> np.ndarray:
    """One of :data:`DATASETS` by name: float32 (n, 2)."""
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {tuple(DATASETS)}, not {name!r}")
    return DATASETS[name](n, seed)


# --- the user's own points ------------------------------------------------------------------------


class ToyDataError(ValueError):
    """Points we refuse; ``code`` names the reason (the page translates it), ``params`` fill it in.

    Codes: ``empty``, ``too_large``, ``not_text``, ``not_numeric``, ``wrong_columns``,
    ``too_many_rows``, ``too_few``, ``not_finite``, ``too_big``, ``no_spread``.
    """

    def __init__(self, code: str, **params):
        super().__init__(f"{code}: {params}" if params else code)
        self.code, self.params = code, params


def _delimiter(line: str) -> str | None:
    for candidate in (",", ";", "\t"):
        if candidate in line:
            return candidate
    return None  # whitespace-separated


def parse_csv(text: str | bytes) -> np.ndarray:
    """CSV text of ``x,y`` rows → float64 (N, 2); a first row that is not numeric is taken as a header.

    Commas, semicolons, tabs or spaces separate the two values (with semicolons, a decimal comma
    such as ``1,5`` is read as 1.5); blank lines are skipped. Bytes are read as UTF-8, UTF-16 (with
    its BOM) or CP949; a file with control bytes (binary junk, a picture) is ``not_text``. Values
    are only *parsed* here — :func:`validate_points` checks the result (``nan`` parses fine and
    is refused there).
    """
    if isinstance(text, bytes):
        if len(text) > MAX_CSV_BYTES:
            raise ToyDataError("too_large", size_kb=len(text) // 1024, limit_kb=MAX_CSV_BYTES // 1024)
        text = _decode(text)
    if len(text) > MAX_CSV_BYTES:
        raise ToyDataError("too_large", size_kb=len(text) // 1024, limit_kb=MAX_CSV_BYTES // 1024)
    if _BINARY_TEXT.search(text):
        raise ToyDataError("not_text")
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise ToyDataError("empty")
    if len(lines) > MAX_ROWS + 1:  # +1: a header; refuse before parsing a huge file
        raise ToyDataError("too_many_rows", rows=len(lines), limit=MAX_ROWS)
    delimiter = _delimiter(lines[0][1])
    rows: list[list[float]] = []
    for index, (number, line) in enumerate(lines):
        try:
            cells = next(csv.reader(io.StringIO(line), delimiter=delimiter)) if delimiter else line.split()
        except csv.Error:  # e.g. a field longer than the csv module's limit
            raise ToyDataError("not_numeric", line=number, value=line.strip()[:20]) from None
        cells = [cell.strip() for cell in cells]
        if delimiter == ";":
            cells = [cell.replace(",", ".") for cell in cells]  # 1,5;2,25 — the European decimal comma
        try:
            values = [float(cell) for cell in cells]
        except ValueError:
            if index == 0:
                continue  # header such as "x,y"
            bad = next(cell for cell in cells if not _is_float(cell))
            raise ToyDataError("not_numeric", line=number, value=bad[:20]) from None
        if len(values) != 2:
            raise ToyDataError("wrong_columns", line=number, columns=len(values))
        rows.append(values)
    if not rows:
        raise ToyDataError("empty")
    return np.array(rows, dtype=np.float64)


def _decode(raw: bytes) -> str:
    """Bytes of a text file → str, or ``not_text`` for anything that is no text in a usual encoding.

    UTF-8 first; UTF-16 only with its BOM, and CP949 (Korean Excel) only as a fallback — a text
    read either way must hold a digit somewhere, or it is junk that merely happened to decode."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        candidates = ("utf-16",)
    elif _BINARY_BYTES.search(raw):
        raise ToyDataError("not_text")
    else:
        candidates = ("utf-8-sig", *FALLBACK_ENCODINGS)
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig" or re.search("[0-9]", text):
            return text
    raise ToyDataError("not_text")


def _is_float(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def validate_points(points: np.ndarray | list | str | bytes) -> np.ndarray:
    """User points (an array, nested lists, or CSV text/bytes) → float32 (N, 2), or :class:`ToyDataError`.

    The rules: numbers only, exactly two columns, ``MIN_POINTS`` ≤ N ≤ ``MAX_ROWS``, no NaN or
    infinity, and not all the same point (a model needs some spread to learn from).
    """
    if isinstance(points, str | bytes):
        points = parse_csv(points)
    try:
        array = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise ToyDataError("not_numeric") from None
    if array.size == 0:
        raise ToyDataError("empty")
    if array.ndim != 2 or array.shape[1] != 2:
        raise ToyDataError("wrong_columns", columns=array.shape[1] if array.ndim == 2 else array.ndim)
    if len(array) > MAX_ROWS:
        raise ToyDataError("too_many_rows", rows=len(array), limit=MAX_ROWS)
    if len(array) < MIN_POINTS:
        raise ToyDataError("too_few", rows=len(array), minimum=MIN_POINTS)
    finite = np.isfinite(array).all(1)
    if not finite.all():
        raise ToyDataError("not_finite", row=int(np.flatnonzero(~finite)[0]) + 1)
    big = (np.abs(array) > MAX_ABS).any(1)
    if big.any():
        row = int(np.flatnonzero(big)[0])
        raise ToyDataError("too_big", row=row + 1, value=f"{np.abs(array[row]).max():.3g}", max_abs=f"{MAX_ABS:,.0f}")
    array = array.astype(np.float32)
    if np.ptp(array, 0).max() == 0:
        raise ToyDataError("no_spread")
    return array


@dataclass(frozen=True)
class Standardiser:
    """x ↦ (x − mean) / std per column, and back. Models train on the standardised points."""

    mean: np.ndarray
    std: np.ndarray

    def transform(self, x: np.ndarray) -> np.ndarray:
        return ((np.asarray(x) - self.mean) / self.std).astype(np.float32)

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return (np.asarray(z) * self.std + self.mean).astype(np.float32)


def standardise(x: np.ndarray) -> tuple[np.ndarray, Standardiser]:
    """Mean 0, standard deviation 1 per column; returns the points and the :class:`Standardiser` to undo it."""
    x = np.asarray(x, dtype=np.float64)
    std = x.std(0)
    scaler = Standardiser(x.mean(0), np.where(std > 1e-12, std, 1.0))
    return scaler.transform(x), scaler


# --- divergences between two point clouds ---------------------------------------------------------

MMD_BANDWIDTHS = (0.1, 0.3, 1.0, 3.0)


def mmd(x: np.ndarray, y: np.ndarray, bandwidths: tuple[float, ...] = MMD_BANDWIDTHS) -> float:
    """Squared maximum mean discrepancy between samples ``x`` and ``y`` with a sum of RBF kernels.

    MMD² = E k(x,x') + E k(y,y') − 2 E k(x,y), with k(a,b) = Σ_σ exp(−‖a−b‖² / 2σ²): 0 when both
    clouds come from the same distribution (up to sampling noise), larger the more they differ.
    Several bandwidths σ see both fine detail and coarse placement. Biased (V-statistic) estimate,
    so it is never negative; cost grows as N², keep N in the low thousands.
    """
    a = torch.as_tensor(np.asarray(x), dtype=torch.float64)
    b = torch.as_tensor(np.asarray(y), dtype=torch.float64)

    def kernel(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
        d2 = torch.cdist(p, q).square()
        return sum(torch.exp(-d2 / (2 * s * s)) for s in bandwidths).mean()

    return max(float(kernel(a, a) + kernel(b, b) - 2 * kernel(a, b)), 0.0)


def _kde_log_density(points: torch.Tensor, centres: torch.Tensor, bandwidth: float) -> torch.Tensor:
    d2 = torch.cdist(points, centres).square()
    dims = points.shape[1]
    log_norm = math.log(len(centres)) + dims / 2 * math.log(2 * math.pi * bandwidth**2)
    return torch.logsumexp(-d2 / (2 * bandwidth**2), 1) - log_norm


def kl_kde(p_samples: np.ndarray, q_samples: np.ndarray, bandwidth: float = 0.2) -> float:
    """KL(p‖q) ≈ mean over x ~ p of [log p̂(x) − log q̂(x)], p̂ and q̂ Gaussian kernel-density estimates.

    A rough but readable estimate: it blows up where the model q puts (almost) no mass near the
    data — exactly the "missed a mode" failure. ``bandwidth`` is the kernel width in data units.
    """
    p = torch.as_tensor(np.asarray(p_samples), dtype=torch.float64)
    q = torch.as_tensor(np.asarray(q_samples), dtype=torch.float64)
    return float((_kde_log_density(p, p, bandwidth) - _kde_log_density(p, q, bandwidth)).mean())


def mode_counts(samples: np.ndarray, centers: np.ndarray, radius: float = 3 * RING_STD) -> np.ndarray:
    """How many samples fall within ``radius`` of each centre (int64, one count per centre)."""
    d = np.linalg.norm(np.asarray(samples)[:, None, :] - np.asarray(centers)[None, :, :], axis=2)
    nearest = d.argmin(1)
    close = d.min(1) <= radius
    return np.bincount(nearest[close], minlength=len(centers)).astype(np.int64)


def modes_covered(samples: np.ndarray, centers: np.ndarray | None = None, radius: float = 3 * RING_STD,
                  min_share: float = 0.2) -> int:
    """Number of modes the samples cover: a mode counts once it holds ≥ ``min_share`` of its fair share.

    With k centres and N samples a perfect model puts about N/k samples near each; a mode counts as
    covered if at least ``min_share`` · N/k samples land within ``radius`` of it (default: 3 standard
    deviations of the ring's Gaussians). A GAN that collapses onto a few modes scores low here even
    when each of its samples looks perfect.
    """
    centers = ring_centers() if centers is None else np.asarray(centers)
    needed = max(1, math.ceil(min_share * len(samples) / len(centers)))
    return int((mode_counts(samples, centers, radius) >= needed).sum())


def quality_share(samples: np.ndarray, centers: np.ndarray | None = None, radius: float = 3 * RING_STD) -> float:
    """Share of samples within ``radius`` of some centre ("high-quality" samples; the rest fell between modes)."""
    centers = ring_centers() if centers is None else np.asarray(centers)
    return float(mode_counts(samples, centers, radius).sum() / max(len(samples), 1))


# --- probabilistic modelling: Gaussians, mixtures, categorical outputs ----------------------------


@dataclass(frozen=True)
class Mixture:
    """A Gaussian mixture p(x) = Σ_k w_k N(x; μ_k, Σ_k); one component is a plain Gaussian.

    ``weights`` (K,), ``means`` (K, D), ``covs`` (K, D, D). D = 1 for a 1-D histogram, 2 for points.
    """

    weights: np.ndarray
    means: np.ndarray
    covs: np.ndarray

    @property
    def k(self) -> int:
        return len(self.weights)


def _as_2d(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x[:, None] if x.ndim == 1 else x


def _component_log_densities(params: Mixture, x: np.ndarray) -> np.ndarray:
    """log w_k + log N(x_i; μ_k, Σ_k) for every point i and component k: (N, K)."""
    x = _as_2d(x)
    out = np.empty((len(x), params.k))
    for j in range(params.k):
        chol = np.linalg.cholesky(params.covs[j])
        solved = np.linalg.solve(chol, (x - params.means[j]).T)  # L⁻¹(x − μ): squared length = Mahalanobis
        log_det = 2 * np.log(np.diag(chol)).sum()
        out[:, j] = (np.log(params.weights[j]) - 0.5 * (solved**2).sum(0)
                     - 0.5 * (x.shape[1] * math.log(2 * math.pi) + log_det))
    return out


def log_density(params: Mixture, x: np.ndarray) -> np.ndarray:
    """log p(x_i) for every point (N,): log Σ_k exp(log w_k + log N(x_i; μ_k, Σ_k))."""
    parts = _component_log_densities(params, x)
    top = parts.max(1, keepdims=True)
    return (top + np.log(np.exp(parts - top).sum(1, keepdims=True)))[:, 0]


def log_likelihood(params: Mixture, x: np.ndarray, average: bool = True) -> float:
    """The data's log-likelihood under the model: Σ_i log p(x_i), or per point when ``average`` (nats)."""
    values = log_density(params, x)
    return float(values.mean() if average else values.sum())


def fit_gaussian(x: np.ndarray) -> Mixture:
    """Maximum likelihood for one Gaussian: the sample mean and the (biased, 1/N) sample covariance."""
    x = _as_2d(x)
    cov = np.atleast_2d(np.cov(x, rowvar=False, bias=True)) + 1e-6 * np.eye(x.shape[1])
    return Mixture(np.ones(1), x.mean(0, keepdims=True), cov[None])


def fit_mixture(x: np.ndarray, k: int, seed: int = 0, iterations: int = 100, tol: float = 1e-6) -> Mixture:
    """Maximum likelihood for a K-component Gaussian mixture by expectation–maximisation (EM).

    EM never lowers the likelihood; it can stop in a local optimum, so the seed (which picks
    the starting means among the data points) matters.
    """
    x = _as_2d(x)
    n, dims = x.shape
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and the number of points ({n}), not {k}")
    rng = np.random.default_rng(seed)
    floor = 1e-6 * np.eye(dims)
    base_cov = np.atleast_2d(np.cov(x, rowvar=False, bias=True)) + floor
    params = Mixture(np.full(k, 1 / k), x[rng.choice(n, k, replace=False)], np.repeat(base_cov[None], k, 0))
    previous = -np.inf
    for _ in range(iterations):
        # 1. E-step: responsibility r_ik = how much component k explains point i
        parts = _component_log_densities(params, x)
        top = parts.max(1, keepdims=True)
        log_total = top + np.log(np.exp(parts - top).sum(1, keepdims=True))
        resp = np.exp(parts - log_total)
        # 2. M-step: refit each component to the points it explains, weighted by r_ik
        mass = resp.sum(0) + 1e-12
        means = (resp.T @ x) / mass[:, None]
        covs = np.stack([((resp[:, j, None] * (x - means[j])).T @ (x - means[j])) / mass[j] + floor
                         for j in range(k)])
        params = Mixture(mass / n, means, covs)
        # 3. stop once the average log-likelihood no longer improves
        current = float(log_total.mean())
        if current - previous < tol:
            break
        previous = current
    return params


def sample_mixture(params: Mixture, n: int, seed: int = 0) -> np.ndarray:
    """Draw n points: first a component k ~ Categorical(w), then x ~ N(μ_k, Σ_k). Shape (n, D)."""
    rng = np.random.default_rng(seed)
    which = rng.choice(params.k, size=n, p=params.weights / params.weights.sum())
    chol = np.linalg.cholesky(params.covs)
    noise = rng.standard_normal((n, params.means.shape[1]))
    return params.means[which] + np.einsum("nij,nj->ni", chol[which], noise)


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Scores → probabilities; temperature < 1 sharpens the distribution, > 1 flattens it."""
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = np.exp(z - z.max(-1, keepdims=True))
    return z / z.sum(-1, keepdims=True)


def sample_categorical(probs: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """Draw n category indices from a discrete distribution — what a language model does per token."""
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 1 or (probs < 0).any() or probs.sum() <= 0:
        raise ValueError("probs must be a 1-D array of non-negative numbers with a positive sum")
    return np.random.default_rng(seed).choice(len(probs), size=n, p=probs / probs.sum())
