"""The class-imbalanced subset and the bias measurement behind the pros & cons page."""

import numpy as np
import pytest

from models.apps import bias
from models.core import data


def test_counts_fall_geometrically_and_the_subset_follows_them():
    counts = bias.class_counts()
    assert counts[0] == bias.LARGEST and (np.diff(counts) < 0).all()
    assert counts[0] / counts[-1] > 50
    labels = np.repeat(np.arange(10), 3000)
    index = bias.imbalanced_indices(labels)
    assert np.bincount(labels[index], minlength=10).tolist() == counts.tolist()
    assert len(np.unique(index)) == len(index)
    assert (bias.imbalanced_indices(labels) == index).all()  # seeded


def test_too_small_a_split_says_what_to_install():
    small = data.load_shipped("train10k")  # ~1,000 per class: fewer than the 2,400 T-shirts needed
    with pytest.raises(data.FashionMNISTError, match="imbalanced subset needs 2400"):
        bias.imbalanced_split(small)


@pytest.fixture(scope="module")
def judge():
    from models.core.judge import Judge

    return Judge.load()


def test_shares_of_the_training_images_themselves_show_no_amplification(judge):
    test = data.load_shipped("test")
    images = test.images[:2000]
    same = bias.shares(judge, images, images)
    assert np.allclose(same["amplification"], 1.0) and same["total_variation"] == 0.0
    only_majority = images[judge.predict_proba(images).argmax(1) == 1]  # a "model" that draws only trousers
    skewed = bias.shares(judge, only_majority, images)
    assert skewed["generated"][1] == 1.0 and skewed["amplification"][1] > 5
    assert skewed["total_variation"] > 0.8 and skewed["rare_training"] > 0.3


@pytest.mark.parametrize("family", sorted(bias.NAMES))
def test_shipped_imbalanced_models_are_unconditional_and_sample(family):
    from models.core import checkpoints

    model = bias.load(family)
    assert model.config.num_classes == 1
    images = bias.sample(model, family, 16, seed=3)
    assert images.shape == (16, 28, 28) and images.dtype == np.uint8 and images.std() > 10
    assert (bias.sample(model, family, 16, seed=3) == images).all()
    assert checkpoints.load_metrics(bias.NAMES[family])["class_counts"] == bias.class_counts().tolist()


def test_the_unconditional_gan_refuses_class_labels():
    model = bias.load("gan")
    with pytest.raises(ValueError, match="labels must be integers in 0-0"):
        model.sample(np.array([0, 3]), seed=0)
