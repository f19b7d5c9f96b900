"""Every page, in both languages, through app.py: no exception, real content, the right script."""

import pytest

from dashboard.core.i18n import strings
from tests.conftest import HANGUL, ROOT
from tests.pages.conftest import PAGES, assert_in_language, run_app, ui_texts

TITLE_KEYS = {
    "pages/lesson.py": "lesson.title",
    "pages/overview.py": "overview.title",
    "pages/glossary.py": "glossary.title",
    "pages/compare.py": "compare.title",
    "pages/diffusion.py": "diffusion.title",
    "pages/gan.py": "gan.title",
    "pages/flow.py": "flow.title",
    "pages/latent_map.py": "latent_map.title",
    "pages/autoencoder.py": "autoencoder.title",
    "pages/interpolation.py": "interp.title",
    "pages/tokens.py": "tokens.title",
    "pages/next_token.py": "next.title",
    "pages/own_images.py": "ownimages.title",
    "pages/own_text.py": "owntext.title",
    "pages/transformer_vs_rnn.py": "tvr.title",
    "pages/lab_2d.py": "lab.title",
    "pages/probability.py": "prob.title",
    "pages/landscape.py": "landscape.title",
    "pages/applications.py": "apps.title",
    "pages/augmentation.py": "augment.title",
    "pages/music.py": "music.title",
    "pages/pipeline.py": "pipeline.title",
    "pages/pros_cons.py": "risks.title",
}
EXPECTED_TITLES = {page: {lang: strings(lang)[key] for lang in ("ko", "en")} for page, key in TITLE_KEYS.items()}
assert EXPECTED_TITLES["pages/overview.py"] == {"ko": "생성형 AI란?", "en": "What is generative AI?"}


def test_every_page_has_expectations():
    assert sorted(EXPECTED_TITLES) == PAGES


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_in_language(page, lang):
    at = run_app(lang, page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == EXPECTED_TITLES[page][lang]
    texts = ui_texts(at)
    assert len(texts) >= 5
    assert_in_language(texts, lang)
    assert at.session_state["lang"] == lang
    assert at.query_params["lang"] == lang
    assert len(key_figures(at)) == 1  # each page declares exactly one key figure (presenter mode, layout tests)
    captions = [img.caption for element in at.get("image") for img in element.proto.imgs]
    assert all(c.strip() for c in captions), captions  # every picture says what it shows
    if lang == "en":
        assert not [c for c in captions if HANGUL.search(c)]
    else:
        assert all(HANGUL.search(c) for c in captions), captions


def key_figures(at) -> list:
    """The blocks made by ``widgets.key_figure()`` (a container keyed "key_figure")."""
    found, todo = [], [at._tree]
    while todo:
        node = todo.pop()
        if node.type == "flex_container" and str(getattr(node.proto, "id", "")).endswith("-key_figure"):
            found.append(node)
        todo += list(getattr(node, "children", {}).values())
    return found


def test_images_are_crisp_pngs_with_captions():
    at = run_app("en", "pages/compare.py", query={"n": "16"})
    assert not at.exception
    pictures = [img for element in at.main.get("image") for img in element.proto.imgs]
    assert len(pictures) == 4 and all(p.caption.endswith("seed 0)") and "16 generated images" in p.caption
                                      for p in pictures)
    assert all(p.url.endswith(".png") for p in pictures)  # PNG, never JPEG (which would smear the pixels)
    keys = [b.key for b in at.get("download_button") if b.proto.label == "PNG"]
    assert keys == [f"png_grid_{f}" for f in ("gan", "vae", "flow", "diffusion")]  # one PNG under every grid


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_on_its_own(page):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == EXPECTED_TITLES[page]["en"]


def test_default_language_is_korean(monkeypatch):
    monkeypatch.delenv("GENAI_LAB_LANG", raising=False)
    at = run_app(lang=None)
    assert at.session_state["lang"] == "ko" and at.query_params["lang"] == "ko"


def test_environment_sets_default_language(monkeypatch):
    monkeypatch.setenv("GENAI_LAB_LANG", "en")
    at = run_app(lang=None)
    assert at.title[0].value == "What is generative AI?"


def test_unknown_language_falls_back_without_error(monkeypatch):
    monkeypatch.delenv("GENAI_LAB_LANG", raising=False)
    at = run_app(lang="xx")
    assert not at.exception
    assert at.session_state["lang"] == "ko" and at.query_params["lang"] == "ko"


def test_language_survives_page_switch():
    at = run_app("en")
    at.query_params.clear()  # sidebar navigation drops query parameters
    at.switch_page("pages/glossary.py")
    at.run()
    assert at.title[0].value == "Glossary"
    assert at.query_params["lang"] == "en"  # written back for the next shared link
