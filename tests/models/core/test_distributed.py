"""Training on several processes: a real ``torchrun --nproc_per_node 2`` on the CPU (gloo), one writer."""

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from models import __main__ as cli
from models.core import checkpoints, data, distributed
from models.image import gan
from models.registry import TRAINERS, train
from tests.conftest import ROOT

IMAGES = 256  # four GAN batches of 64: two for each process

# What each process reports from inside a torchrun launch (see test_processes_average_their_gradients).
PROBE = r"""
import json, os, torch
from models.core import training
torch.manual_seed(0)  # as every trainer seeds before it builds its network
accelerator = training.make_accelerator("cpu", seed=0)
net = accelerator.prepare(torch.nn.Linear(1, 1, bias=False))
net(torch.full((1, 1), accelerator.process_index + 1.0)).sum().backward()
report = {"rank": accelerator.process_index, "type": str(accelerator.distributed_type),
          "backend": torch.distributed.get_backend(), "grad": net.module.weight.grad.item(),
          "random": torch.rand(1).item()}
os.write(1, f"probe {json.dumps(report)}\n".encode())  # one write: the two processes share the pipe
from models.core import distributed
distributed.finish()  # as the CLI does: gloo's threads stopped before Python shuts down
"""


def torchrun(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``torchrun --standalone --nproc_per_node 2 ARGS`` (a free port of its own), one thread a process."""
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", *args]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


@pytest.fixture
def tiny_dataset(tmp_path):
    """A Fashion-MNIST-shaped training split of ``IMAGES`` random images, where ``$GENAI_LAB_FMNIST_DIR`` points."""
    directory = tmp_path / "fashion-mnist"
    directory.mkdir()
    images, labels = data.SPLIT_FILES["train"]
    data.write_idx(directory / images, np.random.default_rng(0).integers(0, 256, (IMAGES, 28, 28), dtype=np.uint8))
    data.write_idx(directory / labels, np.arange(IMAGES) % data.NUM_CLASSES)
    return directory


def test_two_processes_train_the_gan_and_only_the_main_one_writes_and_reports(tmp_checkpoints, tiny_dataset):
    run = torchrun("-m", "models", "train", gan.NAME, "--epochs", "1", "--device", "cpu",
                   env={checkpoints.ENV_DIR: str(tmp_checkpoints), data.ENV_DIR: str(tiny_dataset)})
    assert run.returncode == 0, run.stderr[-4000:]
    output = run.stdout + run.stderr

    metrics = json.loads((tmp_checkpoints / gan.NAME / checkpoints.METRICS).read_text())
    assert metrics["processes"] == 2 and metrics["train_images"] == IMAGES
    # each process took its own half of the epoch's batches (one process alone makes IMAGES // 64 steps)
    assert metrics["steps"] == IMAGES // metrics["batch_size"] // 2
    # one checkpoint, written once: no second staging directory, every file in the manifest and intact
    assert sorted(p.name for p in tmp_checkpoints.iterdir()) == [".lock", checkpoints.MANIFEST, gan.NAME]
    files = sorted(p.name for p in (tmp_checkpoints / gan.NAME).iterdir())
    assert files == ["config.json", "metrics.json", "model.safetensors", gan.SNAPSHOTS]
    checkpoints.verify(gan.NAME, tmp_checkpoints)
    # progress and metrics printed by the main process only
    assert output.count("epoch 1: {'g_loss'") == 1
    assert run.stdout.count('"total_wall_time_s"') == 1
    assert json.loads(run.stdout[run.stdout.index("{\n"):])["processes"] == 2


def test_processes_average_their_gradients(tmp_path):
    (tmp_path / "probe.py").write_text(PROBE)
    run = torchrun(str(tmp_path / "probe.py"))
    assert run.returncode == 0, run.stderr[-4000:]
    reports = sorted((json.loads(found) for found in re.findall(r"probe (\{[^{}]*\})", run.stdout + run.stderr)),
                     key=lambda r: r["rank"])
    assert [r["rank"] for r in reports] == [0, 1], run.stdout + run.stderr[-3000:]
    assert {r["type"] for r in reports} == {"DistributedType.MULTI_CPU"} and {r["backend"] for r in reports} == {"gloo"}
    assert [r["grad"] for r in reports] == [1.5, 1.5]  # the mean of each process's own gradient, 1 and 2
    assert reports[0]["random"] != reports[1]["random"]  # a random stream of its own in each process


def test_a_single_process_model_is_refused_on_several(tmp_checkpoints, monkeypatch, capsys):
    single = [name for name, trainer in TRAINERS.items() if trainer.single_process]
    assert {"overview_gaussian", "vqvae", "gpt_en", "melody_gpt"} <= set(single) and gan.NAME not in single
    monkeypatch.setenv(distributed.ENV_WORLD, "2")
    monkeypatch.setenv(distributed.ENV_RANK, "0")
    with pytest.raises(distributed.ScaleOutError, match="melody_gpt trains on one process only"):
        train("melody_gpt", epochs=1, device="cpu", progress=False)
    assert cli.main(["train", "overview_gaussian"]) == 1
    assert "python -m models train overview_gaussian" in capsys.readouterr().err
    assert list(tmp_checkpoints.iterdir()) == []


def test_a_process_that_is_not_the_main_one_writes_nothing(tmp_checkpoints, monkeypatch):
    monkeypatch.setenv(distributed.ENV_WORLD, "2")
    monkeypatch.setenv(distributed.ENV_RANK, "1")
    assert not distributed.is_main()
    with distributed.staging(gan.NAME) as out_dir:
        assert out_dir is None
    assert list(tmp_checkpoints.iterdir()) == []


def test_a_run_that_wrote_nothing_keeps_the_checkpoint(tmp_checkpoints):
    with checkpoints.staging("demo") as out:
        checkpoints.save(out, {"width": 1}, {"w": np.ones(1, np.float32)})
    with pytest.raises(checkpoints.CheckpointError, match="wrote no files"):
        with checkpoints.staging("demo"):
            pass
    assert checkpoints.load("demo")[0] == {"width": 1}
    assert sorted(p.name for p in tmp_checkpoints.iterdir() if p.name.startswith(".demo")) == []


def test_finish_without_a_process_group_does_nothing():
    import torch.distributed as dist

    assert not dist.is_initialized()
    distributed.finish()  # a single process, as every plain `python -m models train`: nothing to close
    assert not dist.is_initialized()
