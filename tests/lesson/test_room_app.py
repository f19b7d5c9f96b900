"""A room in the app: the instructor opens it, several students (separate AppTest sessions) join
by the share link and answer, the instructor's live chart counts them, then reveals the answer."""

import json
from urllib.parse import parse_qsl, urlsplit

from dashboard.core.i18n import strings
from dashboard.lesson import questions, rooms, share_link
from tests.lesson.test_share import PUBLIC, open_link

STEM = "diffusion"  # the page whose question record is present on this branch


def chart_counts(at) -> list[int]:
    return list(room_chart(at)["data"][0]["y"])


def room_chart(at) -> dict:
    charts = [c for c in at.get("plotly_chart") if c.key == "room_chart"]
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def host_room(monkeypatch, lang="en"):
    monkeypatch.setenv(share_link.PUBLIC_URL_ENV, PUBLIC)
    host = open_link(STEM, {"lang": lang, "seed": "7"})
    host.sidebar.button(key="room_open").click().run()
    assert not host.exception
    link = host.sidebar.code[0].value
    query = dict(parse_qsl(urlsplit(link).query))
    code = query["room"]
    assert rooms.parse_code(code) == code and rooms.ROOMS.current(code) == STEM
    return host, code, query


def test_students_join_by_the_link_answer_and_the_projector_counts_them(monkeypatch):
    record = questions.question(STEM)
    assert record is not None and record.kind == "choice"
    host, code, query = host_room(monkeypatch)
    assert chart_counts(host) == [0] * record.choices
    picks = [0, 2, 2, 1, 2]
    students = []
    for pick in picks:
        student = open_link(STEM, query)  # a separate session: its own token
        assert not student.exception
        assert student.query_params["room"] in (code, [code])
        # asked once, in the room box: the try-this box under the page is left out for a room's student
        assert not [r for r in student.radio if r.key and r.key.startswith("lesson_try_")]
        student.button(key=f"room_pick_{STEM}_{pick}").click().run()
        assert not student.exception
        students.append(student)
    host.run()
    assert chart_counts(host) == [picks.count(i) for i in range(record.choices)]
    assert strings("en")["room.count"].format(n=len(picks)) in [c.value for c in host.caption]

    students[0].button(key=f"room_pick_{STEM}_2").click().run()  # a change of mind replaces the answer
    students[0].button(key=f"room_pick_{STEM}_2").click().run()  # the same answer twice counts once
    host.run()
    after = [0, 1, 4]
    assert chart_counts(host) == after

    host.button(key="room_reveal").click().run()
    assert not host.exception and host.success
    colours = room_chart(host)["data"][0]["marker"]["color"]
    assert len(set(colours)) == 2 and colours[int(record.answer)] != colours[int(record.answer) - 1]
    students[1].run()
    assert students[1].success  # the student's screen shows the answer too, and answers are closed
    assert not [b for b in students[1].button if b.key and b.key.startswith("room_pick_")]
    assert rooms.ROOMS.answer(code, "late-student-token", STEM, 0) == rooms.CLOSED
    host.sidebar.button(key="room_close").click().run()
    assert not rooms.ROOMS.exists(code)
    students[2].run()
    assert any(strings("en")["room.gone"] == i.value for i in students[2].info)


def test_a_student_follows_the_projector_to_the_next_page(monkeypatch):
    host, code, query = host_room(monkeypatch, "ko")
    student = open_link("glossary", {"lang": "ko", "room": code})  # on another page: the room's question shows
    assert not student.exception
    assert student.button(key=f"room_pick_{STEM}_1")
    host.switch_page("pages/lesson.py").run()  # the one page without a question record: the lesson path
    assert rooms.ROOMS.current(code) == "lesson"
    student.run()
    assert strings("ko")["room.waiting"] in [c.value for c in student.caption]
    rooms.ROOMS.close(code, host.session_state["_room_token"])


def test_bad_room_codes_in_links_are_a_notice_not_an_error(monkeypatch):
    monkeypatch.setenv(share_link.PUBLIC_URL_ENV, PUBLIC)
    for bad in ("<script>", "AAAAAAAAAAAAAAAAAAAAAAAAAA", "00000", "acd", "ＡＣＤＥＦ", "ACDEF\u202e"):
        at = open_link("glossary", {"lang": "en", "room": bad})
        assert not at.exception
        assert any("“room”" in str(toast.value) for toast in at.toast), bad
        assert "room" not in at.query_params
        assert not [c for c in at.get("plotly_chart") if c.key == "room_chart"]
    gone = open_link("glossary", {"lang": "en", "room": "ACDEF"})  # well-formed but not open
    assert not gone.exception and any(strings("en")["room.gone"] == i.value for i in gone.info)


def test_a_number_question_counts_answers_in_ranges(monkeypatch):
    """A number question (a record made for this test only, on a page light to run): typed, then sent."""
    monkeypatch.setitem(questions.QUESTIONS, "glossary",
                        questions.Question("glossary", "number", answer=40, lo=0, hi=100, tolerance=5))
    monkeypatch.setenv(share_link.PUBLIC_URL_ENV, PUBLIC)
    host = open_link("glossary", {"lang": "en"})
    host.sidebar.button(key="room_open").click().run()
    query = dict(parse_qsl(urlsplit(host.sidebar.code[0].value).query))
    for value in (42, 47.5, 99):
        student = open_link("glossary", query)
        student.number_input(key="room_number_glossary").set_value(value)
        student.button(key="room_send_glossary").click().run()  # typed and sent in one go
        assert not student.exception
        assert strings("en")["room.changeable"] in [c.value for c in student.caption]
    host.run()
    assert chart_counts(host) == [0, 0, 0, 0, 2, 0, 0, 0, 0, 1]
    host.button(key="room_reveal").click().run()
    assert strings("en")["room.right_answer"].format(answer="40") in [s.value for s in host.success]
    assert "✓ 40–50" in room_chart(host)["data"][0]["x"]
    rooms.ROOMS.close(query["room"], host.session_state["_room_token"])
