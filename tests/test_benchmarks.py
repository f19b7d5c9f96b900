"""The benchmarks run end to end (tiny sizes here) and write JSON + markdown with the machine named."""

import json

import pytest

from benchmarks import common


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setattr(common, "RESULTS", tmp_path)
    return tmp_path


def test_latent_benchmark(results):
    from benchmarks import latent

    out = latent.run(repeats=1, names=("ae2d", "vqvae"))
    saved = json.loads((results / "latent.json").read_text())
    assert saved["machine"]["cores"] >= 1 and set(saved["models"]) == {"ae2d", "vqvae"}
    assert 0 < out["ae2d"]["test_mse"] < 0.1 and out["ae2d"]["ms_interpolation_10"] > 0
    assert out["vqvae"]["codebook_used"] >= 1
    assert "10-frame interpolation target" in (results / "latent.md").read_text()


def test_zoo_benchmark_partial_run(results):
    from benchmarks import zoo

    out = zoo.run(repeats=1, n=60, families=("gan",), curve=False)
    saved = json.loads((results / "zoo.json").read_text())
    assert saved["n"] == 60 and set(saved["families"]) == {"gan"}
    assert out["floor_fid"] > 0 and out["families"]["gan"]["fid"] > 0


def test_zoo_latency_only_updates_saved_results(results):
    from benchmarks import zoo

    zoo.run(repeats=1, n=40, families=("vae",), curve=False)
    before = json.loads((results / "zoo.json").read_text())
    zoo.latency_only(repeats=1, n=40, families=("vae",))
    after = json.loads((results / "zoo.json").read_text())
    assert after["families"]["vae"]["fid"] == before["families"]["vae"]["fid"]  # quality untouched
    assert "latency_remeasured" in after
    with pytest.raises(SystemExit, match="run `python -m benchmarks zoo --n 41` first"):
        zoo.latency_only(repeats=1, n=41)


def test_ddpm1000_needs_a_saved_curve_of_the_same_checkpoint(results):
    from benchmarks import zoo

    with pytest.raises(SystemExit, match="no saved diffusion curve"):
        zoo.ddpm_1000_only(n=2000)
    (results / "zoo.json").write_text(json.dumps({"n": 2000, "diffusion_steps": {"trained_steps": -1}}))
    with pytest.raises(SystemExit, match="another diffusion checkpoint"):
        zoo.ddpm_1000_only(n=2000)


def test_resample_curve_needs_a_saved_curve(results):
    from benchmarks import zoo

    with pytest.raises(SystemExit, match="no saved diffusion curve"):
        zoo.resample_curve(("ddim",), n=2000)


def test_risks_benchmark_partial_run_and_bias_update(results):
    from benchmarks import risks

    out = risks.run(n=60, bias_n=100, families=("vae",))
    saved = json.loads((results / "risks.json").read_text())
    vae = saved["families"]["vae"]
    assert set(saved["families"]) == {"vae"} and set(saved["bias"]) == {"gan", "vae"}
    assert 0 <= vae["copy_share"] <= 1 and vae["median_ratio"] > 0.5 and 0.5 <= vae["detector_accuracy"] <= 1
    assert len(vae["closest"]["generated"]) == risks.PAIRS and abs(sum(vae["distance_hist"]) - 1) < 1e-9
    assert sum(saved["bias_training_counts"]) == 5963 and abs(sum(saved["bias"]["vae"]["generated"]) - 1) < 1e-9
    assert "bias vae: rarest 5 classes" in (results / "risks.md").read_text()
    saved["bias"] = {}
    (results / "risks.json").write_text(json.dumps(saved))
    again = risks.bias_only()
    assert again["families"]["vae"]["copy_share"] == out["families"]["vae"]["copy_share"]  # families untouched
    assert set(again["bias"]) == {"gan", "vae"}


def test_pipeline_benchmark(results):
    from benchmarks import pipeline

    out = pipeline.run(epochs=2, repeats=2, families=("vae",), per_class=40, fid_samples=60)
    saved = json.loads((results / "pipeline.json").read_text())
    vae = saved["families"]["vae"]
    assert set(saved["families"]) == {"vae"} and vae["train_images"] == 120 and vae["train_epoch"]["runs"] == 4
    assert vae["deterministic"] and len(vae["fid_curve"]) == 3 and vae["fid_final"] == out["vae"]["fid_final"]
    assert 0 < vae["train_epoch"]["median_s"] <= vae["epoch_with_fid"]["median_s"]
    assert vae["fid_floor"] < vae["fid_final"] < vae["fid_untrained"]
    assert "vae: domain FID untrained → after 2 epochs" in (results / "pipeline.md").read_text()


def test_results_json_keeps_flat_lists_on_one_line():
    payload = {"curve": [1.5, 2, None], "image": [[0, 255], [7, 8]], 3: {"ok": True, "empty": [], "none": {}},
               "rows": [{"a": (1, 2)}], "text": "생성 ✓"}
    text = common.to_json(payload)
    assert json.loads(text) == json.loads(json.dumps(payload))  # the same document json.dumps writes
    lines = text.splitlines()
    assert ' "curve": [1.5, 2, null],' in lines and "  [0, 255]," in lines and '   "a": [1, 2]' in lines
    assert len(lines) == 18
