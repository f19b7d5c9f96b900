import json
import string

from dashboard.core import i18n
from tests.conftest import HANGUL

KO, EN = i18n.strings("ko"), i18n.strings("en")


def fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_key_sets_identical():
    assert set(KO) == set(EN)


def test_placeholders_match():
    for key in EN:
        assert fields(KO[key]) == fields(EN[key]), key


def test_english_has_no_hangul():
    assert [k for k, v in EN.items() if HANGUL.search(v)] == []


def test_korean_is_korean():
    # everything but names that are the same in both languages (brands, "GAN", "3D") is in Hangul
    untranslated = [k for k, v in KO.items() if not HANGUL.search(v) and v != EN[k]]
    assert untranslated == []
    assert sum(bool(HANGUL.search(v)) for v in KO.values()) > 0.8 * len(KO)


def test_files_are_valid_utf8_json_and_paired():
    for lang in i18n.LANGS:
        for path in i18n.string_files(lang):
            json.loads(path.read_text(encoding="utf-8"))
    ko = [p.name for p in i18n.string_files("ko")]
    en = [p.name for p in i18n.string_files("en")]
    assert ko[0] == "ko.json" and en[0] == "en.json"
    assert ko[1:] == en[1:]  # one page file per language, same names (e.g. tokens.json)


def test_glossary_entries():
    entries = i18n.glossary()
    assert len(entries) >= 50
    for key in ("id", "ko", "en"):
        values = [e[key] for e in entries]
        assert len(values) == len(set(values)), f"duplicate {key}"
    for e in entries:
        assert HANGUL.search(e["ko"]) and HANGUL.search(e["def_ko"]), e["id"]
        assert not HANGUL.search(e["en"] + e["def_en"]), e["id"]
        assert f"glossary.topic.{e['topic']}" in EN, e["topic"]


def test_glossary_has_the_course_terms():
    kos = {e["ko"] for e in i18n.glossary()}
    for term in ("잠재 공간", "판별자", "생성자", "가능도", "재구성 오차", "자기회귀 모델", "확산 모델", "셀프 어텐션"):
        assert term in kos, term


def test_default_language_from_environment(monkeypatch):
    monkeypatch.setenv("GENAI_LAB_LANG", "en")
    assert i18n.default_lang() == "en"
    monkeypatch.setenv("GENAI_LAB_LANG", "fr")
    assert i18n.default_lang() == "ko"
