"""The two overview models: accuracy floors on the test split, sampling, likelihood, training."""

import numpy as np
import pytest

from models.basics import overview
from models.core import checkpoints, data

# Floors a few points under what the shipped models measure (0.860 and 0.798).
CLASSIFIER_FLOOR = 0.84
GAUSSIAN_FLOOR = 0.77


@pytest.fixture(scope="module")
def test_split():
    return data.load_shipped("test")


@pytest.fixture(scope="module")
def classifier():
    return overview.Classifier.load()


@pytest.fixture(scope="module")
def gaussian():
    return overview.ClassGaussian.load()


def test_classifier_accuracy(classifier, test_split):
    accuracy = classifier.accuracy(test_split)
    assert accuracy >= CLASSIFIER_FLOOR
    shipped = checkpoints.load_metrics(overview.CLASSIFIER)["test_accuracy"]
    assert accuracy == pytest.approx(shipped, abs=1e-3)  # the page shows the shipped number


def test_gaussian_bayes_accuracy(gaussian, test_split):
    accuracy = gaussian.accuracy(test_split)
    assert accuracy >= GAUSSIAN_FLOOR
    assert accuracy == pytest.approx(checkpoints.load_metrics(overview.GAUSSIAN)["bayes_test_accuracy"], abs=1e-3)


def test_probabilities_are_distributions(classifier, gaussian, test_split):
    for model in (classifier, gaussian):
        p = model.predict_proba(test_split.images[:50])
        assert p.shape == (50, 10) and np.all(p >= 0)
        np.testing.assert_allclose(p.sum(1), 1, atol=1e-5)


def test_samples_are_new_reproducible_and_of_the_asked_class(classifier, gaussian):
    a, b = gaussian.sample(7, 16, seed=3), gaussian.sample(7, 16, seed=3)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.uint8 and a.shape == (16, 28, 28)
    assert not np.array_equal(a, gaussian.sample(7, 16, seed=4))
    samples = np.concatenate([gaussian.sample(k, 50, seed=1) for k in range(10)])
    asked = np.repeat(np.arange(10), 50)
    # the independent classifier recognises most samples as the class asked for (0.85 measured)
    assert (classifier.predict_proba(samples).argmax(1) == asked).mean() >= 0.75
    train = data.load_shipped("train10k").images.reshape(-1, 28 * 28)
    assert not any((train == s.reshape(1, -1)).all(1).any() for s in samples[:20])  # not copies


def test_sample_rejects_bad_label(gaussian):
    with pytest.raises(ValueError):
        gaussian.sample(10, 1, seed=0)


def test_likelihood_prefers_real_images_to_noise(gaussian, test_split):
    real = test_split.images[test_split.labels == 1][:50]
    noise = data.noise_images(50, seed=0)
    ll_real, ll_noise = gaussian.log_likelihood(real)[:, 1], gaussian.log_likelihood(noise)[:, 1]
    assert ll_real.min() > ll_noise.max()


def test_classifier_training_pipeline(tmp_checkpoints):
    from models.registry import train

    metrics = train(overview.CLASSIFIER, epochs=2, device="cpu", progress=False)
    assert len(metrics["loss_curve"]) == 2 and metrics["loss_curve"][1] < metrics["loss_curve"][0]
    assert metrics["test_accuracy"] > 0.75
    files = sorted(p.name for p in (tmp_checkpoints / overview.CLASSIFIER).iterdir())
    assert files == ["config.json", "metrics.json", "model.safetensors"]
    manifest = checkpoints.read_manifest(tmp_checkpoints)
    assert set(manifest) == {f"{overview.CLASSIFIER}/{f}" for f in files}
    reloaded = overview.Classifier.load()
    assert reloaded.accuracy(data.load_shipped("test")) == pytest.approx(metrics["test_accuracy"], abs=1e-6)


def test_gaussian_training_pipeline(tmp_checkpoints):
    from models.registry import train

    metrics = train(overview.GAUSSIAN, progress=False)
    assert metrics["bayes_test_accuracy"] >= GAUSSIAN_FLOOR
    assert overview.ClassGaussian.load().sample(0, 2, seed=0).shape == (2, 28, 28)


def test_numpy_forward_matches_the_torch_module(classifier, test_split):
    import torch

    net = overview.build_classifier(classifier.config)
    net.load_state_dict({k: torch.from_numpy(v) for k, v in classifier.state.items()})
    net.eval()
    images = test_split.images[:200]
    with torch.inference_mode():
        expected = torch.softmax(net(torch.from_numpy(data.to_float(images))), dim=1).numpy()
    np.testing.assert_allclose(classifier.predict_proba(images), expected, atol=1e-5)
