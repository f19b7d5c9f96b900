"""Every course topic is taught somewhere: its page exists, is in the navigation, and shows the topic.

The topics and their pages are data in ``models/basics/topics.py``; the menu is the page table
``dashboard/core/navigation.py`` that app.py builds its navigation from. This test joins the two
(models never import dashboard). Topics in ``PLANNED`` have no page yet and are strict expected
failures that only accept a missing page: once the page exists their test fails (whether or not it
shows the topic), so the entry must be moved out of ``PLANNED``.
"""

import re

import pytest

from dashboard.core import navigation
from dashboard.core.i18n import strings
from models.apps.landscape import MODALITIES
from models.basics.topics import GROUPS, PLANNED, TOPICS, Topic
from tests.conftest import ROOT
from tests.pages.conftest import run_app, ui_texts


class PageMissing(Exception):
    """The topic's page file does not exist (yet)."""


_rendered: dict[tuple[str, str], str] = {}


def rendered_text(stem: str, lang: str) -> str:
    """All text a reader sees on ``pages/<stem>.py`` in ``lang`` (each page/language runs once)."""
    if (stem, lang) not in _rendered:
        at = run_app(lang, f"pages/{stem}.py")
        assert not at.exception, [e.value for e in at.exception]
        _rendered[stem, lang] = "\n".join(ui_texts(at) + [tab.label for tab in at.tabs])
    return _rendered[stem, lang]


def check_topic(topic: Topic) -> None:
    if not (ROOT / "pages" / f"{topic.page}.py").is_file():
        raise PageMissing(f"pages/{topic.page}.py")
    assert topic.page in {p.stem for p in navigation.PAGES}, f"pages/{topic.page}.py is not in app.py's navigation"
    if topic.phrase:
        assert topic.phrase.lower() in rendered_text(topic.page, "en").lower(), (topic.id, topic.phrase)
    if topic.key:
        for lang in ("en", "ko"):
            assert strings(lang)[topic.key] in rendered_text(topic.page, lang), (topic.id, lang, topic.key)


def test_topic_data_is_consistent():
    ids = [t.id for t in TOPICS]
    assert len(ids) == len(set(ids))
    assert PLANNED <= set(ids)
    assert [g for g in GROUPS if g in {t.group for t in TOPICS}] == list(GROUPS)
    assert {f"modality_{m.key}" for m in MODALITIES} <= set(ids)
    for t in TOPICS:
        assert t.key or t.phrase, t.id
        assert re.fullmatch(r"[a-z0-9_]+", t.page), t.id
        if t.key and t.id not in PLANNED:
            assert t.key in strings("en") and t.key in strings("ko"), t.id


PLANNED_MARK = pytest.mark.xfail(strict=True, raises=PageMissing, reason="page planned in issue 7")


@pytest.mark.parametrize("topic", [pytest.param(t, id=t.id, marks=[PLANNED_MARK] if t.id in PLANNED else [])
                                   for t in TOPICS])
def test_topic_is_taught(topic):
    check_topic(topic)
