"""AppTest helpers: run any page through app.py in a chosen language and read its UI text."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import HANGUL, ROOT

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
LANG_SWITCH_LABEL = "🌐 언어 / Language"


def run_app(lang: str | None = "ko", page: str | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(Path(ROOT) / "app.py"), default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def ui_texts(at: AppTest) -> list[str]:
    """Every piece of UI text a user reads: headings, prose, labels, options, metrics."""
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
                 "success", "latex", "exception", "toast"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("button", "number_input", "selectbox", "text_input", "slider", "radio", "checkbox",
                 "multiselect", "select_slider", "text_area", "toggle"):
        for e in getattr(at, kind):
            if e.label == LANG_SWITCH_LABEL:
                continue
            texts.append(e.label)
            texts += [str(o) for o in getattr(e, "options", [])]
            if getattr(e, "placeholder", None):
                texts.append(e.placeholder)
    texts += [m.label for m in at.metric] + [str(m.value) for m in at.metric]
    texts += [x.label for x in at.expander]
    return [t for t in texts if t]


@pytest.fixture(params=["ko", "en"])
def lang(request):
    return request.param


def pictures(at: AppTest) -> dict[str, str]:
    """Every ``st.image`` picture in the page's main area (not the sidebar's share QR code): caption → media
    URL (the URL changes with the pixels)."""
    return {img.caption: img.url for element in at.main.get("image") for img in element.proto.imgs}


def picture(at: AppTest, prefix: str) -> str:
    """The URL of the one picture whose caption starts with ``prefix``."""
    found = [url for caption, url in pictures(at).items() if caption.startswith(prefix)]
    assert len(found) == 1, (prefix, list(pictures(at)))
    return found[0]


def assert_in_language(texts: list[str], lang: str) -> None:
    """English: no UI text carries Hangul; Korean: at least 60 % of them do."""
    with_hangul = [x for x in texts if HANGUL.search(x)]
    if lang == "en":
        assert with_hangul == [], with_hangul
    else:
        assert len(with_hangul) >= 0.6 * len(texts)
