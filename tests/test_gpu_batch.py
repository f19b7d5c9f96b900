"""scripts/gpu_batch.py, run on the CPU with tiny settings: latency, retraining into its own folder, the archive."""

import json
import tarfile

from models.core import checkpoints
from scripts import gpu_batch


def test_a_tiny_run_times_retrains_and_archives(tmp_path, capsys):
    shipped = checkpoints.read_manifest(checkpoints.checkpoint_root())
    out = tmp_path / "gpu"
    code = gpu_batch.main(["--out", str(out), "--device", "cpu", "--models", "overview_gaussian,no_such_model"])
    assert code == 2 and "no_such_model" in capsys.readouterr().err  # refused before anything runs
    assert not out.exists()

    code = gpu_batch.main(["--out", str(out), "--device", "cpu", "--models", "overview_gaussian",
                           "--latency-images", "2", "--latency-steps", "2", "--repeats", "2", "--budget-min", "5"])
    assert code == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    lat = results["latency"]["eager"]
    assert lat["images"] == 2 and lat["network_calls"] == 2 and 0 < lat["p50_ms"] <= lat["p90_ms"]
    row = results["models"]["overview_gaussian"]
    assert row["status"] == "trained" and row["wall_s"] > 0
    assert (out / "checkpoints" / "overview_gaussian" / "model.safetensors").exists()
    # the shipped checkpoints are untouched, and the archive holds the whole folder
    assert checkpoints.read_manifest(checkpoints.checkpoint_root()) == shipped
    with tarfile.open(f"{out}.tar.gz") as archive:
        names = set(archive.getnames())
    assert {"gpu/results.json", "gpu/results.md", "gpu/checkpoints/overview_gaussian/model.safetensors"} <= names
    assert "retrain overview_gaussian" in (out / "results.md").read_text(encoding="utf-8")


def test_models_past_the_budget_are_listed_not_started(tmp_path):
    out = tmp_path / "gpu"
    code = gpu_batch.main(["--out", str(out), "--device", "cpu", "--no-latency", "--budget-min", "0",
                           "--models", "overview_gaussian,overview_classifier"])
    assert code == 0
    models = json.loads((out / "results.json").read_text(encoding="utf-8"))["models"]
    assert {m["status"] for m in models.values()} == {"not reached"}
    assert not (out / "checkpoints").exists()


def test_no_cuda_is_a_clear_error(tmp_path, capsys, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert gpu_batch.main(["--out", str(tmp_path / "gpu")]) == 2
    assert "--device cpu" in capsys.readouterr().err
