"""Pros & cons measurements: nearest neighbours find copies, control and detector scores behave."""

import numpy as np
import pytest

from models.apps import risks
from models.core import data


@pytest.fixture(scope="module")
def splits():
    return data.load_shipped("train10k"), data.load_shipped("test")


def test_copies_of_training_images_are_flagged(splits):
    train, test = splits
    copies = train.images[:50]
    fresh = test.images[:50]
    copied = risks.memorisation(copies, train.images[:2000], test.images[50:550])
    assert copied["copy_share"] == 1.0 and np.allclose(copied["generated"], 0, atol=1e-3)
    assert copied["nearest_index"].tolist() == list(range(50))
    new = risks.memorisation(fresh, train.images[:2000], test.images[50:550])
    assert new["copy_share"] < 0.1 and 0.7 < new["median_ratio"] < 1.4  # test images look like test images


def test_control_scores_the_asked_class(splits):
    from models.core.judge import Judge

    _, test = splits
    judge = Judge.load()
    right = risks.control(judge, test.images[:200], test.labels[:200])
    wrong = risks.control(judge, test.images[:200], (test.labels[:200] + 1) % 10)
    assert right["accuracy"] > 0.8 > 0.2 > wrong["accuracy"]
    assert np.median(right["confidence"]) > np.median(wrong["confidence"])
    assert len(right["per_class"]) == 10


def test_detector_tells_noise_from_clothes_but_not_clothes_from_clothes(splits):
    train, test = splits
    noise = data.noise_images(300, seed=0)
    easy = risks.detector(test.images[:300], noise, steps=60)
    hard = risks.detector(test.images[:300], train.images[:300], steps=60)
    assert easy["accuracy"] > 0.95 and easy["held_out"] == 180
    assert hard["accuracy"] < 0.7  # real vs real: nothing to find


def test_novelty_needs_both_recognisable_and_new():
    distance = np.array([0.0, 0.2, 0.2, 0.3])
    confidence = np.array([0.99, 0.95, 0.3, 0.91])
    scores = risks.novelty(distance, confidence, threshold=0.1)
    assert scores == {"recognisable": 0.75, "not_copied": 0.75, "novel_and_recognisable": 0.5}


def test_histogram_shares_sum_to_one_with_outliers_in_end_bins():
    edges = np.linspace(0, 1, 5)
    shares = risks.histogram(np.array([-1.0, 0.1, 0.6, 0.99, 5.0]), edges)
    assert shares == [0.4, 0.0, 0.2, 0.4]


def test_compute_costs_cover_the_shipped_models():
    rows = {r["name"]: r for r in risks.compute_costs()}
    assert {"gan", "vae", "flow", "diffusion", "judge", "gpt_en"} <= set(rows)
    assert rows["diffusion"]["seconds"] > rows["gan"]["seconds"]  # hours vs minutes
    for row in rows.values():
        assert row["parameters"] > 0 and row["wh"] == pytest.approx(row["seconds"] * risks.CPU_WATTS / 3600)
