"""The second judge: another architecture, trained apart, loaded by the same Judge class."""

import dataclasses

import numpy as np
import pytest
import torch

from models.core import checkpoints, data, judge, metrics
from models.core.judge import CONFIGS, SECOND, Judge, JudgeConfig, JudgeNet


@pytest.fixture(scope="module")
def test_split():
    return data.load_shipped("test")


@pytest.fixture(scope="module")
def judges():
    return Judge.load(), Judge.load(name=SECOND)


def test_second_judge_is_another_network(judges, test_split):
    first, second = judges
    assert (first.config.arch, second.config.arch) == ("cnn", "mlp")
    assert not second.config.augment and second.config.seed != first.config.seed
    assert not any(isinstance(m, torch.nn.Conv2d) for m in second.net.modules())
    # shipped judge2: 0.899 on the full test split, 128 features
    assert second.accuracy(test_split) >= 0.88
    assert second.features(test_split.images[:5]).shape == (5, second.feature_module.num_features) == (5, 128)
    assert second.name == SECOND and first.name == judge.NAME


def test_shipped_checkpoint_is_small_and_records_its_accuracy():
    directory = checkpoints.checkpoint_dir(SECOND)
    assert (directory / checkpoints.WEIGHTS).stat().st_size < 2_000_000
    assert checkpoints.load_metrics(SECOND)["test_accuracy"] >= 0.88
    checkpoints.verify(SECOND)


def test_both_judges_rank_real_above_broken_images(judges, test_split):
    """Each feature space has its own scale: compare FIDs within one judge only."""
    real = data.examples_balanced(data.load_train(), 300, seed=1)
    noisy = np.clip(real.astype(int) + np.random.default_rng(0).integers(-90, 90, real.shape), 0, 255)
    for j in judges:
        scorer = metrics.FIDScorer(j, test_split.images[:2000])
        assert scorer.score(real) < scorer.score(noisy.astype(np.uint8))


def test_old_config_json_loads_as_the_cnn():
    """The first judge's config.json predates ``arch`` / ``augment``: it still means the CNN with shifts."""
    config = judge.config_from({"channels": [24, 48], "features": 128, "dropout": 0.3, "epochs": 6,
                                "batch_size": 128, "lr": 2e-3, "weight_decay": 5e-4, "seed": 0})
    assert config == JudgeConfig() and config.arch == "cnn" and config.augment
    with pytest.raises(ValueError, match="unknown judge architecture"):
        JudgeNet(dataclasses.replace(config, arch="rnn"))


def test_trains_into_the_checkpoint_root_and_loads_back(tmp_checkpoints):
    """A tiny judge2 recipe end to end through the registry's staging: saved, listed in the manifest, loadable."""
    tiny = dataclasses.replace(CONFIGS[SECOND], hidden=(16,), features=8, epochs=1)
    train = data.load_train()
    split = data.Split(train.images[:200], train.labels[:200])
    with checkpoints.staging(SECOND) as out:
        out_metrics = judge.train(SECOND, out, progress=False, train_split=split, config=tiny)
    assert out_metrics["train_images"] == 200 and 0 <= out_metrics["test_accuracy"] <= 1
    assert any(k.startswith(f"{SECOND}/") for k in checkpoints.read_manifest(tmp_checkpoints))
    loaded = Judge.load(name=SECOND)
    assert loaded.config.hidden == (16,) and loaded.features(split.images[:3]).shape == (3, 8)
