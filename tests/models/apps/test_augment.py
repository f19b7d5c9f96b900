"""Data augmentation experiment: balanced few-label sets, a classifier that learns, conditions compared."""

import numpy as np
import pytest

from models.apps import augment
from models.core import data


@pytest.fixture(scope="module")
def splits():
    return data.load_shipped("train10k"), data.load_shipped("test")


def test_few_real_is_balanced_and_seeded(splits):
    train, _ = splits
    images, labels = augment.few_real(train, 7, seed=3)
    assert images.shape == (70, 28, 28) and np.bincount(labels).tolist() == [7] * 10
    again, _ = augment.few_real(train, 7, seed=3)
    other, _ = augment.few_real(train, 7, seed=4)
    np.testing.assert_array_equal(images, again)
    assert not np.array_equal(images, other)


def test_classifier_learns_and_reports_progress(splits):
    train, test = splits
    real = augment.few_real(train, 20, seed=0)
    config = augment.AugmentConfig(steps=60)
    seen = []
    result = augment.run_condition(real, None, test, config, seed=0, progress=lambda s, n: seen.append((s, n)))
    assert seen[-1] == (60, 60) and len(seen) == 60
    assert result["train_images"] == 200 and result["accuracy"] > 0.3  # chance is 0.1


def test_synthetic_images_join_the_pool(splits):
    from models.image import zoo

    train, test = splits
    model = zoo.load("vae")
    extra = augment.synthetic(model, "vae", 5, seed=0)
    assert extra[0].shape == (50, 28, 28) and np.bincount(extra[1]).tolist() == [5] * 10
    result = augment.run_condition(augment.few_real(train, 5, 0), extra, test, augment.AugmentConfig(steps=5), 0)
    assert result["train_images"] == 100
