"""The landscape data: every modality rated for every family, every demo page real, text for every key."""

from dashboard.core.i18n import strings
from models.apps.landscape import FAMILIES, LEVELS, MAIN, MODALITIES, family_matrix, main_families, modality
from tests.conftest import ROOT

OVERVIEW_MODALITIES = ["text", "image", "audio", "video", "code", "3d", "protein"]


def test_the_seven_output_modalities_in_the_overview_order():
    assert [m.key for m in MODALITIES] == OVERVIEW_MODALITIES


def test_every_modality_rates_every_family_and_has_a_main_one():
    for m in MODALITIES:
        assert set(m.families) == set(FAMILIES), m.key
        assert set(m.families.values()) <= set(LEVELS), m.key
        assert main_families(m.key), m.key
    matrix = family_matrix()
    assert len(matrix) == len(MODALITIES) and all(len(row) == len(FAMILIES) for row in matrix)


def test_well_known_facts():
    assert main_families("text") == ["autoregressive"] and main_families("code") == ["autoregressive"]
    assert "diffusion" in main_families("image") and "diffusion" in main_families("video")
    assert modality("image").families["gan"] < MAIN  # GANs are no longer the usual image generator


def test_demo_pages_exist_and_planned_ones_are_separate():
    for m in MODALITIES:
        assert m.demos, m.key
        for stem in m.demos:
            assert (ROOT / "pages" / f"{stem}.py").is_file(), (m.key, stem)
        assert not set(m.demos) & set(m.planned), m.key
    assert "music" in modality("audio").demos
    assert [m.key for m in MODALITIES if m.made_here] == ["text", "image", "audio"]


def test_every_modality_has_text_in_both_languages():
    for lang in ("ko", "en"):
        texts = strings(lang)
        for m in MODALITIES:
            for key in (f"modality.{m.key}.name", f"modality.{m.key}.what", f"modality.{m.key}.systems",
                        f"landscape.{m.key}.how", f"landscape.{m.key}.here"):
                assert texts.get(key), (lang, key)
        for family in FAMILIES:
            assert texts.get(f"landscape.family.{family}"), (lang, family)
        for level in LEVELS:
            assert texts.get(f"landscape.level.{level}"), (lang, level)


def test_the_course_application_areas_with_families_outputs_and_text():
    from models.apps.landscape import AREAS, area

    assert [a.key for a in AREAS] == ["games", "product", "medicine", "marketing", "education", "finance"]
    modalities = {m.key for m in MODALITIES}
    for a in AREAS:
        assert a.families and set(a.families) <= set(FAMILIES), a.key
        assert len(set(a.families)) == len(a.families), a.key
        assert a.outputs and set(a.outputs) <= modalities, a.key
        assert a.demos and all((ROOT / "pages" / f"{stem}.py").is_file() for stem in a.demos), a.key
        for lang in ("ko", "en"):
            for part in ("name", "what", "how"):
                assert strings(lang).get(f"area.{a.key}.{part}"), (lang, a.key, part)
    assert area("education").families[0] == "autoregressive" and "diffusion" in area("medicine").families
