"""The lesson on screen: the try-this box under every page, the "next step" link of the lesson path,
and the path's steps (pages/lesson.py). Questions and settings come from
:mod:`dashboard.lesson.questions`, the course order from :data:`dashboard.core.navigation.PAGES`.

``app.py`` calls :func:`arrive` before the page runs and :func:`try_this` after it. A link from the lesson path carries
``?step=n`` (declared for every page, :data:`dashboard.core.url_state.LESSON`), so the page then
ends with a link to step n + 1, its settings preloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from dashboard.core import links, navigation, url_state, widgets
from dashboard.core.i18n import lang, t
from dashboard.core.loaders import LOAD_ERRORS
from dashboard.lesson import figures, share_view
from dashboard.lesson.questions import Question, question

LESSON_STEM = "lesson"
KEY = "lesson_try_"  # widget keys of the try-this box, per page
ARRIVED = "lesson_arrived"  # session key: the (page, ?step=) of the last arrival from a lesson link


@dataclass(frozen=True)
class Step:
    n: int              # 1-based position in the course
    stem: str
    question: Question


def steps() -> list[Step]:
    """The course: every page with a question, in the menu's order."""
    found = [(p.stem, question(p.stem)) for p in navigation.PAGES]
    return [Step(n, stem, q) for n, (stem, q) in enumerate(((s, q) for s, q in found if q is not None), start=1)]


def total_minutes() -> int:
    return sum(s.question.minutes for s in steps())


def step_of(stem: str) -> Step | None:
    return next((s for s in steps() if s.stem == stem), None)


def query(step: Step, language: str) -> dict[str, str]:
    """The URL parameters of a step's link: language, the question's settings, the step number."""
    return {"lang": language, **step.question.settings, "step": str(step.n)}


def url(step: Step, language: str) -> str:
    """The step's relative link, e.g. ``/diffusion?lang=en&img=0&t=999&step=9``."""
    return f"/{step.stem}?{urlencode(query(step, language))}"


def current_step(stem: str) -> int | None:
    """``?step=`` of this visit (the visitor came from the lesson path), or ``None``. A number out of
    range is clamped and anything else becomes this page's own step, each with a notice, and the
    value is written back like every other setting."""
    text = url_state.raw("step", "int")
    if text is None:
        return None
    count = len(steps())
    value, adjusted = url_state.parse_number(text, 1, count)
    if value is None:
        own = step_of(stem)
        value = own.n if own else 1
    if adjusted:
        widgets.url_notice("step", value)
    url_state.write("step", value)
    return int(value)


def arrive(stem: str | None = None) -> None:
    """Call before the page runs: checks ``?step=`` and, on arrival from a lesson link (a new page or
    step), lets the settings in the URL win over values this session's controls still hold from
    another page (Streamlit keeps a control's state across a page switch when the browser still
    sends it, e.g. a click on the link while the last page was still running)."""
    stem = stem or url_state.current_page()
    if stem not in url_state.PAGES:
        return
    step = current_step(stem)  # checked here, before the page runs: a page may stop early
    if step is None or st.session_state.get(ARRIVED) == (stem, step):
        return
    st.session_state[ARRIVED] = (stem, step)
    widgets.reseed_from_url([name for name, param in url_state.PAGES[stem].items()
                             if name != "step" and url_state.raw(name, param.kind) is not None])


def words(stem: str, part: str) -> str | None:
    """``lesson.q.<stem>.<part>`` with its measured figures filled in; ``None`` when a results file
    it quotes is missing or incomplete (the caller says so)."""
    try:
        return t(f"lesson.q.{stem}.{part}", **figures.figures(stem, lang(), part))
    except (*LOAD_ERRORS, KeyError, IndexError, TypeError):
        return None


def answer_text(q: Question) -> str:
    if q.kind == "choice":
        return t(f"lesson.q.{q.stem}.choice.{int(q.answer)}")
    shown = f"{q.answer:g}"
    return t("lesson.try.tolerance", answer=shown, tolerance=f"{q.tolerance:g}") if q.tolerance else shown


def try_this(stem: str | None = None) -> None:
    """The page's question with a prediction control and the answer on request; then, when the
    visitor came from the lesson path, the link to the next step. Call after the page has run."""
    stem = stem or url_state.current_page()
    if not stem:
        return
    step = current_step(stem)
    q = question(stem)
    if q is not None and not share_view.answering_in_room():  # asked once: in the room box, not twice
        _box(q)
    if step is not None and stem != LESSON_STEM:
        _next_link(stem)


def _box(q: Question) -> None:
    box = st.container(border=True, key=f"{KEY}{q.stem}_box")
    box.markdown(f"**{t('lesson.try.header')}** · {words(q.stem, 'ask') or t('lesson.no_figures')}")
    if q.kind == "choice":
        labels = [t(f"lesson.q.{q.stem}.choice.{i}") for i in range(q.choices)]
        guess = box.radio(t("lesson.try.pick"), list(range(q.choices)), index=None, format_func=labels.__getitem__,
                          key=f"{KEY}{q.stem}", horizontal=True)
    else:
        guess = box.number_input(t("lesson.try.number"), min_value=float(q.lo), max_value=float(q.hi), value=None,
                                 step=1.0, format="%g", key=f"{KEY}{q.stem}")
    if not box.toggle(t("lesson.try.reveal"), key=f"{KEY}{q.stem}_reveal"):
        return  # the answer's figures are computed only when asked for
    answer = answer_text(q)
    if guess is None:
        box.markdown(t("lesson.try.answer", answer=answer))
    elif q.is_right(guess):
        box.success(t("lesson.try.right", answer=answer), icon="✅")
    else:
        box.warning(t("lesson.try.wrong", answer=answer), icon="🤔")
    with box, st.spinner(t("lesson.try.measuring")):
        why = words(q.stem, "why")
    box.markdown(why or t("lesson.no_figures"))


def _next_link(stem: str) -> None:
    own = step_of(stem)
    course = steps()
    later = [s for s in course if own is None or s.n > own.n]
    if later:
        after = later[0]
        links.page_link(after.stem, label=t("lesson.next", n=after.n, title=t(navigation.page(after.stem).title)),
                        icon="➡️", query=query(after, lang()))
    else:
        st.success(t("lesson.done"), icon="🎓")
    links.page_link(LESSON_STEM, label=t("lesson.back"), icon="🧭", query={"lang": lang()})


def path() -> None:
    """The lesson path's steps (pages/lesson.py): link with the settings, what to show, the question."""
    language = lang()
    for step in steps():
        q = step.question
        with st.container(border=True):
            title = t(navigation.page(step.stem).title)
            icon = navigation.page(step.stem).icon
            st.markdown(f"**{t('lesson.step', n=step.n, minutes=q.minutes)}** · {icon} {title}")
            links.page_link(step.stem, label=t("lesson.open", n=step.n), icon="▶️", query=query(step, language))
            st.caption(widgets.md_code(url(step, language)))
            st.markdown(t("lesson.ask", text=words(step.stem, "ask") or t("lesson.no_figures")))
            if q.kind == "choice":
                st.markdown(t("lesson.choices", choices=" · ".join(
                    t(f"lesson.q.{step.stem}.choice.{i}") for i in range(q.choices))))
            else:
                st.markdown(t("lesson.number", lo=f"{q.lo:g}", hi=f"{q.hi:g}"))
            st.markdown(t("lesson.show", text=t(f"lesson.q.{step.stem}.show")))
    st.markdown(t("lesson.total", minutes=total_minutes()))
