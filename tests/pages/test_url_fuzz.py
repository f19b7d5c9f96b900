"""Hostile links: every URL parameter every page declares (``dashboard/url_state.PAGES``) gets bad values.

Each run sets every parameter a page reads (in one context, see ``Param.when``) to a bad value at
once, rotating through the corpus's URL values (``tests/inputs/corpus.py``), so each parameter
meets every value. Expected: no traceback, a notice for each value that was changed, the URL
written back with a value the page accepts, and no link or image from the URL rendered as
Markdown. A parameter added later is covered once it is declared, and ``GENAI_LAB_STRICT_URL=1``
(tests/conftest.py) makes reading an undeclared one fail every page test.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import url_state
from dashboard.core.widgets import md_escape
from tests.conftest import ROOT
from tests.inputs.corpus import URL_UNKNOWN, URL_VALUES
from tests.pages.conftest import PAGES as PAGE_FILES
from tests.pages.conftest import ui_texts

BAD_VALUES, UNKNOWN = URL_VALUES, URL_UNKNOWN
RAW_LINK = re.compile(r"(?<!\\)\]\((?:https?:)?//")


def contexts(page: str) -> list[dict[str, str]]:
    """The URL contexts that show every declared control of ``page`` (``{}`` plus each ``when``)."""
    found = [{}]
    for param in url_state.PAGES[page].values():
        found += [dict(c) for c in param.when if dict(c) not in found]
    return found


def params_in(page: str, context: dict[str, str]) -> list[str]:
    """The parameters drawn in ``context``: those without a ``when`` and those whose ``when`` it is."""
    return [name for name, p in url_state.PAGES[page].items()
            if name not in context and (not p.when if not context else context in [dict(c) for c in p.when])]


def same_value(written: str, given: str) -> bool:
    """The page kept the link's value (up to spaces and number formatting, e.g. ``-1`` → ``-1.0``)."""
    if written.strip() == given.strip():
        return True
    try:
        return float(written) == float(given)
    except ValueError:
        return False


def run_page(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py")
    at.run()
    return at


def test_every_page_declares_its_parameters():
    assert sorted(url_state.PAGES) == sorted(p.removeprefix("pages/").removesuffix(".py") for p in PAGE_FILES)


@pytest.mark.parametrize("page", sorted(url_state.PAGES))
def test_declarations_match_what_the_page_reads(page):
    """Every declared parameter is read in its context, and (strict mode) nothing undeclared is."""
    seen: set[str] = set()
    for context in contexts(page):
        url_state.SEEN.clear()
        at = run_page(page, context)
        assert not at.exception, at.exception[0].value
        seen |= set(url_state.SEEN.get(page, {})) - set(url_state.COMMON)
    assert seen == set(url_state.PAGES[page]), "declared in url_state.PAGES but never read: " \
        f"{sorted(set(url_state.PAGES[page]) - seen)}"


CASES = [(page, i, j) for page in sorted(url_state.PAGES) for i, _ in enumerate(contexts(page))
         for j in range(len(BAD_VALUES) if url_state.PAGES[page] else 1)]


@pytest.mark.parametrize(("page", "context_index", "shift"), CASES,
                         ids=[f"{p}-{i}-{j}" for p, i, j in CASES])
def test_bad_link_values_are_clamped_or_ignored(page, context_index, shift):
    context = contexts(page)[context_index]
    names = params_in(page, context)
    bad = {name: BAD_VALUES[(k + shift) % len(BAD_VALUES)] for k, name in enumerate(names)}
    at = run_page(page, {**UNKNOWN, **context, **bad})
    assert not at.exception, at.exception[0].value
    notices = " ".join(str(toast.value) for toast in at.toast)
    for name, value in bad.items():
        written = at.query_params.get(name)
        written = written[-1] if isinstance(written, list) else written
        assert written is not None, f"?{name}= was not written back"
        if not same_value(written, value):  # changed: the user is told which one
            assert f"“{md_escape(name)}”" in notices, f"?{name}={value[:30]!r} became {written!r} without a notice"
        assert len(written) <= url_state.MAX_TEXT and not any(ord(c) < 32 for c in written)
    rendered = [text for text in ui_texts(at)]
    assert not any(RAW_LINK.search(text) for text in rendered), "a link from the URL was rendered as Markdown"
