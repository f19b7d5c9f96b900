"""Sharing a view with the class, and the class's answers live. ``app.py`` calls two functions:

* :func:`room_box` before the page runs: a student who joined a room answers its current question
  at the top of the page; the instructor (the room's owner) sees the class's answers live there
  and reveals the answer.
* :func:`share_control` after the page ran (its controls have written their values to the URL):
  the sidebar's share control, the link to this view as a QR code and as text to copy, and the
  instructor's room (open, show big, close).

The logic lives in :mod:`dashboard.lesson.share_link` (addresses, QR) and
:mod:`dashboard.lesson.rooms` (rooms, answers, counts); this module only draws.
"""

from __future__ import annotations

import secrets

import streamlit as st

from dashboard.core import url_state
from dashboard.core.charts import answer_bars
from dashboard.core.i18n import t
from dashboard.core.links import page_link
from dashboard.core.widgets import md_code, url_notice
from dashboard.lesson import questions, rooms, share_link

POLL_HOST_S = 2.0      # the projector's chart re-reads the counts this often
POLL_STUDENT_S = 4.0   # a student's box checks for the next question (or the answer) this often
_TOKEN, _HOST, _JOINED = "_room_token", "_room_host", "_room_joined"
_QR_CSS = "<style>.st-key-share_qr img, .st-key-share_qr_big img {image-rendering: pixelated;}</style>"


def _token() -> str:
    """This browser session's random token: its one answer per question is stored under it."""
    if _TOKEN not in st.session_state:
        st.session_state[_TOKEN] = secrets.token_urlsafe(16)
    return st.session_state[_TOKEN]


def _spec(stem: str) -> rooms.Spec | None:
    record = questions.question(stem)
    if record is None:
        return None
    return rooms.Spec(record.kind, record.choices, record.lo, record.hi)


def hosted() -> str | None:
    """The code of the room this session opened, while it is open."""
    code = st.session_state.get(_HOST)
    if code and rooms.ROOMS.owns(code, _token()):
        return code
    st.session_state.pop(_HOST, None)
    return None


def joined() -> str | None:
    """The room this session joined: ``?room=`` (checked: a bad code gets a notice and is ignored),
    else the one joined earlier in this session (sidebar navigation drops the URL's parameters)."""
    text = url_state.raw("room", "code")
    if text is not None:
        code = rooms.parse_code(text)
        if code is None:
            if st.session_state.get("_room_bad") != text:
                url_notice("room", text[:12], "room.bad_code")
                st.session_state["_room_bad"] = text
            del st.query_params["room"]
        else:
            st.session_state[_JOINED] = code
    code = st.session_state.get(_JOINED)
    if code and code != st.session_state.get(_HOST):
        url_state.write("room", code)
        return code
    return None


def answering_in_room() -> bool:
    """Whether this session is a student in a room: the room box already asks the page's question."""
    code = st.session_state.get(_JOINED)
    return bool(code) and code != st.session_state.get(_HOST)


# --- the room box, top of the page --------------------------------------------------------------


def room_box(stem: str) -> None:
    """The instructor's live answers, or a joined student's question; nothing otherwise."""
    code = hosted()
    if code is not None:
        if not rooms.ROOMS.ask(code, _token(), stem, _spec(stem)):
            st.warning(t("room.too_many"), icon="⚠️")
        with st.expander(t("room.host_title", code=code), expanded=True, icon="📊"):
            _host_answers(code, stem)
        return
    code = joined()
    if code is not None:
        with st.container(border=True, key="room_student"):
            _student_answer(code, stem)


def _labels(stem: str, spec: rooms.Spec) -> list[str]:
    if spec.kind == "choice":
        return [t(f"lesson.q.{stem}.choice.{i}") for i in range(spec.choices)]
    width = (spec.hi - spec.lo) / rooms.NUMBER_BINS
    return [f"{spec.lo + i * width:g}–{spec.lo + (i + 1) * width:g}" for i in range(rooms.NUMBER_BINS)]


def _right_bin(stem: str, spec: rooms.Spec) -> int | None:
    record = questions.question(stem)
    return None if record is None else spec.bin_of(min(max(record.answer, spec.lo), spec.hi)
                                                  if spec.kind == "number" else record.answer)


@st.fragment(run_every=POLL_HOST_S)
def _host_answers(code: str, stem: str) -> None:
    """Re-run every :data:`POLL_HOST_S`: reads the counts (a dict walk under a lock), draws one bar chart."""
    snap = rooms.ROOMS.snapshot(code, stem)
    if snap is None:
        st.info(t("room.no_question"), icon="💬")
        return
    st.markdown(f"**{t(f'lesson.q.{stem}.ask')}**")
    right = _right_bin(stem, snap.spec) if snap.revealed else None
    st.plotly_chart(answer_bars(snap.counts, _labels(stem, snap.spec), right, t("room.answers_axis")),
                    key="room_chart", config={"displayModeBar": False})
    st.caption(t("room.count", n=snap.total))
    if snap.revealed:
        _show_answer(stem, snap.spec)
    label = t("room.hide") if snap.revealed else t("room.reveal")
    st.button(label, key="room_reveal", icon="🔓" if not snap.revealed else "🙈", on_click=rooms.ROOMS.reveal,
              args=(code, _token(), stem, not snap.revealed))


def _show_answer(stem: str, spec: rooms.Spec) -> None:
    record = questions.question(stem)
    if record is None:
        return
    shown = _labels(stem, spec)[int(record.answer)] if spec.kind == "choice" else f"{record.answer:g}"
    st.success(t("room.right_answer", answer=shown), icon="✅")
    st.markdown(t(f"lesson.q.{stem}.why"))


def _record(code: str, stem: str, value: float) -> None:
    result = rooms.ROOMS.answer(code, _token(), stem, value)
    if result not in (rooms.OK, rooms.REPLACED):
        st.session_state["_room_refused"] = result


def _record_number(code: str, stem: str) -> None:
    """The send button's callback: the number box's value as it is now (typed, then sent at once)."""
    value = st.session_state.get(f"room_number_{stem}")
    if value is not None:
        _record(code, stem, float(value))


@st.fragment(run_every=POLL_STUDENT_S)
def _student_answer(code: str, stem: str) -> None:
    """A student's view of the room: the room's current question (the projector's page), buttons to
    answer it, their answer, and after the reveal the right one. Reads the room only: no model work."""
    current = rooms.ROOMS.current(code)
    st.markdown(t("room.joined", code=md_code(code)))
    if current is None:
        st.info(t("room.gone"), icon="🚪")
        if st.button(t("room.leave"), key="room_leave_gone"):
            st.session_state.pop(_JOINED, None)
            st.query_params.pop("room", None)
            st.rerun()
        return
    snap = rooms.ROOMS.snapshot(code, current) if current else None
    if snap is None:
        st.caption(t("room.waiting"))
        return
    if current != stem:
        page_link(current, label=t("room.open_page"), icon="➡️")
    st.markdown(f"**{t(f'lesson.q.{current}.ask')}**")
    mine = rooms.ROOMS.mine(code, _token(), current)
    refused = st.session_state.pop("_room_refused", None)
    if refused:
        st.warning(t(f"room.refused.{refused}"), icon="⚠️")
    if snap.revealed:
        if mine is not None:
            st.caption(t("room.yours", answer=_labels(current, snap.spec)[snap.spec.bin_of(mine)]
                         if snap.spec.kind == "choice" else f"{mine:g}"))
        _show_answer(current, snap.spec)
        return
    if snap.spec.kind == "choice":
        for i, label in enumerate(_labels(current, snap.spec)):
            st.button(label, key=f"room_pick_{current}_{i}", on_click=_record, args=(code, current, i),
                      type="primary" if mine is not None and int(mine) == i else "secondary",
                      width="stretch")
    else:
        st.number_input(t("room.your_number"), min_value=float(snap.spec.lo), max_value=float(snap.spec.hi),
                        value=None, key=f"room_number_{current}")
        st.button(t("room.send"), key=f"room_send_{current}", on_click=_record_number,
                  args=(code, current))
    st.caption(t("room.changeable") if mine is not None else t("room.anonymous"))


# --- the share control, in the sidebar ------------------------------------------------------------


def _base() -> tuple[str | None, str | None]:
    """The address links start with, and a notice key when it is not the one the class can use."""
    public, refused = share_link.public_base()
    if public is not None:
        return public, None
    headers = dict(st.context.headers or {})
    found = share_link.request_base(headers, str(st.get_option("server.baseUrlPath") or ""))
    if found is not None and not share_link.is_loopback(share_link.base_host(found)):
        return found, "share.public_refused" if refused else None
    lan = share_link.lan_address()
    if lan is None:
        return None, "share.loopback"
    port = share_link.parse_host(headers.get("Host", "") or headers.get("host", ""))
    port = port[1] if port else st.get_option("server.port")
    return f"http://{share_link.netloc(lan, port, 'http')}", "share.lan"


def current_params(stem: str) -> dict[str, str]:
    """The view's settings: the language and every URL parameter the page declares, as its URL has them."""
    wanted = url_state.declared(stem)
    params = {}
    for name in wanted:
        value = st.query_params.get(name)
        if value is not None and name not in share_link.NEVER_SHARED and name != "room":
            params[name] = str(value)
    return params


def share_link_for(stem: str) -> tuple[str | None, str | None]:
    base, notice = _base()
    if base is None:
        return None, notice
    params = current_params(stem)
    code = hosted()
    if code is not None:
        params["room"] = code
    return share_link.view_link(base, stem, params), notice


def _open_room() -> None:
    try:
        st.session_state[_HOST] = rooms.ROOMS.open(_token())
        st.session_state.pop(_JOINED, None)
        st.query_params.pop("room", None)
    except rooms.RoomsFull:
        st.session_state["_room_full"] = True


def _close_room() -> None:
    code = st.session_state.pop(_HOST, None)
    if code:
        rooms.ROOMS.close(code, _token())


@st.dialog(" ", width="large")
def _big(link: str, code: str | None) -> None:
    if code:
        st.markdown(f"## {t('room.code_big', code=md_code(code))}")
    with st.container(key="share_qr_big"):
        st.image(share_link.qr_png(link, share_link.QR_BIG_PX), width=share_link.QR_BIG_PX, output_format="PNG")
    st.code(link, language=None, wrap_lines=True)


def share_control(stem: str) -> None:
    """The sidebar's share expander (drawn after the page, whose controls have set the URL)."""
    st.html(_QR_CSS)
    with st.sidebar.expander(t("share.title"), icon="📱"):
        link, notice = share_link_for(stem)
        if notice:
            st.caption(t(notice, env=share_link.PUBLIC_URL_ENV))
        if link is None:
            return
        code = hosted()
        if code:
            st.markdown(t("room.code", code=md_code(code)))
        with st.container(key="share_qr"):
            st.image(share_link.qr_png(link), caption=t("share.scan"), width="stretch", output_format="PNG")
        st.code(link, language=None, wrap_lines=True)
        st.caption(t("share.copy"))
        if st.button(t("share.big"), key="share_big", icon="🖥️", width="stretch"):
            _big(link, code)
        if st.session_state.pop("_room_full", False):
            st.warning(t("room.full"), icon="⚠️")
        if code:
            st.button(t("room.close"), key="room_close", on_click=_close_room, width="stretch")
        else:
            st.button(t("room.open"), key="room_open", on_click=_open_room, icon="🙋",
                      width="stretch", help=t("room.open_help"))
