"""Figures quoted in prose come from the shipped results files, not from typed-in numbers (issue 19)."""

import json

import pytest

from tests.conftest import ROOT
from tests.pages.conftest import run_app, ui_texts


def _json(path: str) -> dict:
    return json.loads((ROOT / path).read_text(encoding="utf-8"))


def _text(page: str, lang: str) -> str:
    at = run_app(lang, page)
    assert not at.exception
    return "\n".join(ui_texts(at))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_gan_verdict_quotes_training_scores_and_detector(lang):
    m = _json("assets/checkpoints/gan/metrics.json")
    detector = _json("benchmarks/results/risks.json")["families"]["gan"]["detector_accuracy"]
    text = _text("pages/gan.py", lang)
    assert f"{m['d_real'][-1]:+.2f}" in text and f"{m['d_fake'][-1]:+.2f}" in text
    assert f"{detector:.1%}" in text


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_compare_notes_quote_parameters_and_precision(lang):
    text = _text("pages/compare.py", lang)
    for name in ("flow", "vae"):
        assert f"{_json(f'assets/checkpoints/{name}/metrics.json')['parameters']:,}" in text
    precision = _json("benchmarks/results/zoo.json")["families"]["diffusion"]["precision"]
    assert f"{precision:.2f}" in text


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_diffusion_reading_quotes_the_step_curve(lang):
    curve = _json("benchmarks/results/zoo.json")["diffusion_steps"]
    text = _text("pages/diffusion.py", lang)
    for sampler in ("ddpm", "ddim", "dpm"):
        assert f"{curve['samplers'][sampler]['fid'][0]:.1f}" in text


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_autoencoder_shows_the_bound_with_beta_one(lang):
    at = run_app(lang, "pages/autoencoder.py")
    assert not at.exception
    formulas = [str(e.value) for e in at.latex]
    bound = next(f for f in formulas if r"\ge" in f)
    assert r"\beta" not in bound and any(r"\mathcal{L}_\beta" in f for f in formulas)


@pytest.mark.parametrize(("page", "name", "given", "shown"), [
    ("pages/flow.py", "temp", "35", 0.35), ("pages/diffusion.py", "w", "35", 3.5),
])
def test_sliders_show_real_values_while_links_keep_integers(page, name, given, shown):
    """Sliders show a temperature of 0.35 or a guidance of 3.5, not "× 100" / "× 10"; the URL keeps the integer."""
    at = run_app("en", page, query={name: given})
    assert not at.exception
    assert at.slider(key=f"_url_{name}").value == pytest.approx(shown)
    assert at.query_params[name] in (given, [given])
    assert "×" not in at.slider(key=f"_url_{name}").label
