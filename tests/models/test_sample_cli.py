"""`python -m models sample`: the contract other parts rely on (GUIDE §2, image-model-zoo issue)."""

import os
import subprocess
import sys

import numpy as np
import pytest

from models.image import zoo
from tests.conftest import ROOT

FAST = {"diffusion": ["--steps", "2"]}


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "models", "sample", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.mark.parametrize("family", zoo.FAMILIES)
def test_sample_contract(family, tmp_path):
    out_a, out_b, out_k = tmp_path / "a.npz", tmp_path / "b.npz", tmp_path / "k.npz"
    extra = FAST.get(family, [])
    for out in (out_a, out_b):
        result = run("--family", family, "--n", "12", "--seed", "5", *extra, "--out", str(out))
        assert result.returncode == 0, result.stderr
    a, b = np.load(out_a), np.load(out_b)
    assert a["images"].dtype == np.uint8 and a["images"].shape == (12, 28, 28)
    assert a["labels"].dtype == np.int64 and a["labels"].tolist() == [i % 10 for i in range(12)]
    np.testing.assert_array_equal(a["images"], b["images"])  # same seed, same images
    assert a["images"].mean() < 128  # dark background, bright object
    result = run("--family", family, "--n", "3", "--seed", "6", "--label", "4", *extra, "--out", str(out_k))
    assert result.returncode == 0, result.stderr
    k = np.load(out_k)
    assert k["labels"].tolist() == [4, 4, 4]
    assert not np.array_equal(k["images"], a["images"][:3])


BAD = [
    ["--family", "unet", "--n", "1", "--seed", "0"],
    ["--family", "gan", "--n", "0", "--seed", "0"],
    ["--family", "gan", "--n", "10001", "--seed", "0"],
    ["--family", "gan", "--n", "1", "--seed", "-1"],
    ["--family", "gan", "--n", "1", "--seed", str(2**32)],
    ["--family", "gan", "--n", "1", "--seed", "0", "--label", "10"],
    ["--family", "diffusion", "--n", "1", "--seed", "0", "--steps", "0"],
    ["--family", "diffusion", "--n", "1", "--seed", "0", "--steps", "1001"],
    ["--family", "diffusion", "--n", "1", "--seed", "0", "--sampler", "euler"],
    ["--family", "vae", "--n", "1", "--seed", "0", "--sampler", "ddim"],
    ["--family", "flow", "--n", "1", "--seed", "0", "--steps", "10"],
    ["--family", "gan", "--n", "1", "--seed", "0", "--guidance", "2"],
    ["--family", "gan", "--n", "two", "--seed", "0"],
]


@pytest.mark.parametrize("args", BAD, ids=[" ".join(a) for a in BAD])
def test_bad_arguments_exit_2(args, tmp_path):
    result = run(*args, "--out", str(tmp_path / "x.npz"))
    assert result.returncode == 2
    assert "usage:" in result.stderr and "error:" in result.stderr
    assert not (tmp_path / "x.npz").exists()


def test_missing_checkpoint_exit_1(tmp_path):
    env = {**os.environ, "GENAI_LAB_CHECKPOINT_DIR": str(tmp_path / "empty")}
    result = run("--family", "vae", "--n", "2", "--seed", "0", "--out", str(tmp_path / "x.npz"), env=env)
    assert result.returncode == 1
    assert "vae" in result.stderr and "python -m models train vae" in result.stderr


def test_corrupt_checkpoint_exit_1(tmp_path):
    import shutil

    root = tmp_path / "checkpoints"
    shutil.copytree(ROOT / "assets" / "checkpoints", root, ignore=shutil.ignore_patterns(".*"))
    weights = root / "gan" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-10] + b"0123456789")
    env = {**os.environ, "GENAI_LAB_CHECKPOINT_DIR": str(root)}
    result = run("--family", "gan", "--n", "2", "--seed", "0", "--out", str(tmp_path / "x.npz"), env=env)
    assert result.returncode == 1
    assert "$GENAI_LAB_CHECKPOINT_DIR/gan/model.safetensors" in result.stderr and str(root) not in result.stderr
    assert "python -m models train gan" in result.stderr
