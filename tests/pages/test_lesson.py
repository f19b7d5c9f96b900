"""The lesson (issue 18) through app.py: the lesson path in both languages, every step's link opening
its page with the settings applied, the try-this box and the next-step link."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import navigation
from dashboard.core.i18n import strings
from dashboard.core.widgets import md_escape
from dashboard.lesson import lesson_view
from dashboard.lesson.questions import question
from tests.conftest import ROOT
from tests.pages.conftest import run_app

STEPS = lesson_view.steps()


def open_link(url: str, lang_default: str = "en") -> AppTest:
    """A fresh visit to ``url`` (``/<stem>?…``), as when a student opens a shared link."""
    parts = urlsplit(url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in parse_qsl(parts.query):
        at.query_params[key] = value
    at.switch_page(f"pages/{parts.path.strip('/')}.py")
    at.run()
    return at


def links(at: AppTest) -> list[tuple[str, str, str]]:
    """(page url_path, query string, label) of every st.page_link drawn."""
    return [(e.proto.page, e.proto.query_string, e.proto.label) for e in at.get("page_link")]


def url_path(stem: str) -> str:
    return "" if stem == "overview" else stem  # the default page's link points at "/"


def test_lesson_path_lists_every_step_with_its_link(lang):
    at = run_app(lang, "pages/lesson.py")
    assert not at.exception, [e.value for e in at.exception]
    s = strings(lang)
    assert at.title[0].value == s["lesson.title"]
    drawn = links(at)
    assert len(drawn) == len(STEPS) >= 20
    for step, (page, query, label) in zip(STEPS, drawn, strict=True):
        assert page == url_path(step.stem)
        assert query == urlencode(lesson_view.query(step, lang))
        assert dict(parse_qsl(query))["step"] == str(step.n) and dict(parse_qsl(query))["lang"] == lang
        assert label == s["lesson.open"].format(n=step.n)
    text = "\n".join(m.value for m in at.markdown)
    assert s["lesson.total"].format(minutes=lesson_view.total_minutes()) in text
    assert 60 <= lesson_view.total_minutes() <= 90
    for step in STEPS:
        assert s[f"lesson.q.{step.stem}.show"] in text
        assert s[f"lesson.q.{step.stem}.ask"].split("{")[0] in text
    assert any(lesson_view.url(STEPS[8], lang) in c.value for c in at.caption)


@pytest.mark.parametrize("step", STEPS, ids=[s.stem for s in STEPS])
def test_each_step_link_opens_its_page_with_the_settings(step):
    lang = "en" if step.n % 2 else "ko"
    at = open_link(lesson_view.url(step, lang))
    assert not at.exception, [e.value for e in at.exception]
    notices = " ".join(str(toast.value) for toast in at.toast)
    for name, value in {**step.question.settings, "step": str(step.n)}.items():
        written = at.query_params.get(name)
        assert written == value, (name, value, written)  # applied and kept, not clamped
        assert f"“{md_escape(name)}”" not in notices
    s = strings(lang)
    assert s[f"lesson.q.{step.stem}.ask"].split("{")[0] in " ".join(m.value for m in at.markdown)
    if step.question.kind == "choice":
        box = at.radio(key=f"{lesson_view.KEY}{step.stem}")
        assert box.label == s["lesson.try.pick"] and len(box.options) == step.question.choices
    else:
        assert at.number_input(key=f"{lesson_view.KEY}{step.stem}").label == s["lesson.try.number"]
    drawn = links(at)
    if step.n < len(STEPS):
        after = STEPS[step.n]
        label = s["lesson.next"].format(n=after.n, title=s[navigation.page(after.stem).title])
        assert (url_path(after.stem), urlencode(lesson_view.query(after, lang)), label) in drawn
    else:
        assert s["lesson.done"] in [e.value for e in at.success]
    assert ("lesson", urlencode({"lang": lang}), s["lesson.back"]) in drawn


def test_without_a_step_there_is_no_next_link():
    at = run_app("en", "pages/tokens.py")
    assert not at.exception
    assert not [d for d in links(at) if d[2].startswith("Next:")]
    assert at.radio(key=f"{lesson_view.KEY}tokens")  # the try-this box is there on every page


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_try_this_reveals_the_answer_on_request(lang):
    q = question("tokens")
    at = open_link(lesson_view.url(lesson_view.step_of("tokens"), lang))
    key = f"{lesson_view.KEY}tokens"
    s = strings(lang)
    assert s["lesson.q.tokens.why"].split("{")[0] not in " ".join(m.value for m in at.markdown)  # hidden at first
    at.radio(key=key).set_value(int(q.answer))
    at.toggle(key=key + "_reveal").set_value(True).run()
    assert not at.exception
    answer = s[f"lesson.q.tokens.choice.{int(q.answer)}"]
    assert s["lesson.try.right"].format(answer=answer) in [e.value for e in at.success]
    shown = " ".join(m.value for m in at.markdown)
    assert lesson_view.figures.figures("tokens", lang)["cross"] in shown  # the measured figure, quoted
    at.radio(key=key).set_value((int(q.answer) + 1) % q.choices).run()
    assert s["lesson.try.wrong"].format(answer=answer) in [e.value for e in at.warning]


def test_the_answer_holds_on_the_page_it_sets_up():
    """top-k = 1 (next-token step): the page itself says one token survives the filters."""
    at = open_link(lesson_view.url(lesson_view.step_of("next_token"), "en"))
    assert not at.exception
    assert any(c.value.startswith("1 of ") for c in at.caption), [c.value for c in at.caption]
    at = open_link(lesson_view.url(lesson_view.step_of("autoencoder"), "en"))
    assert at.select_slider(key="_url_beta").value == 2  # β = 4
    assert "β = 4" in at.select_slider(key="_url_beta").options


def test_next_step_settings_win_over_values_held_from_the_last_page():
    """In one session a control that exists on both pages (the seed) takes the link's value, not the old one."""
    compare, gan = lesson_view.step_of("compare"), lesson_view.step_of("gan")
    at = open_link(lesson_view.url(compare, "en"))
    at.number_input(key="_url_seed").set_value(5).run()
    at.query_params.clear()
    for key, value in {**lesson_view.query(gan, "en"), "seed": "3", "cls": "7"}.items():
        at.query_params[key] = value
    at.switch_page("pages/gan.py")
    at.run()
    assert not at.exception
    assert at.number_input(key="_url_seed").value == 3 and at.selectbox(key="_url_cls").value == 7
    at.number_input(key="_url_seed").set_value(4).run()  # a change on the page itself is kept
    assert at.number_input(key="_url_seed").value == 4
