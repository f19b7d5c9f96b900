"""The benchmarks run end to end (tiny sizes here) and write JSON + markdown with the machine named."""

import dataclasses
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
    # the second judge scores the same samples against its own floor, and the table shows both
    assert out["floor_fid_judge2"] > 0 and out["families"]["gan"]["fid_judge2"] > 0
    assert saved["floor_fid_judge2"] != saved["floor_fid"] and 0.8 < saved["judge2_test_accuracy"] < 1
    md = (results / "zoo.md").read_text()
    assert "judge2 floor FID (N=60, same images)" in md and "judge2 FID" in md and "× its floor" in md


@pytest.mark.parametrize("trained_steps, kept", [("now", True), (-1, False)])
def test_zoo_rerun_keeps_the_curve_of_the_same_checkpoint(results, monkeypatch, trained_steps, kept):
    """Re-measuring the diffusion row without the curve keeps a curve of the shipped checkpoint, drops an old one."""
    from benchmarks import zoo

    now = zoo._trained_steps()
    curve = {"n": 20, "steps": zoo.CURVE_STEPS, "floor": 1.0, "samplers": {"dpm": {"fid": [4.0, 3.0, 2.0, 1.0]}},
             "trained_steps": now if trained_steps == "now" else trained_steps}
    (results / "zoo.json").write_text(json.dumps({"n": 20, "floor_fid": 1.0, "families": {}, "diffusion_steps": curve}))
    measured = []

    def row(family, judge, fid, real_features, test, n, seed=0, fid2=None):  # the sampling itself is tested above
        measured.append(family)
        images = test.images[:n]
        return {"fid": fid.score(images), "fid_judge2": fid2.score(images), "precision": 1.0, "recall": 1.0,
                "density": 1.0, "coverage": 1.0, "conditional_accuracy": 1.0, "unconditional_min_share": 0.1,
                "nfe": 1, "ms_16_images": 1.0}

    monkeypatch.setattr(zoo, "measure_family", row)
    for families in (("diffusion",), None):  # a partial run and a full one
        out = zoo.run(repeats=1, n=20, families=families, curve=False)
        assert ("diffusion_steps" in out) is kept
        assert ("diffusion dpm FID" in (results / "zoo.md").read_text()) is kept
    assert measured == ["diffusion", *zoo.zoo.FAMILIES]


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


def test_risks_partial_run_keeps_the_other_families_measured_alike():
    from benchmarks import risks

    previous = {"n": 60, "seed": 0, "families": {"gan": {"copy_share": 0.5}, "vae": {"copy_share": 0.1}}}
    assert risks.kept_families(previous, ("vae",), n=60, seed=0) == {"gan": {"copy_share": 0.5}}
    assert risks.kept_families(previous, ("vae",), n=2000, seed=0) == {}  # other sample size: not comparable
    assert risks.kept_families(previous, risks.zoo.FAMILIES, n=60, seed=0) == {}  # a full run keeps nothing


def test_augment_partial_run_keeps_the_skipped_families_rows(results):
    from benchmarks import augment as bench
    from models.apps import augment

    config = augment.AugmentConfig(real_per_class=3, synthetic_per_class=3, steps=3, batch_size=16)
    gan_row = {"mean": 0.123, "std": 0.0, "accuracies": [0.123], "train_images": 60, "seconds": 1.0}
    (results / "augment.json").write_text(json.dumps({
        "config": json.loads(json.dumps(dataclasses.asdict(config))), "seeds": [0],
        "conditions": {"real": {**gan_row, "mean": 0.5}, "real+gan": gan_row}, "runs": {"real+gan": [{}]}}))
    bench.run(seeds=(0,), config=config, families=("vae",))
    again = json.loads((results / "augment.json").read_text())
    assert list(again["conditions"]) == ["real", "real+gan", "real+vae"] and again["conditions"]["real+gan"] == gan_row
    assert again["conditions"]["real"]["mean"] != 0.5 and again["runs"]["real+gan"] == [{}]  # real: measured anew
    assert "real+gan (60 training images) | test accuracy 12.3%" in (results / "augment.md").read_text()
    other = dataclasses.replace(config, steps=4)  # another config or other seeds: the saved rows are not comparable
    assert bench.kept_rows(again, {"real": {}}, {}, other, (0,)) == ({"real": {}}, {})
    assert bench.kept_rows(again, {"real": {}}, {}, config, (1,)) == ({"real": {}}, {})


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


def test_load_benchmark_tiny_run(tmp_path):
    """The real server, two simulated students on the overview page: every click ends in script_finished."""
    from benchmarks import load

    out = load.run(students=2, think=0.5, duration=5, scenarios=("a",), pages=("overview",), baseline_clicks=1,
                   timeout=30, deadline=150, results=tmp_path)
    saved = json.loads((tmp_path / "load.json").read_text())
    assert {"options", "baseline", "scenarios", "memory", "memory_series", "machine"} <= set(saved)
    assert "incomplete" not in saved and saved["options"]["students"] == 2
    overview = saved["scenarios"]["a"]["pages"]["overview"]
    assert overview["clicks"] > 0 and overview["errors"] == 0 and 0 < overview["p50_s"] <= overview["p95_s"]
    assert set(overview) == {"clicks", "p50_s", "p95_s", "max_s", "errors", "waited", "queue_p95_s"}
    for kind in ("same", "random"):
        alone = saved["baseline"][kind]["overview"]
        assert alone["clicks"] == 1 and alone["errors"] == 0 and alone["p95_s"] > 0
    assert saved["baseline"]["warmup"]["overview"]["error"] is None
    assert saved["memory"]["peak_mb"] >= saved["memory"]["start_mb"] > 0 and saved["scenarios"]["a"]["memory"]
    assert out["scenarios"]["a"]["pages"]["all"]["clicks"] == overview["clicks"]
    assert "| a | overview |" in (tmp_path / "load.md").read_text()


def test_load_tab_reads_queue_notices_errors_buttons_and_fragment_timers():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from benchmarks.load import Tab

    def msg(**fields) -> bytes:
        m = ForwardMsg()
        for path, value in fields.items():
            *parents, leaf = path.split("__")
            target = m
            for name in parents:
                target = getattr(target, name)
            setattr(target, leaf, value)
        return m.SerializeToString()

    tab = Tab(ws=None)
    tab.handle(msg(delta__new_element__markdown__body="An ordinary caption ⏳"))
    tab.handle(msg(delta__new_element__alert__body="text", delta__new_element__alert__icon="⏳"))  # an icon only
    assert tab.queue_at is None
    tab.handle(msg(delta__new_element__markdown__body=" ⏳ waiting — 3 ahead of you"))
    assert tab.queue_at is not None
    tab.handle(msg(delta__new_element__button__label="Start", delta__new_element__button__id="$$ID-1"))
    tab.handle(msg(delta__new_element__exception__type="ValueError", delta__new_element__exception__message="bad"))
    tab.handle(msg(page_not_found__page_name="nowhere"))
    assert tab.buttons == {"Start": "$$ID-1"} and tab.errors == ["ValueError: bad", "page not found: 'nowhere'"]
    tab.handle(msg(auto_rerun__fragment_id="f1", auto_rerun__interval=0.5))
    assert tab.auto_reruns == {"f1": 0.5}
    fragment = ForwardMsg(new_session={"page_script_hash": "h"})
    fragment.metadata.run.fragment_ids.append("f1")
    tab.handle(fragment.SerializeToString())
    assert tab.fragment_runs == 1 and tab.auto_reruns == {"f1": 0.5}  # a fragment run keeps the timers
    done = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    assert tab.handle(msg(script_finished=done)) == done
    tab.handle(msg(new_session__page_script_hash="h"))  # a full run: the browser drops its timers
    assert tab.auto_reruns == {} and tab.page_hash == "h" and tab.fragment_runs == 1


def test_render_benchmark_tiny_run(tmp_path):
    """Two pages, one round, both modes, one cold start: every render timed, the floor under the app."""
    import subprocess
    import sys

    # in its own process: Playwright's sync API refuses to start while another one runs in this process
    # (the browser tests' session-wide Chromium, when the whole suite runs)
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from benchmarks import render; "
                    "render.run(repeats=1, pages=('glossary', '/'), cold_repeats=1, results=Path(sys.argv[1]))",
                    str(tmp_path)], check=True, timeout=900)
    saved = json.loads((tmp_path / "render.json").read_text())
    out = saved
    assert set(saved["pages"]) == {"glossary", "/"} and saved["options"]["modes"] == ["normal", "present"]
    for by_mode in saved["pages"].values():
        assert all(by_mode[mode]["runs"] == 1 and by_mode[mode]["median_s"] > 0 for mode in ("normal", "present"))
    assert set(saved["warmup_s"]) == {f"{p} {m}" for p in ("glossary", "/") for m in ("normal", "present")}
    cold = saved["cold_start"]
    assert 0 < cold["empty_app_first_render"]["median_s"] < cold["app_first_render"]["median_s"]
    assert cold["ratio"] == out["cold_start"]["ratio"] > cold["empty_ratio"] > 0
    md = (tmp_path / "render.md").read_text()
    assert "| glossary |" in md and "empty Streamlit app" in md and "pages over the 1.5 s target" in md


def test_rooms_benchmark_tiny_run(tmp_path):
    """The real server, a projector and three students in one room: polls time, the chart counts every answer."""
    from benchmarks import rooms

    out = rooms.run(students=3, polls=3, duration=14, results=tmp_path)
    saved = json.loads((tmp_path / "rooms.json").read_text())
    assert "room=" in saved["room_link_query"] and saved["choices"] >= 2
    for name in ("alone_projector", "alone_student"):
        assert saved[name]["n"] == 3 and saved[name]["cpu_ms_per_poll"] > 0
    assert out["class"]["projector_polls"]["n"] >= 3 and out["class"]["student_polls"]["n"] >= 3
    assert out["class"]["chart_counts"] == out["class"]["expected_counts"] and sum(out["class"]["chart_counts"]) == 3
    assert "one poll alone: projector's chart" in (tmp_path / "rooms.md").read_text()


def test_own_text_benchmark(results):
    from benchmarks import own_text
    from models.language.own_text import OwnConfig

    tiny = OwnConfig(context=32, n_embd=16, n_layer=1, n_head=2, batch_size=4)
    out = own_text.run(chars=3000, max_seconds=2, repeats=1, langs=("en",), config=tiny)
    saved = json.loads((results / "own_text.json").read_text())
    assert saved["machine"]["cores"] >= 1 and saved["texts"]["en"]["chars"] == 3000
    assert out["en"]["tokens_per_s"] > 0 and saved["texts"]["en"]["bigram"] > 0
    assert "held-out loss below the bigram after" in (results / "own_text.md").read_text()


def test_own_images_benchmark(results):
    from benchmarks import own_images
    from models.image.own_images import OwnImagesConfig

    out = own_images.run(n_images=12, seconds=0.5, repeats=1, families=("vae",), shifts=(2,),
                         config=OwnImagesConfig(round_steps=2))
    saved = json.loads((results / "own_images.json").read_text())
    run = saved["runs"]["vae, shift 2"]
    assert saved["machine"]["cores"] >= 1 and saved["n_images"] == 12 and run["rounds"] >= 1
    assert len(run["curve"]) == run["rounds"] + 1 and run["quality_floor"] > 0
    assert out["vae, shift 2"]["samples_per_s"] > 0
    assert "quality halved after (target ≤ 60 s)" in (results / "own_images.md").read_text()
