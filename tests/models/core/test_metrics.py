"""Judge classifier and the metrics built on it."""

import numpy as np
import pytest

from models.core import data, metrics
from models.core.judge import Judge


@pytest.fixture(scope="module")
def judge():
    return Judge.load()


@pytest.fixture(scope="module")
def test_split():
    return data.load_shipped("test")


def test_judge_accuracy(judge, test_split):
    # shipped judge: 0.924 on the full test split; features are 128-dimensional
    assert judge.accuracy(test_split) >= 0.90
    assert judge.features(test_split.images[:5]).shape == (5, 128)
    assert judge.feature_module.num_features == 128


def brute_prdc(real, fake, k):
    def kth(x):
        d = np.linalg.norm(x[:, None] - x[None], axis=2)
        return np.sort(d, axis=1)[:, k]

    rr, rf = kth(real), kth(fake)
    d = np.linalg.norm(real[:, None] - fake[None], axis=2)
    precision = np.mean([any(d[i, j] <= rr[i] for i in range(len(real))) for j in range(len(fake))])
    recall = np.mean([any(d[i, j] <= rf[j] for j in range(len(fake))) for i in range(len(real))])
    density = np.mean([sum(d[i, j] <= rr[i] for i in range(len(real))) for j in range(len(fake))]) / k
    coverage = np.mean([d[i].min() <= rr[i] for i in range(len(real))])
    return {"precision": precision, "recall": recall, "density": density, "coverage": coverage}


def test_prdc_matches_definition():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(40, 3)), rng.normal(0.5, 1.2, size=(30, 3))
    ours, expected = metrics.prdc(real, fake, k=3), brute_prdc(real, fake, 3)
    for key in expected:
        assert ours[key] == pytest.approx(expected[key]), key


def test_prdc_sees_mode_collapse():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(200, 2))
    collapsed = rng.normal(scale=0.1, size=(200, 2))  # all samples in one small spot
    scores = metrics.prdc(real, collapsed, k=5)
    assert scores["precision"] > 0.9 and scores["coverage"] < 0.3


def test_fid_floor_and_degradation(judge, test_split):
    scorer = metrics.FIDScorer(judge, test_split.images)
    train = data.load_shipped("train10k")
    real = data.examples_balanced(train, 1000, seed=0)
    floor = scorer.score(real)
    blurred = ((real[:, :-1].astype(int) + real[:, 1:]) // 2).astype(np.uint8)
    blurred = np.concatenate([blurred, real[:, -1:]], axis=1)
    noise = data.noise_images(1000, seed=0)
    assert 0 <= floor < scorer.score(blurred) < scorer.score(noise)


def test_class_shares_and_accuracy(judge, test_split):
    shares = metrics.class_shares(judge, test_split.images[:1000])
    assert shares.shape == (10,) and shares.sum() == pytest.approx(1.0) and shares.min() > 0.05
    only_bags = test_split.images[test_split.labels == 8][:100]
    assert metrics.class_shares(judge, only_bags)[8] > 0.9
    assert metrics.conditional_accuracy(judge, only_bags, np.full(100, 8)) > 0.9
