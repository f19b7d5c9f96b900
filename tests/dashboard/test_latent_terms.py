"""The latent variable (잠재 변수): defined where the course's latent pages start, then used by name.

The definition is a course topic (``latent_variable_definition`` in ``models/basics/topics.py``); the
first page in the menu whose Korean text speaks of anything latent (잠재) must be the page that
defines it, and every latent page after it must say 잠재 변수 rather than the older variants.
"""

import json

import pytest

from dashboard.core import navigation
from dashboard.core.i18n import I18N_DIR, strings
from models.basics.topics import topic
from tests.pages.conftest import run_app, ui_texts

DEFINITION = topic("latent_variable_definition")
NOT_COURSE = {"lesson", "glossary"}  # the lesson path and the glossary speak of every page
LATENT_PAGES = ("gan", "autoencoder", "latent_map", "interpolation")
OLD_KO = ("잠재 숫자", "노이즈 숫자", "무작위 벡터")
OLD_EN = ("latent number", "random vector", "16-number latent", "noise numbers")


def page_strings(stem: str, lang: str) -> dict[str, str]:
    path = I18N_DIR / lang / f"{stem}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def test_the_definition_is_on_the_first_page_that_speaks_of_latents():
    first = next(p.stem for p in navigation.PAGES if p.stem not in NOT_COURSE
                 and any("잠재" in text for text in page_strings(p.stem, "ko").values()))
    assert first == DEFINITION.page == LATENT_PAGES[0]
    ko, en = strings("ko")[DEFINITION.key], strings("en")[DEFINITION.key]
    assert DEFINITION.key in page_strings(DEFINITION.page, "ko")
    for term in ("**잠재 변수**", "**잠재 코드**", "**잠재 공간**", "관측하지 못하는"):
        assert term in ko, term
    for term in ("**latent variable**", "**latent code**", "**latent space**", "never observe"):
        assert term in en, term


@pytest.mark.parametrize("stem", LATENT_PAGES)
def test_korean_latent_pages_use_the_term(stem):
    at = run_app("ko", f"pages/{stem}.py")
    assert not at.exception, [e.value for e in at.exception]
    shown = "\n".join(ui_texts(at))
    assert "잠재 변수" in shown
    assert not [old for old in OLD_KO if old in shown]
    if stem == DEFINITION.page:
        assert strings("ko")[DEFINITION.key] in shown
        assert any(r"p(x) = \int p(x \mid z)\, p(z)\, dz" in x.value for x in at.latex)


def test_english_latent_pages_say_latent_variable_and_code():
    for stem in LATENT_PAGES:
        texts = page_strings(stem, "en").values()
        assert not [old for text in texts for old in OLD_EN if old in text.lower()], stem
        assert not [old for text in page_strings(stem, "ko").values() for old in OLD_KO if old in text], stem
    assert any("latent variable" in text for text in page_strings("autoencoder", "en").values())


def test_the_glossary_defines_the_latent_variable_and_its_code():
    from dashboard.core.i18n import glossary

    entries = {e["id"]: e for e in glossary()}
    variable, code = entries["latent_variable"], entries["latent_code"]
    assert variable["ko"] == "잠재 변수" and code["ko"] == "잠재 코드"
    assert "∫ p(x | z) p(z) dz" in variable["def_ko"] and "∫ p(x | z) p(z) dz" in variable["def_en"]
    assert "잠재 코드" in variable["def_ko"] and "latent code" in variable["def_en"]
    assert "잠재 변수" in code["def_ko"] and "latent variable" in code["def_en"]
