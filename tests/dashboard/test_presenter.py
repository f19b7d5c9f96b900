"""Presenter mode (``?present=1`` or the sidebar toggle): kept across pages, explanations folded."""

from streamlit.testing.v1 import AppTest

from dashboard.core import presenter, url_state
from dashboard.core.i18n import strings
from tests.conftest import ROOT

TOGGLE = {"en": strings("en")["presenter.toggle"], "ko": strings("ko")["presenter.toggle"]}


def _app(query: dict[str, str], page: str = "pages/glossary.py") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page)
    return at.run()


def _toggle(at: AppTest, lang: str = "en"):
    return next(w for w in at.sidebar.toggle if w.label == TOGGLE[lang])


def _folded(at: AppTest, key: str, lang: str = "en") -> bool:
    """Whether the paragraph ``key`` is drawn inside a presenter "Explanation" expander."""
    text = strings(lang)[key]
    return any(text in [m.value for m in box.markdown]
               for box in at.expander if box.label == strings(lang)["presenter.explain"])


def test_declared_for_every_page():
    assert url_state.COMMON["present"].kind == "choice"


def test_toggle_sets_the_url_and_folds_explanations():
    at = _app({"lang": "en"})
    assert not at.exception
    assert "present" not in at.query_params and not _toggle(at).value
    assert not _folded(at, "glossary.intro")
    assert strings("en")["glossary.intro"] in [m.value for m in at.markdown]
    _toggle(at).set_value(True).run()
    assert not at.exception
    assert at.query_params["present"] == ["1"] or at.query_params["present"] == "1"
    assert _folded(at, "glossary.intro")
    assert any(presenter.CSS.strip() in str(h.proto.body) for h in at.get("html"))


def test_kept_across_a_page_switch_and_turned_off():
    at = _app({"lang": "ko", "present": "1"})
    assert _toggle(at, "ko").value and _folded(at, "glossary.intro", "ko")
    at.query_params.clear()  # sidebar navigation drops the query string
    at.switch_page("pages/landscape.py").run()
    assert not at.exception
    assert str(at.query_params.get("present")).strip("[]'\"") == "1"
    assert _toggle(at, "ko").value and _folded(at, "landscape.intro", "ko")
    _toggle(at, "ko").set_value(False).run()
    assert "present" not in at.query_params
    assert not _folded(at, "landscape.intro", "ko")
    assert not any("st-key-key_figure" in str(h.proto.body) for h in at.get("html"))


def test_present_zero_turns_it_off():
    at = _app({"lang": "en", "present": "1"})
    assert _toggle(at).value
    at.query_params["present"] = "0"
    at.run()
    assert not _toggle(at).value and "present" not in at.query_params
