"""The landscape page in both languages: one table row per modality, links only to real pages."""

import pytest

from dashboard.core.i18n import strings
from models.apps.landscape import AREAS, FAMILIES, MODALITIES
from tests.conftest import ROOT
from tests.pages.conftest import run_app

PAGE = "pages/landscape.py"


def link_targets(at) -> list[str]:
    return [link.proto.page for link in at.get("page_link")]


@pytest.fixture(scope="module", params=["ko", "en"])
def rendered(request):
    return request.param, run_app(request.param, PAGE)


def test_family_table_has_one_row_per_modality(rendered):
    lang, at = rendered
    assert not at.exception
    texts = strings(lang)
    table = at.table[0].value
    assert len(table) == len(MODALITIES)
    assert list(table.columns)[1:] == [texts[f"landscape.family.{f}"] for f in FAMILIES]
    for (_, row), m in zip(table.iterrows(), MODALITIES, strict=True):
        assert row.iloc[0].endswith(texts[f"modality.{m.key}.name"])
        assert list(row.iloc[1:]) == [texts[f"landscape.level.{m.families[f]}"] for f in FAMILIES]


def test_every_link_goes_to_an_existing_page(rendered):
    _, at = rendered
    targets = link_targets(at)
    assert len(targets) >= sum(len(m.demos) for m in MODALITIES)
    for stem in targets:
        assert (ROOT / "pages" / f"{stem}.py").is_file(), stem
    for m in MODALITIES:
        for stem in m.demos:
            assert stem in targets, (m.key, stem)


def test_planned_pages_are_linked_once_they_exist(rendered):
    lang, at = rendered
    music = (ROOT / "pages" / "music.py").is_file()
    assert ("music" in link_targets(at)) == music
    planned_note = strings(lang)["landscape.planned"]
    assert any(c.value == planned_note for c in at.caption) == (not music)


def test_each_modality_reuses_the_overview_text(rendered):
    lang, at = rendered
    texts = strings(lang)
    markdown = [m.value for m in at.markdown]
    headers = [h.value for h in at.subheader]
    for m in MODALITIES:
        assert texts[f"modality.{m.key}.what"] in markdown
        assert texts[f"landscape.{m.key}.how"] in markdown
        assert any(h.endswith(texts[f"modality.{m.key}.name"]) for h in headers)


def test_overview_links_to_the_landscape():
    at = run_app("en")
    assert not at.exception
    links = [link for link in at.get("page_link") if link.proto.page == "landscape"]
    assert len(links) == 1 and links[0].proto.label == strings("en")["overview.modalities.more"]


def test_application_areas_table_and_cards(rendered):
    lang, at = rendered
    texts = strings(lang)
    head = f"| {texts['landscape.areas.col.area']} | {texts['landscape.areas.col.what']} |"
    table = next(m.value for m in at.markdown if m.value.startswith(head))
    rows = table.splitlines()[2:]
    assert len(rows) == len(AREAS)
    headers = [h.value for h in at.subheader]
    markdown = [m.value for m in at.markdown]
    targets = link_targets(at)
    for row, a in zip(rows, AREAS, strict=True):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[0].endswith(texts[f"area.{a.key}.name"]) and cells[1] == texts[f"area.{a.key}.what"]
        assert cells[2] == ", ".join(texts[f"landscape.family.{f}"] for f in a.families)
        assert any(h.endswith(texts[f"area.{a.key}.name"]) for h in headers)
        assert texts[f"area.{a.key}.how"] in markdown
        assert set(a.demos) <= set(targets), a.key
