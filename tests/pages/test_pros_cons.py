"""The pros & cons page: the scorecard from the shipped benchmark and every detail section, both languages."""

import json

import pytest

from dashboard.apps.risks_view import SECTIONS
from dashboard.core.i18n import strings
from tests.conftest import ROOT
from tests.pages.conftest import picture, run_app, ui_texts

PAGE = "pages/pros_cons.py"
RESULTS = json.loads((ROOT / "benchmarks" / "results" / "risks.json").read_text(encoding="utf-8"))


def test_scorecard_shows_the_benchmark_numbers():
    at = run_app("en", PAGE)
    assert not at.exception, [e.value for e in at.exception]
    card = next(m.value for m in at.markdown if m.value.startswith(strings("en")["risks.card.table_head"]))
    rows = card.splitlines()[2:]
    assert len(rows) == 10  # every pro and con, one row each
    gan = RESULTS["families"]["gan"]
    assert f"GAN {gan['copy_share']:.1%}" in card and f"GAN {gan['control_accuracy']:.0%}" in card
    vae_bias = RESULTS["bias"]["vae"]
    assert f"VAE {vae_bias['rare_training']:.1%} → {vae_bias['rare_generated']:.1%}" in card


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("section", range(len(SECTIONS)))
def test_every_section_renders_in_both_languages(section, lang):
    at = run_app(lang, PAGE, query={"sec": str(section)})
    assert not at.exception, [e.value for e in at.exception]
    name = SECTIONS[section]
    assert at.subheader[0].value == strings(lang)[f"risks.section.{name}"]
    assert strings(lang)[f"risks.{name}.body"] in ui_texts(at)
    assert not at.error, [e.value for e in at.error]
    figures = {"creativity": 2, "automation": 1, "memorisation": 2, "bias": 2, "control": 2, "deepfakes": 1,
               "compute": 1, "hallucination": 0}[name]
    assert len(at.get("plotly_chart")) + len(at.get("image")) >= figures  # charts and image grids


def test_control_section_measures_the_asked_class_live():
    at = run_app("en", PAGE, query={"sec": str(SECTIONS.index("control")), "cfam": "0", "ccls": "1"})  # GAN trousers
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics['Judge agrees it is “Trouser” (these 48)'].rstrip("%")) > 50
    at.selectbox(key="_url_ccls").set_value(6).run()  # shirts: the hardest class
    assert not at.exception
    assert 'Judge agrees it is “Shirt” (these 48)' in {m.label for m in at.metric}


def test_bias_section_samples_the_imbalanced_model():
    at = run_app("ko", PAGE, query={"sec": str(SECTIONS.index("bias")), "bfam": "1"})
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert labels[0].endswith("증폭 배율") and labels[1] == strings("ko")["risks.bias.rare"]
    assert at.metric[0].value.startswith("×")


def test_variations_follow_the_spread_slider():
    at = run_app("en", PAGE, query={"sec": "0", "spread": "0.2"})
    assert not at.exception
    grid = picture(at, "Your picture (first) and 16 variations")
    at.slider(key="_url_spread").set_value(0.8).run()
    assert not at.exception and at.query_params["spread"] == "0.8"
    assert picture(at, "Your picture (first) and 16 variations") != grid  # new variations, further from the picture


def test_bad_url_values_fall_back():
    at = run_app("ko", PAGE, query={"sec": "99", "spread": "abc", "cfam": "-1"})
    assert not at.exception
    assert at.query_params["sec"] == str(len(SECTIONS) - 1)


def test_the_imbalanced_data_is_described_with_real_counts():
    at = run_app("en", PAGE, query={"sec": str(SECTIONS.index("bias"))})
    counts = RESULTS["bias_training_counts"]
    assert f"{counts[0]:,} images of the largest class down to {counts[-1]:,}" in "\n".join(ui_texts(at))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_outlook_names_co_creation_personalisation_and_their_risks(lang):
    at = run_app(lang, PAGE)
    assert not at.exception, [e.value for e in at.exception]
    texts = strings(lang)
    assert texts["risks.outlook.header"] in [h.value for h in at.subheader]
    shown = ui_texts(at)
    for part in ("intro", "cocreation", "personal", "risks", "risks.more"):
        assert texts[f"risks.outlook.{part}"] in shown, part
    assert texts["risks.outlook.intro"] not in texts["risks.ethics.body.more"]  # said once, under the outlook
