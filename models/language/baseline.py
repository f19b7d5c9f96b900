"""A character-bigram baseline: p(c_t | c_{t-1}) from counts, the floor a language model must beat.

Fitted on a training split with add-α (Laplace, α = 1 by default) smoothing over the training
characters plus one "unseen" symbol, so every held-out character gets a finite loss. Scored in
nats per character, the same unit as :meth:`models.language.text.TextModel.loss`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CharBigram:
    chars: dict[str, int]  # training characters → row/column; len(chars) is the "unseen" symbol
    log_probs: np.ndarray  # (V + 1, V + 1): log p(next | previous)
    first: np.ndarray  # (V + 1,): log p(character), for the first character of a text

    def ids(self, text: str) -> np.ndarray:
        unseen = len(self.chars)
        return np.fromiter((self.chars.get(c, unseen) for c in text), dtype=np.int64, count=len(text))


def fit(train: str, alpha: float = 1.0) -> CharBigram:
    """Counts of every neighbouring pair in ``train``, add-``alpha`` smoothed, row-normalised."""
    if alpha <= 0:
        raise ValueError("alpha must be positive (add-alpha smoothing)")
    if len(train) < 2:
        raise ValueError("the training text needs at least two characters")
    chars = {c: i for i, c in enumerate(sorted(set(train)))}
    size = len(chars) + 1
    model = CharBigram(chars, np.zeros((size, size)), np.zeros(size))
    ids = model.ids(train)
    pairs = np.zeros((size, size))
    np.add.at(pairs, (ids[:-1], ids[1:]), 1.0)
    pairs += alpha
    singles = np.bincount(ids, minlength=size).astype(np.float64) + alpha
    return CharBigram(chars, np.log(pairs / pairs.sum(1, keepdims=True)), np.log(singles / singles.sum()))


def nats_per_char(model: CharBigram, text: str) -> float:
    """Mean negative log-likelihood of ``text``, per character (the first one under the unigram)."""
    if not text:
        raise ValueError("nothing to score")
    ids = model.ids(text)
    total = -model.first[ids[0]] - model.log_probs[ids[:-1], ids[1:]].sum()
    return float(total / len(ids))
