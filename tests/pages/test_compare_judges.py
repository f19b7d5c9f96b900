"""Compare shows domain FID under both judges, each against its own floor, read from the zoo results (issue 21)."""

import copy
import json

import pytest

from dashboard.core import loaders
from dashboard.core.i18n import strings
from dashboard.image import judges_view
from tests.conftest import ROOT
from tests.pages.conftest import assert_in_language, run_app, ui_texts

ZOO = json.loads((ROOT / "benchmarks" / "results" / "zoo.json").read_text(encoding="utf-8"))
ARCH = {"judge": "CNN", "judge2": "MLP"}  # the two shipped recipes (models/core/judge.py CONFIGS)
KEYS = {"judge": ("fid", "floor_fid"), "judge2": ("fid_judge2", "floor_fid_judge2")}  # the results file's layout


def label(lang: str, judge: str) -> str:
    return strings(lang)["compare.judge.name"].format(i=list(ARCH).index(judge) + 1, arch=ARCH[judge])


def family(lang: str, name: str) -> str:
    return strings(lang)[f"compare.family.{name}"]


def ratio(zoo: dict, judge: str, name: str) -> float:
    fid, floor = KEYS[judge]
    return zoo["families"][name][fid] / zoo[floor]


def measured_table(at) -> dict[str, dict[str, str]]:
    """The "Measured" table: family name -> column -> cell."""
    frame = at.table[0].value
    return {row.iloc[0]: dict(row.items()) for _, row in frame.iterrows()}


def judges_chart(at) -> dict:
    spec = next(c.proto.spec for c in at.get("plotly_chart") if c.proto.id and "judges" in c.proto.id)
    return {trace["name"]: dict(zip(trace["x"], trace["y"], strict=True)) for trace in json.loads(spec)["data"]}


def flipped_pairs(zoo: dict) -> list[tuple[str, str]]:
    """Written out here apart from the page's helper: pairs the two judges order differently."""
    names = list(zoo["families"])
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
            if (ratio(zoo, "judge", a) < ratio(zoo, "judge", b)) != (ratio(zoo, "judge2", a) < ratio(zoo, "judge2", b))]


def check_page(lang: str, zoo: dict) -> None:
    at = run_app(lang, "pages/compare.py")
    assert not at.exception, [e.value for e in at.exception]
    texts = ui_texts(at)
    assert_in_language(texts, lang)
    text = "\n".join(texts)
    table, chart = measured_table(at), judges_chart(at)
    assert set(chart) == {label(lang, "judge"), label(lang, "judge2")}
    for judge in ARCH:
        column = strings(lang)["compare.col.fid"].format(judge=label(lang, judge))
        fid_key, floor_key = KEYS[judge]
        assert f"{zoo[floor_key]:.2f}" in text  # each judge's own floor is quoted
        for name, row in zoo["families"].items():
            shown = table[family(lang, name)][column]
            assert shown == f"{row[fid_key]:.2f} ({ratio(zoo, judge, name):.1f}×)", (judge, name, shown)
            assert chart[label(lang, judge)][family(lang, name)] == pytest.approx(ratio(zoo, judge, name))
    assert strings(lang)["compare.judges.body"].split("{")[0] in text  # why two judges
    pairs = flipped_pairs(zoo)
    warnings = "\n".join(w.value for w in at.warning)
    for a, b in pairs:
        a, b = sorted((a, b), key=lambda f: ratio(zoo, "judge", f))
        assert f"**{family(lang, a)}**" in warnings and f"**{family(lang, b)}**" in warnings
        assert f"{ratio(zoo, 'judge2', a):.1f}×" in warnings and f"{ratio(zoo, 'judge2', b):.1f}×" in warnings
    if pairs:
        assert strings(lang)["compare.judges.unsafe"] in warnings
    else:
        assert not warnings and strings(lang)["compare.judges.agree"] in "\n".join(s.value for s in at.success)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_second_judge_figures_come_from_the_results_file(lang):
    check_page(lang, ZOO)  # today's results: the two judges rank the four families the same way


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_disagreement_is_named(lang, monkeypatch):
    """Results where the second judge swaps two families: the page names the pair and says neither claim
    is safe (before the GAN recipe of 2026-12-02 this was today's case: GAN and flow)."""
    changed = copy.deepcopy(ZOO)
    order = sorted(changed["families"], key=lambda f: ratio(ZOO, "judge", f))
    best, second = order[0], order[1]
    fam = changed["families"]
    fam[best]["fid_judge2"], fam[second]["fid_judge2"] = fam[second]["fid_judge2"], fam[best]["fid_judge2"]
    real = loaders.benchmark
    monkeypatch.setattr(loaders, "benchmark", lambda name: changed if name == "zoo" else real(name))
    assert flipped_pairs(changed)
    check_page(lang, changed)


def test_changed_results_change_the_page(monkeypatch):
    """No figure of the second judge is typed in: give the page other results and it shows those."""
    changed = copy.deepcopy(ZOO)
    changed["floor_fid_judge2"] *= 2
    order = sorted(changed["families"], key=lambda f: ratio(ZOO, "judge", f))
    for rank, name in enumerate(order):  # the second judge now agrees with the first on every pair
        changed["families"][name]["fid_judge2"] = (rank + 1.5) * changed["floor_fid_judge2"]
    real = loaders.benchmark
    monkeypatch.setattr(loaders, "benchmark", lambda name: changed if name == "zoo" else real(name))
    assert flipped_pairs(changed) == []
    check_page("en", changed)


def test_disagreements_and_best():
    bench = {"floor_fid": 2.0, "floor_fid_judge2": 0.5, "families": {
        "a": {"fid": 4.0, "fid_judge2": 1.0}, "b": {"fid": 6.0, "fid_judge2": 4.0},
        "c": {"fid": 8.0, "fid_judge2": 3.0}}}
    scored = judges_view.scores(bench)
    assert scored["judge2"]["b"] == (4.0, 8.0)
    assert judges_view.disagreements(scored) == [("b", "c")]
    assert judges_view.best(scored) == "a"
    bench["families"]["a"]["fid_judge2"] = 5.0
    assert judges_view.best(judges_view.scores(bench)) is None
    assert judges_view.disagreements(judges_view.scores(bench)) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert list(judges_view.scores({"floor_fid": 2.0, "families": {"a": {"fid": 4.0}}})) == ["judge"]
