import json
import subprocess
import sys

import numpy as np
import pytest

from models.core import checkpoints
from models.core.device import pick_device
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
    message = str(info.value)
    assert "$GENAI_LAB_CHECKPOINT_DIR/demo/model.safetensors" in message and "sha256" in message
    assert "python -m models train demo" in message and str(tmp_checkpoints) not in message


# --- fails closed: every way the manifest can fail to vouch for a checkpoint is refused -----------------
def _write_manifest_text(root, text):
    (root / checkpoints.MANIFEST).write_text(text, encoding="utf-8")


def _manifest_deleted(root):
    (root / checkpoints.MANIFEST).unlink()


def _manifest_not_json(root):
    _write_manifest_text(root, '{"demo/config.json": ')


def _manifest_a_list(root):
    _write_manifest_text(root, json.dumps(sorted(checkpoints.read_manifest(root))))


def _entry_not_hex(root):
    manifest = checkpoints.read_manifest(root)
    manifest["demo/model.safetensors"] = "not-a-sha256"
    _write_manifest_text(root, json.dumps(manifest))


def _entry_not_a_string(root):
    manifest = checkpoints.read_manifest(root)
    manifest["demo/model.safetensors"] = 42
    _write_manifest_text(root, json.dumps(manifest))


def _no_entries(root):
    manifest = {k: v for k, v in checkpoints.read_manifest(root).items() if not k.startswith("demo/")}
    _write_manifest_text(root, json.dumps(manifest))


def _file_not_listed(root):
    (root / "demo" / "extra.json").write_text("{}")


def _listed_file_missing(root):
    (root / "demo" / checkpoints.METRICS).unlink()


def _config_edited(root):
    (root / "demo" / checkpoints.CONFIG).write_text('{"width": 4}\n')


FAILURES = {"manifest deleted": (_manifest_deleted, "MANIFEST.json is missing"),
            "manifest not JSON": (_manifest_not_json, "not valid JSON"),
            "manifest a list": (_manifest_a_list, "not a JSON object"),
            "entry not hex": (_entry_not_hex, "invalid entry"),
            "entry not a string": (_entry_not_a_string, "invalid entry"),
            "no entries": (_no_entries, "no entries"),
            "file not listed": (_file_not_listed, "does not list $GENAI_LAB_CHECKPOINT_DIR/demo/extra.json"),
            "listed file missing": (_listed_file_missing, "lists $GENAI_LAB_CHECKPOINT_DIR/demo/metrics.json"),
            "config edited": (_config_edited, "does not match $GENAI_LAB_CHECKPOINT_DIR/demo/config.json")}


@pytest.mark.parametrize("case", FAILURES)
def test_verification_fails_closed(tmp_checkpoints, case):
    make_checkpoint()
    make_checkpoint("other")
    breaks, expected = FAILURES[case]
    breaks(tmp_checkpoints)
    with pytest.raises(checkpoints.CheckpointError) as info:
        checkpoints.load("demo")
    message = str(info.value)
    assert expected in message
    assert "python -m models train demo" in message and str(tmp_checkpoints) not in message
    if case not in ("manifest deleted", "manifest not JSON", "manifest a list"):
        checkpoints.load("other")  # one model's bad entries leave the others loadable


def test_messages_show_project_relative_paths():
    assert checkpoints.shown(ROOT / "assets" / "checkpoints" / "gan" / "model.safetensors") == \
        "assets/checkpoints/gan/model.safetensors"
    assert checkpoints.shown("/somewhere/else/secret.bin") == "secret.bin"


def test_shipped_root_messages_name_the_restore_command(tmp_path, monkeypatch):
    from models.core import integrity

    monkeypatch.setattr(integrity, "ROOT", tmp_path)  # a project in tmp_path, its shipped root inside
    monkeypatch.setattr(checkpoints, "ROOT", tmp_path)
    root = tmp_path / "assets" / "checkpoints"
    (root / "gan").mkdir(parents=True)
    (root / "gan" / checkpoints.CONFIG).write_text("{}")
    with pytest.raises(checkpoints.CheckpointError) as info:
        checkpoints.verify("gan", root)
    message = str(info.value)
    assert "assets/checkpoints/MANIFEST.json is missing" in message
    assert "git checkout -- assets/checkpoints" in message and "python -m models train gan" in message
    assert str(tmp_path) not in message
    with pytest.raises(checkpoints.CheckpointError) as info:
        checkpoints.read_manifest(tmp_path.parent, "gan")  # outside the project: no git hint, no path
    assert "git checkout" not in str(info.value) and str(tmp_path.parent) not in str(info.value)


@pytest.mark.parametrize("name, tamper", [("diffusion", "scheduler_config.json"), ("gpt_en", "tokenizer.json"),
                                          ("lstm_en", "tokenizer_config.json"),
                                          ("melody_gpt", "generation_config.json")])
def test_library_loaders_verify_every_file_first(tmp_checkpoints, name, tamper):
    """diffusers/transformers read more than the weights: every file of the directory is checked."""
    import shutil

    from models.image.diffusion import Diffusion
    from models.language.text import TextModel
    from models.melody.music import MelodyModel

    shutil.copytree(ROOT / "assets" / "checkpoints" / name, tmp_checkpoints / name)
    checkpoints.write_manifest(tmp_checkpoints)
    path = tmp_checkpoints / name / tamper
    path.write_text(path.read_text() + " ")  # still valid JSON: only the sha256 tells
    load = {"diffusion": lambda: Diffusion.load(), "melody_gpt": lambda: MelodyModel.load()}.get(
        name, lambda: TextModel.load(name))
    with pytest.raises(checkpoints.CheckpointError) as info:
        load()
    assert f"$GENAI_LAB_CHECKPOINT_DIR/{name}/{tamper}" in str(info.value)
    assert f"python -m models train {name}" in str(info.value)
    checkpoints.write_manifest(tmp_checkpoints)  # the same files, vouched for again: loads
    load()


def test_retraining_one_model_does_not_vouch_for_another(tmp_checkpoints):
    make_checkpoint("demo")
    make_checkpoint("other")
    (tmp_checkpoints / "other" / checkpoints.CONFIG).write_text('{"width": 5}\n')  # corrupt after the fact
    make_checkpoint("demo", value=2.0)  # retrain demo: rewrites demo's entries only
    np.testing.assert_array_equal(checkpoints.load("demo")[1]["w"], np.full(3, 2.0, dtype=np.float32))
    with pytest.raises(checkpoints.CheckpointError, match="python -m models train other"):
        checkpoints.load("other")


def test_retraining_without_a_manifest_vouches_only_for_the_new_model(tmp_checkpoints):
    make_checkpoint("demo")
    make_checkpoint("other")
    (tmp_checkpoints / checkpoints.MANIFEST).unlink()
    make_checkpoint("demo")
    checkpoints.load("demo")
    assert set(checkpoints.read_manifest(tmp_checkpoints)) == {f"demo/{f}" for f in ("config.json", "metrics.json",
                                                                                     "model.safetensors")}
    with pytest.raises(checkpoints.CheckpointError, match="no entries"):
        checkpoints.load("other")


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
    from models.registry import TRAINERS

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
