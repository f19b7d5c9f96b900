"""The family and sampler tables (models/image/zoo.py) are what every reader goes by: a throw-away row
shows up in the sampling CLI, the pages, the benchmark plan, and as missing UI strings."""

import pytest

from dashboard.core import i18n
from models.image import zoo
from tests.pages.conftest import run_app

TOY_SAMPLER = zoo.Sampler("toy_sampler", "DDIMScheduler", {"clip_sample": False}, live_steps=7)
# A second name for the GAN wrapper: it loads the shipped GAN checkpoint, so the pages can draw it.
TOY_FAMILY = zoo.Family("toyfam", "models.image.gan", "GAN", trainer="gan")
TOY_KEYS = ["compare.family.toyfam", "compare.how.toyfam", "diffusion.sampler.toy_sampler"]


@pytest.fixture
def toy_rows(monkeypatch):
    monkeypatch.setitem(zoo.SAMPLERS, TOY_SAMPLER.name, TOY_SAMPLER)
    monkeypatch.setitem(zoo.FAMILIES, TOY_FAMILY.name, TOY_FAMILY)


def test_shipped_rows_have_every_string():
    assert i18n.missing(zoo.i18n_keys()) == {"ko": [], "en": []}


def test_missing_strings_are_exactly_the_new_rows(toy_rows):
    assert i18n.missing(zoo.i18n_keys()) == {"ko": TOY_KEYS, "en": TOY_KEYS}


def _choices(parser, command: str, option: str):
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return list(next(a for a in sub._actions if option in a.option_strings).choices)


def test_cli_offers_the_new_rows(toy_rows, tmp_path):
    from models.__main__ import build_parser

    parser = build_parser()
    assert _choices(parser, "sample", "--family") == ["gan", "vae", "flow", "diffusion", "toyfam"]
    assert _choices(parser, "sample", "--sampler") == ["ddpm", "ddim", "dpm", "toy_sampler"]
    args = parser.parse_args(["sample", "--family", "diffusion", "--sampler", "toy_sampler", "--steps", "3",
                              "--n", "2", "--seed", "0", "--out", str(tmp_path / "x.npz")])
    assert args.sampler == "toy_sampler"


def test_cli_samples_with_the_new_rows(toy_rows, tmp_path):
    """In-process (the rows are monkeypatched): the new family draws, the new sampler's scheduler is used."""
    import numpy as np

    from models.__main__ import main

    assert main(["sample", "--family", "toyfam", "--n", "3", "--seed", "1", "--out", str(tmp_path / "f.npz")]) == 0
    assert main(["sample", "--family", "gan", "--n", "3", "--seed", "1", "--out", str(tmp_path / "g.npz")]) == 0
    np.testing.assert_array_equal(np.load(tmp_path / "f.npz")["images"], np.load(tmp_path / "g.npz")["images"])
    assert main(["sample", "--family", "diffusion", "--sampler", "toy_sampler", "--steps", "2", "--n", "2",
                 "--seed", "1", "--out", str(tmp_path / "d.npz")]) == 0


def test_benchmark_plans_the_new_rows(toy_rows):
    from benchmarks import zoo as bench

    plan = bench.plan()
    assert plan["families"] == ["gan", "vae", "flow", "diffusion", "toyfam"]
    assert plan["samplers"] == ["ddpm", "ddim", "dpm", "toy_sampler"]
    assert bench.plan(["gan"])["samplers"] == []  # no family that takes a sampler: no steps curve


def test_diffusion_page_offers_the_new_sampler(toy_rows):
    at = run_app("en", "pages/diffusion.py", query={"sampler": "3", "steps": "2"})
    assert not at.exception, [e.value for e in at.exception]
    radio = next(r for r in at.radio if r.label == i18n.strings("en")["diffusion.reverse.sampler"])
    assert radio.options == ["DDPM", "DDIM", "DPM-Solver++", "diffusion.sampler.toy_sampler"]  # the missing name
    assert radio.value == 3 and at.query_params["sampler"] == "3"
    steps = next(s for s in at.slider if s.label == i18n.strings("en")["diffusion.reverse.steps"])
    assert (steps.min, steps.max, steps.value) == (1, 100, 2)  # the widest live range over the rows


def test_compare_page_draws_the_new_family(toy_rows):
    at = run_app("en", "pages/compare.py", query={"n": "4"})
    assert not at.exception, [e.value for e in at.exception]
    heads = [h.value for h in at.subheader]
    assert heads[:5] == ["GAN", "VAE", "Flow", "Diffusion", "compare.family.toyfam"]
    assert any("compare.how.toyfam" in m.value for m in at.markdown)  # the family's note, under its name
    unavailable = i18n.strings("en")["compare.unavailable"].split("{")[0]
    assert not [w.value for w in at.warning if w.value.startswith(unavailable)]  # it loaded and sampled


def test_every_family_names_a_trainer_and_its_defaults_fit():
    from models.registry import TRAINERS

    for row in zoo.FAMILIES.values():
        assert row.trainer in TRAINERS, row
        assert row.calls() >= 1
    lo, hi = zoo.step_range()
    assert lo <= zoo.DIFFUSION["steps"] <= min(s.live_steps for s in zoo.SAMPLERS.values()) <= hi
    assert zoo.DIFFUSION["sampler"] in zoo.SAMPLERS
