"""Pros & cons measurements: nearest neighbours find copies, control and detector scores behave."""

import numpy as np
import pytest

from models import data, risks


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
    from models.judge import Judge

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


def test_variations_stay_near_the_picture_and_spread_with_the_slider(splits):
    from models.vae import VAE

    _, test = splits
    vae, image, label = VAE.load(), test.images[0], int(test.labels[0])
    still = risks.variations(vae, image, label, 4, spread=0.0, seed=0)
    assert (still == still[0]).all()  # spread 0: the reconstruction, n times
    near = risks.variations(vae, image, label, 8, spread=1.0, seed=0).astype(float)
    far = risks.variations(vae, image, label, 8, spread=4.0, seed=0).astype(float)
    gap = lambda v: np.abs(v - still[0]).mean()  # noqa: E731
    assert 0 < gap(near) < gap(far)
    assert np.abs(still[0].astype(float) - image).mean() < np.abs(still[0].astype(float) - test.images[1]).mean()


def test_compute_costs_cover_the_shipped_models():
    rows = {r["name"]: r for r in risks.compute_costs()}
    assert {"gan", "vae", "flow", "diffusion", "judge", "gpt_en"} <= set(rows)
    assert rows["diffusion"]["seconds"] > rows["gan"]["seconds"]  # hours vs minutes
    for row in rows.values():
        assert row["parameters"] > 0 and row["wh"] == pytest.approx(row["seconds"] * risks.CPU_WATTS / 3600)
