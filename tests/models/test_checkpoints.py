import json
import subprocess
import sys

import numpy as np
import pytest

from models import checkpoints
from models.device import pick_device
from tests.conftest import ROOT


def make_checkpoint(name="demo", value=1.0):
    with checkpoints.staging(name) as out:
        checkpoints.save(out, {"width": 3}, {"w": np.full(3, value, dtype=np.float32)}, {"loss": [1.0]})


def test_save_load_round_trip(tmp_checkpoints):
    make_checkpoint()
    config, tensors = checkpoints.load("demo")
    assert config == {"width": 3}
    np.testing.assert_array_equal(tensors["w"], np.ones(3, dtype=np.float32))
    assert checkpoints.load_metrics("demo") == {"loss": [1.0]}


def test_failed_run_keeps_the_old_checkpoint(tmp_checkpoints):
    make_checkpoint(value=1.0)
    with pytest.raises(RuntimeError):
        with checkpoints.staging("demo") as out:
            checkpoints.save(out, {"width": 3}, {"w": np.zeros(3, dtype=np.float32)})
            raise RuntimeError("training diverged")
    np.testing.assert_array_equal(checkpoints.load("demo")[1]["w"], np.ones(3, dtype=np.float32))
    assert [p.name for p in tmp_checkpoints.iterdir() if p.is_dir() and p.name.startswith(".")] == []


def test_corrupt_checkpoint_names_file_and_command(tmp_checkpoints):
    make_checkpoint()
    weights = tmp_checkpoints / "demo" / checkpoints.WEIGHTS
    raw = bytearray(weights.read_bytes())
    raw[-1] ^= 0xFF
    weights.write_bytes(bytes(raw))
    with pytest.raises(checkpoints.CheckpointError) as info:
        checkpoints.load("demo")
    assert str(weights) in str(info.value) and "python -m models train demo" in str(info.value)


def test_missing_checkpoint(tmp_checkpoints):
    with pytest.raises(checkpoints.CheckpointError, match="python -m models train nothing"):
        checkpoints.load("nothing")


def test_shipped_manifest_covers_every_file():
    root = ROOT / "assets" / "checkpoints"
    manifest = checkpoints.read_manifest(root)
    files = {p.relative_to(root).as_posix() for p in root.rglob("*")
             if p.is_file() and p.name != "MANIFEST.json" and not p.relative_to(root).as_posix().startswith(".")}
    assert set(manifest) == files
    for rel, digest in manifest.items():
        assert checkpoints.sha256(root / rel) == digest, rel


def test_shipped_weights_are_safetensors_only():
    root = ROOT / "assets" / "checkpoints"
    suffixes = {p.suffix for p in root.rglob("*") if p.is_file() and not p.relative_to(root).as_posix().startswith(".")}
    assert suffixes <= {".json", ".safetensors", ".txt"}


def test_pick_device(monkeypatch):
    monkeypatch.delenv("GENAI_LAB_DEVICE", raising=False)
    assert pick_device("cpu") == "cpu"
    import torch

    assert pick_device() == ("cuda" if torch.cuda.is_available() else "cpu")
    monkeypatch.setenv("GENAI_LAB_DEVICE", "cpu")
    assert pick_device() == "cpu"
    if not torch.cuda.is_available():
        with pytest.warns(UserWarning, match="CUDA"):
            assert pick_device("cuda") == "cpu"
    monkeypatch.setenv("GENAI_LAB_DEVICE", "tpu")
    with pytest.warns(UserWarning):
        assert pick_device() in ("cpu", "cuda")


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "models", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)


def test_cli_lists_every_model():
    from models.train import TRAINERS

    result = run_cli("train", "--list")
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert listed == list(TRAINERS)


@pytest.mark.parametrize("args", [("train", "no_such_model"), ("train", "overview_gaussian", "--epochs", "0"),
                                  ("train",), ("train", "overview_gaussian", "--device", "tpu")])
def test_cli_rejects_bad_arguments(args):
    result = run_cli(*args)
    assert result.returncode == 2 and "usage:" in result.stderr


def test_cli_trains_into_the_checkpoint_root(tmp_checkpoints):
    import os

    result = run_cli("train", "overview_gaussian", env={**os.environ})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["bayes_test_accuracy"] > 0.7
    assert (tmp_checkpoints / "overview_gaussian" / "model.safetensors").exists()
