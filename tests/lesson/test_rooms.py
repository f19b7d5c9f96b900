"""Class rooms (dashboard/lesson/rooms.py): codes, answers, caps, expiry, and many students at once."""

import threading

import pytest

from dashboard.lesson import rooms
from dashboard.lesson.rooms import Rooms, Spec

CHOICE3 = Spec("choice", choices=3)
NUMBER = Spec("number", lo=0, hi=100)
HOST = "host-token-0001"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def room(**kwargs) -> tuple[Rooms, str, Clock]:
    clock = Clock()
    box = Rooms(clock=clock, **kwargs)
    code = box.open(HOST)
    assert box.ask(code, HOST, "diffusion", CHOICE3)
    return box, code, clock


def student(i: int) -> str:
    return f"student-token-{i:04d}"


def test_codes_are_short_unambiguous_and_validated():
    box = Rooms()
    codes = {box.open(f"owner-{i:08d}") for i in range(40)}
    assert len(codes) == 40
    for code in codes:
        assert rooms.CODE.fullmatch(code) and not set(code) & set("0O1IL2Z5S8B6GUV")
        assert rooms.parse_code(f"  {code.lower()} ") == code
    for bad in ("", "ABCD", "ACDEFH", "AC0EF", "acd-e", "<scr>", "ＡＣＤＥＦ", "ACDE\n", None):
        assert rooms.parse_code(bad) is None, bad


def test_one_answer_per_session_and_a_new_answer_replaces_it():
    box, code, _ = room()
    assert box.answer(code, student(1), "diffusion", 0) == rooms.OK
    assert box.answer(code, student(2), "diffusion", 2) == rooms.OK
    assert box.answer(code, student(1), "diffusion", 2) == rooms.REPLACED
    snap = box.snapshot(code, "diffusion")
    assert snap.counts == (0, 0, 2) and snap.total == 2
    assert box.mine(code, student(1), "diffusion") == 2


@pytest.mark.parametrize("value", [3, -1, 1.5, float("nan"), float("inf"), True, "1", None])
def test_answers_outside_the_question_are_refused(value):
    box, code, _ = room()
    assert box.answer(code, student(1), "diffusion", value) == rooms.INVALID
    assert box.snapshot(code, "diffusion").total == 0


def test_unknown_rooms_questions_and_tokens_are_refused():
    box, code, _ = room()
    assert box.answer("ACDEF" if code != "ACDEF" else "ACDEH", student(1), "diffusion", 0) == rooms.NO_ROOM
    assert box.answer(code, student(1), "gan", 0) == rooms.NO_QUESTION
    assert box.answer(code, "short", "diffusion", 0) == rooms.INVALID
    assert box.snapshot(code, "gan") is None and box.snapshot("ACDEF", "x") is None


def test_only_the_owner_sets_the_question_reveals_and_closes():
    box, code, _ = room()
    assert not box.ask(code, student(1), "gan", CHOICE3)
    assert box.current(code) == "diffusion"
    box.reveal(code, student(1), "diffusion")
    assert not box.snapshot(code, "diffusion").revealed
    box.close(code, student(1))
    assert box.exists(code)
    box.reveal(code, HOST, "diffusion")
    assert box.snapshot(code, "diffusion").revealed
    assert box.answer(code, student(1), "diffusion", 1) == rooms.CLOSED  # answers close with the reveal
    box.close(code, HOST)
    assert not box.exists(code) and box.current(code) is None


def test_a_page_without_a_question_is_the_current_page_but_takes_no_answers():
    box, code, _ = room()
    assert box.ask(code, HOST, "glossary", None)
    assert box.current(code) == "glossary" and box.snapshot(code, "glossary") is None


def test_number_answers_are_counted_in_bins():
    box, code, _ = room()
    box.ask(code, HOST, "n", NUMBER)
    for i, value in enumerate((0, 9.99, 10, 55, 100, 100)):
        assert box.answer(code, student(i), "n", value) == rooms.OK
    assert box.snapshot(code, "n").counts == (2, 1, 0, 0, 0, 1, 0, 0, 0, 2)
    assert box.answer(code, student(9), "n", 100.5) == rooms.INVALID


def test_caps_on_rooms_answers_and_questions():
    box, code, _ = room(max_rooms=3, max_answers=5, max_questions=2)
    box.open("owner-b-000001")
    box.open("owner-c-000001")
    with pytest.raises(rooms.RoomsFull):
        box.open("owner-d-000001")
    assert len(box) == 3
    assert box.open("owner-c-000001")  # reopening closes the owner's earlier room first
    for i in range(5):
        assert box.answer(code, student(i), "diffusion", 1) == rooms.OK
    assert box.answer(code, student(99), "diffusion", 1) == rooms.FULL
    assert box.answer(code, student(0), "diffusion", 2) == rooms.REPLACED  # changing stays possible
    assert box.ask(code, HOST, "gan", CHOICE3)
    assert not box.ask(code, HOST, "flow", CHOICE3)
    assert box.ask(code, HOST, "diffusion", CHOICE3)  # going back to an asked question is fine


def test_rooms_expire_after_their_lifetime():
    box, code, clock = room(ttl_s=3600)
    box.answer(code, student(1), "diffusion", 1)
    clock.now += 3599
    assert box.exists(code) and box.snapshot(code, "diffusion").total == 1
    clock.now += 1
    assert not box.exists(code) and len(box) == 0
    assert box.answer(code, student(2), "diffusion", 1) == rooms.NO_ROOM
    assert box.open(HOST)  # the slot is free again


def test_many_students_answering_at_once_are_counted_exactly():
    """64 threads × 50 students each answer, half of them change their mind, all at once."""
    box, code, _ = room(max_answers=10_000)
    threads, per_thread = 64, 50
    barrier = threading.Barrier(threads)
    results: list[str] = []
    results_lock = threading.Lock()

    def work(t: int) -> None:
        mine = []
        barrier.wait()
        for k in range(per_thread):
            token = student(t * per_thread + k)
            mine.append(box.answer(code, token, "diffusion", k % 3))
            if k % 2 == 0:
                mine.append(box.answer(code, token, "diffusion", 2))
            box.snapshot(code, "diffusion")  # the projector reading while they answer
        with results_lock:
            results.extend(mine)

    pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    # per thread: k even -> last answer 2; k odd -> k % 3
    expected = [0, 0, 0]
    for _ in range(threads):
        for k in range(per_thread):
            expected[2 if k % 2 == 0 else k % 3] += 1
    assert box.snapshot(code, "diffusion").counts == tuple(expected)
    assert results.count(rooms.OK) == threads * per_thread
    assert results.count(rooms.REPLACED) == threads * per_thread // 2


def test_no_streamlit_in_the_room_logic():
    import ast
    from pathlib import Path

    for name in ("rooms.py", "share_link.py"):
        tree = ast.parse((Path(rooms.__file__).parent / name).read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(m and m.split(".")[0] == "streamlit" for m in imported), name


def test_the_answer_cap_holds_under_a_rush():
    """400 students rush a question capped at 100: exactly 100 are counted, the rest told it is full."""
    import sys

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: a race shows up
    try:
        for _ in range(5):
            box, code, _ = room(max_answers=100)
            barrier = threading.Barrier(8)
            results: list[str] = []

            def work(t: int, box: Rooms, code: str, barrier: threading.Barrier, results: list) -> None:
                barrier.wait()
                results.extend(box.answer(code, student(t * 50 + k), "diffusion", k % 3) for k in range(50))

            pool = [threading.Thread(target=work, args=(t, box, code, barrier, results)) for t in range(8)]
            for thread in pool:
                thread.start()
            for thread in pool:
                thread.join()
            assert results.count(rooms.OK) == 100 and results.count(rooms.FULL) == 300
            assert box.snapshot(code, "diffusion").total == 100
    finally:
        sys.setswitchinterval(old)
