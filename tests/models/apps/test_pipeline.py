"""The live pipeline run: data of the chosen classes only, one epoch at a time, resumable, measured."""

import copy
import pickle

import numpy as np
import pytest
import torch

from models.apps import pipeline
from models.apps.pipeline import PipelineConfig, PipelineInputError, PipelineRun
from models.core import data
from models.core.judge import Judge

SMALL = dict(classes=(1, 8), per_class=60, fid_samples=100)


@pytest.fixture(scope="module")
def splits():
    return data.load_shipped("train10k"), data.load_shipped("test")


@pytest.fixture(scope="module")
def judge():
    return Judge.load()


def new_run(splits, judge, **overrides) -> PipelineRun:
    return PipelineRun.create(PipelineConfig(**{**SMALL, **overrides}), *splits, judge)


@pytest.fixture(scope="module")
def vae_run(splits, judge):
    run = new_run(splits, judge, family="vae")
    for _ in range(3):
        run.train_epoch()
    return run


def test_vae_loss_falls_and_history_grows_per_epoch(vae_run):
    total = vae_run.history["losses"]["total"]
    assert vae_run.epoch == 3 and len(total) == 3 and len(vae_run.history["seconds"]) == 3
    assert total[-1] < total[0] - 50  # nats per image: the reconstruction improves a lot at first
    assert all(a > b for a, b in zip(total, total[1:], strict=False))
    rec, kl = vae_run.history["losses"]["reconstruction"], vae_run.history["losses"]["kl"]
    assert np.allclose(np.add(rec, kl), total) and min(kl) > 0
    # epoch 0 (untrained) + one entry per epoch, each a fixed grid of samples
    assert len(vae_run.history["fid"]) == len(vae_run.history["samples"]) == 4
    assert all(s.shape == (pipeline.GRID, 28, 28) and s.dtype == np.uint8 for s in vae_run.history["samples"])


@pytest.mark.parametrize(("family", "per_class", "epochs"), [("vae", 150, 3), ("gan", 500, 5)])
def test_trained_model_has_a_lower_fid_than_the_untrained_one(splits, judge, family, per_class, epochs):
    run = new_run(splits, judge, family=family, classes=(1, 7, 8), per_class=per_class)  # a GAN needs more steps
    for _ in range(epochs):
        row = run.train_epoch()
    fid = run.history["fid"]
    assert row["fid"] == fid[-1] and row["epoch"] == epochs
    assert fid[-1] < 0.85 * fid[0], fid
    assert 0 < run.fid_floor < fid[-1]  # real vs real at the same N is the floor no model beats here
    assert not np.array_equal(run.history["samples"][0], run.history["samples"][-1])


def test_a_stopped_run_resumes_where_it_stopped(splits, judge):
    straight = new_run(splits, judge, family="gan")
    for _ in range(3):
        straight.train_epoch()
    stopped = new_run(splits, judge, family="gan")
    for _ in range(2):
        stopped.train_epoch()
    kept = pickle.loads(pickle.dumps(copy.deepcopy(stopped)))  # as if stored and read back between reruns
    assert kept.epoch == 2 and kept.history["fid"] == stopped.history["fid"]
    kept.train_epoch()
    assert kept.epoch == 3
    assert kept.history["losses"] == straight.history["losses"]
    assert kept.history["fid"] == straight.history["fid"]
    np.testing.assert_array_equal(kept.history["samples"][-1], straight.history["samples"][-1])
    for a, b in zip(kept.nets["g"].parameters(), straight.nets["g"].parameters(), strict=True):
        assert torch.equal(a, b)


def test_same_seed_same_run_other_seed_other_data(splits, judge):
    a, b = new_run(splits, judge, family="vae"), new_run(splits, judge, family="vae")
    a.train_epoch(), b.train_epoch()
    assert a.history["losses"] == b.history["losses"]
    np.testing.assert_array_equal(a.history["samples"][-1], b.history["samples"][-1])
    other = new_run(splits, judge, family="vae", seed=1)
    assert not np.array_equal(other.train.images, a.train.images)


def test_only_the_chosen_classes_are_used(splits, judge, vae_run):
    assert sorted(set(vae_run.train.labels.tolist())) == [1, 8]
    assert np.bincount(vae_run.train.labels, minlength=10)[[1, 8]].tolist() == [60, 60]
    assert set(vae_run.test.labels.tolist()) == {1, 8}  # the FID's reference and the latent map
    assert len(vae_run.test) == 2 * pipeline.REFERENCE_PER_CLASS
    images, labels = vae_run.data_batch(6)
    assert labels.tolist() == [1, 8, 1, 8, 1, 8] and images.shape == (6, 28, 28)
    train = splits[0]
    for image, label in zip(images, labels, strict=True):  # real training images of that class
        matches = np.flatnonzero((train.images == image).all(axis=(1, 2)))
        assert label in train.labels[matches]
    gan_run = new_run(splits, judge, family="gan", classes=(8, 3, 8))
    assert gan_run.config.classes == (3, 8)
    assert set(gan_run.sample_labels(10).tolist()) == {3, 8}


def test_latent_map_of_the_vae_is_two_dimensional_and_coloured_by_the_chosen_classes(vae_run):
    view = vae_run.latent_map()
    assert view["kind"] == "encoded" and view["points"].shape == (2 * pipeline.MAP_PER_CLASS, 2)
    assert set(view["labels"].tolist()) == {1, 8} and 0 < view["explained"] <= 1
    assert vae_run.latent_map() is view  # computed once per epoch
    means = [view["points"][view["labels"] == c].mean(0) for c in (1, 8)]
    spread = view["points"].std(0).mean()
    assert np.linalg.norm(means[0] - means[1]) > spread  # trousers and bags land apart, without labels


def test_gan_latent_view_is_a_decoded_grid(splits, judge):
    run = new_run(splits, judge, family="gan")
    before = run.latent_map()
    assert before["kind"] == "walk" and before["images"].shape == (pipeline.WALK_SIDE ** 2, 28, 28)
    assert before["label"] == 1
    run.train_epoch()
    after = run.latent_map()
    assert after is not before and not np.array_equal(after["images"], before["images"])


@pytest.mark.parametrize(("overrides", "code"), [
    (dict(classes=()), "no_classes"),
    (dict(classes=(3, 10)), "bad_class"),
    (dict(per_class=5), "too_few"),
    (dict(per_class=1001), "too_many"),
    (dict(family="flow"), "family"),
])
def test_bad_choices_raise_a_clear_error(splits, judge, overrides, code):
    with pytest.raises(PipelineInputError) as caught:
        new_run(splits, judge, **overrides)
    assert caught.value.code == code and str(caught.value)
    if code == "too_few":
        assert caught.value.params == {"n": 5, "minimum": pipeline.MIN_PER_CLASS}


def test_a_class_with_too_few_images_in_the_split_is_refused():
    split = data.Split(np.zeros((30, 28, 28), np.uint8), np.repeat([0, 1], 15))
    with pytest.raises(PipelineInputError, match="class 0 has only 15 images"):
        pipeline.select_subset(split, (0, 1), 20, seed=0)
