"""Domain FID under both judges, as Compare shows it: read from the zoo benchmark's results only.

Each judge has its own feature space and so its own scale: a family's FID is read against that judge's
real-vs-real floor (the "× floor" ratio), never against the other judge's numbers. Where the judges rank
two families differently, neither ranking is a safe claim; :func:`disagreements` finds those pairs.
"""

from __future__ import annotations

from itertools import combinations

import streamlit as st

from dashboard.core import charts, widgets
from dashboard.core.i18n import t
from models.core.judge import CONFIGS, JUDGES, fid_key

#: judge -> family -> (domain FID, × that judge's real-vs-real floor)
Scores = dict[str, dict[str, tuple[float, float]]]


def scores(bench: dict) -> Scores:
    """Every judge the results hold (a floor and at least one family's FID), the first judge first."""
    out: Scores = {}
    for name in JUDGES:
        floor, key = bench.get(fid_key(name, floor=True)), fid_key(name)
        rows = {f: (r[key], r[key] / floor) for f, r in bench.get("families", {}).items() if key in r} if floor else {}
        if rows:
            out[name] = rows
    return out


def disagreements(scored: Scores) -> list[tuple[str, str]]:
    """Pairs (a, b), in the first judge's order, that the first judge ranks a ahead of b (a lower FID) and
    another judge the other way round."""
    first, *others = scored.values()
    both = sorted((f for f in first if all(f in o for o in others)), key=lambda f: first[f][0])
    return [(a, b) for a, b in combinations(both, 2) if any(o[a][0] > o[b][0] for o in others)]


def best(scored: Scores) -> str | None:
    """The family every judge ranks first, or None where they do not agree on it."""
    firsts = {min(s, key=lambda f: s[f][0]) for s in scored.values()}
    return firsts.pop() if len(firsts) == 1 else None


def number(name: str) -> int:
    return JUDGES.index(name) + 1


def arch(name: str) -> str:
    """'CNN' or 'MLP': the judge's architecture, from its recipe."""
    return CONFIGS[name].arch.upper()


def label(name: str) -> str:
    """'Judge 1 (CNN)': its place and its architecture."""
    return t("compare.judge.name", i=number(name), arch=arch(name))


def card_row(name: str, metrics: dict) -> str:
    """The model card's row of judge ``name``: what it is, its test accuracy and size, its feature count."""
    config = CONFIGS[name]
    return t("compare.card.judge_row", kind=t(f"compare.judge.kind.{config.arch}"),
             acc=f"{metrics.get('test_accuracy', 0):.1%}", p=f"{metrics.get('parameters', 0):,}",
             features=config.features)


def cell(scored: Scores, name: str, family: str) -> str:
    """'202.33 (66.4×)': a table cell of judge ``name``'s FID of ``family``; '–' where it was not measured."""
    fid, ratio = scored.get(name, {}).get(family, (None, None))
    return "–" if fid is None else f"{fid:.2f} ({ratio:.1f}×)"


def section(bench: dict) -> None:
    """Why two judges, the × floor of every family under each (grouped bars), and where they disagree."""
    scored = scores(bench)
    if len(scored) < 2:
        return
    first, second = list(scored)[:2]
    st.subheader(t("compare.judges.header"))
    widgets.paragraph("compare.judges.body", first=arch(first), second=arch(second))
    families = list(scored[first])
    st.plotly_chart(charts.grouped_bars(
        {label(j): [s.get(f, (0.0, 0.0))[1] for f in families] for j, s in scored.items()},
        [widgets.family_name(f) for f in families], t("compare.judges.y"), height=400, bar_text="%{y:.1f}×"),
        key="judges")
    st.caption(t("compare.judges.caption", floors=" · ".join(
        t("compare.judges.floor", judge=label(j), floor=f"{bench[fid_key(j, floor=True)]:.2f}") for j in scored)))
    pairs, top = disagreements(scored), best(scored)
    lines = [t("compare.judges.best", family=widgets.family_name(top))] if top else []
    if pairs:
        lines += [t("compare.judges.pair", a=widgets.family_name(a), b=widgets.family_name(b), first=label(first),
                    second=label(second), a1=f"{scored[first][a][1]:.1f}", b1=f"{scored[first][b][1]:.1f}",
                    a2=f"{scored[second][a][1]:.1f}", b2=f"{scored[second][b][1]:.1f}") for a, b in pairs]
        lines.append(t("compare.judges.unsafe"))
        st.warning("\n\n".join(lines), icon="⚖️")
    else:
        st.success("\n\n".join([*lines, t("compare.judges.agree")]), icon="⚖️")
