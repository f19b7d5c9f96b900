"""Class rooms: the instructor opens one, students answer the room's current question, the
projector shows the counts. Pure logic, no Streamlit import (unit-tested on its own).

Counts only, no names: an answer is stored under the random token of one browser session (the
Streamlit side keeps it in ``st.session_state``), so one session has one answer per question and
answering again replaces it. Everything lives in this process's memory behind one lock; rooms
expire :data:`TTL_S` after they were opened, and caps bound what a class (or a script) can fill.

A room's question is set by its owner (the instructor's session) from the page it is on, with the
kind and range of its record (:mod:`dashboard.lesson.questions`), so an answer is checked against
the question the class was actually asked. Answers close when the answer is revealed.
"""

from __future__ import annotations

import math
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: Room codes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V look-alikes; 5 characters (about 4 million codes).
ALPHABET = "ACDEFHJKMNPQRTWXY3479"
CODE_LENGTH = 5
CODE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
MAX_ROOMS = 50            # open rooms on one server
MAX_ANSWERS = 200         # answers per question (a class, with room to spare)
MAX_QUESTIONS = 40        # questions per room (the lesson path has about 20)
TTL_S = 4 * 3600          # a room lives this long after it was opened
NUMBER_BINS = 10          # a number question's answers are counted in this many bins over [lo, hi]

OK, REPLACED, NO_ROOM, NO_QUESTION, CLOSED, FULL, INVALID = (
    "ok", "replaced", "no_room", "no_question", "closed", "full", "invalid")


def parse_code(text: str) -> str | None:
    """A room code typed or read from a link (case and surrounding spaces forgiven), or ``None``."""
    code = str(text).strip().upper()[: CODE_LENGTH + 1]
    return code if CODE.fullmatch(code) else None


@dataclass(frozen=True)
class Spec:
    """What a question accepts: ``choices`` options, or a number in [lo, hi]."""
    kind: str            # "choice" | "number"
    choices: int = 0
    lo: float = 0.0
    hi: float = 0.0

    def valid(self, value: float) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return False
        if self.kind == "choice":
            return float(value).is_integer() and 0 <= value < self.choices
        return self.lo <= value <= self.hi

    def bins(self) -> int:
        return self.choices if self.kind == "choice" else NUMBER_BINS

    def bin_of(self, value: float) -> int:
        if self.kind == "choice":
            return int(value)
        width = (self.hi - self.lo) / NUMBER_BINS
        return NUMBER_BINS - 1 if width <= 0 else min(NUMBER_BINS - 1, int((value - self.lo) / width))


@dataclass
class _Question:
    spec: Spec
    answers: dict[str, float] = field(default_factory=dict)   # session token -> value
    revealed: bool = False


@dataclass
class _Room:
    owner: str
    opened: float
    current: str = ""                                          # the page stem on the projector
    questions: dict[str, _Question] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """What a screen shows of one question: the counts per choice (or per bin), nothing else."""
    stem: str
    spec: Spec
    counts: tuple[int, ...]
    revealed: bool

    @property
    def total(self) -> int:
        return sum(self.counts)


class RoomsFull(RuntimeError):
    """:data:`MAX_ROOMS` rooms are open."""


class Rooms:
    """Every open room of this server. ``clock`` (seconds, monotonic) is injectable for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_rooms: int = MAX_ROOMS,
                 max_answers: int = MAX_ANSWERS, max_questions: int = MAX_QUESTIONS, ttl_s: float = TTL_S) -> None:
        self._clock, self._ttl = clock, ttl_s
        self.max_rooms, self.max_answers, self.max_questions = max_rooms, max_answers, max_questions
        self._lock = threading.Lock()
        self._rooms: dict[str, _Room] = {}

    # --- under the lock ----------------------------------------------------------------------------

    def _expire(self) -> None:
        now = self._clock()
        for code in [c for c, r in self._rooms.items() if now - r.opened >= self._ttl]:
            del self._rooms[code]

    def _room(self, code: str) -> _Room | None:
        self._expire()
        return self._rooms.get(code) if isinstance(code, str) else None

    # --- the instructor ----------------------------------------------------------------------------

    def open(self, owner: str) -> str:
        """A new room owned by the session ``owner``; that session's earlier room is closed."""
        with self._lock:
            self._expire()
            for code in [c for c, r in self._rooms.items() if r.owner == owner]:
                del self._rooms[code]
            if len(self._rooms) >= self.max_rooms:
                raise RoomsFull(f"{self.max_rooms} rooms are open")
            while True:
                code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
                if code not in self._rooms:
                    break
            self._rooms[code] = _Room(owner, self._clock())
            return code

    def close(self, code: str, owner: str) -> None:
        with self._lock:
            room = self._room(code)
            if room is not None and room.owner == owner:
                del self._rooms[code]

    def owns(self, code: str, owner: str) -> bool:
        with self._lock:
            room = self._room(code)
            return room is not None and room.owner == owner

    def ask(self, code: str, owner: str, stem: str, spec: Spec | None) -> bool:
        """Make ``stem`` the room's current page, and its question (``spec``) answerable. False when
        the room is gone, not ``owner``'s, or already holds :attr:`max_questions` other questions."""
        with self._lock:
            room = self._room(code)
            if room is None or room.owner != owner:
                return False
            if spec is not None and stem not in room.questions:
                if len(room.questions) >= self.max_questions:
                    return False
                room.questions[stem] = _Question(spec)
            room.current = stem
            return True

    def reveal(self, code: str, owner: str, stem: str, shown: bool = True) -> None:
        with self._lock:
            room = self._room(code)
            if room is not None and room.owner == owner and stem in room.questions:
                room.questions[stem].revealed = shown

    # --- everyone ----------------------------------------------------------------------------------

    def exists(self, code: str) -> bool:
        with self._lock:
            return self._room(code) is not None

    def current(self, code: str) -> str | None:
        """The page the room's projector is on (``""`` before the first), ``None`` when there is no room."""
        with self._lock:
            room = self._room(code)
            return None if room is None else room.current

    def answer(self, code: str, token: str, stem: str, value: float) -> str:
        """Record (or replace) session ``token``'s answer to ``stem``: :data:`OK`, :data:`REPLACED`, or
        why not (:data:`NO_ROOM`, :data:`NO_QUESTION`, :data:`CLOSED`, :data:`FULL`, :data:`INVALID`)."""
        if not isinstance(token, str) or not 8 <= len(token) <= 64:
            return INVALID
        with self._lock:
            room = self._room(code)
            if room is None:
                return NO_ROOM
            question = room.questions.get(stem)
            if question is None:
                return NO_QUESTION
            if question.revealed:
                return CLOSED
            if not question.spec.valid(value):
                return INVALID
            if token in question.answers:
                question.answers[token] = float(value)
                return REPLACED
            if len(question.answers) >= self.max_answers:
                return FULL
            question.answers[token] = float(value)
            return OK

    def mine(self, code: str, token: str, stem: str) -> float | None:
        """Session ``token``'s answer to ``stem``, if any."""
        with self._lock:
            room = self._room(code)
            question = None if room is None else room.questions.get(stem)
            return None if question is None else question.answers.get(token)

    def snapshot(self, code: str, stem: str) -> Snapshot | None:
        """The counts of ``stem``'s answers in room ``code`` (``None``: no such room or question)."""
        with self._lock:
            room = self._room(code)
            question = None if room is None else room.questions.get(stem)
            if question is None:
                return None
            spec = question.spec
            counts = [0] * spec.bins()
            for value in question.answers.values():
                counts[spec.bin_of(value)] += 1
            return Snapshot(stem, spec, tuple(counts), question.revealed)

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._rooms)


#: The server's rooms (one process serves every student).
ROOMS = Rooms()
