"""One process-wide admission gate for heavy model work: first come, first served.

At most ``slots`` holders run at once (one per CPU core); the others wait in arrival order and
can be told how many are ahead of them. A queue longer than ``limit`` refuses newcomers with
:class:`QueueFull` instead of letting waits grow without end. A waiter that gives up — its
``check`` raises because the user reran the page or closed the tab — leaves the line at once.
No Streamlit import: the page side passes ``on_wait`` (show the position) and ``check``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass


class QueueFull(RuntimeError):
    """More requests are waiting than the gate's limit allows."""

    def __init__(self, waiting: int, limit: int) -> None:
        super().__init__(f"{waiting} requests are waiting (limit {limit})")
        self.waiting, self.limit = waiting, limit


@dataclass
class GateStats:
    admitted: int = 0        # requests that got a slot
    waited: int = 0          # … of them, how many had to wait
    refused: int = 0         # QueueFull
    abandoned: int = 0       # left the line before their turn
    longest_wait_s: float = 0.0


class Gate:
    def __init__(self, slots: int, limit: int) -> None:
        if slots < 1 or limit < 0:
            raise ValueError("a gate needs at least one slot and a non-negative queue limit")
        self.slots, self.limit = slots, limit
        self._cond = threading.Condition()
        self._running = 0
        self._line: deque[object] = deque()
        self.stats = GateStats()

    # -- what a page may show -----------------------------------------------------------
    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return len(self._line)

    def _ahead(self, ticket: object) -> int:
        return self._line.index(ticket)

    # -- the gate ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def admit(self, on_wait: Callable[[int], None] | None = None, check: Callable[[], None] | None = None,
              poll_s: float = 0.2) -> Iterator[float]:
        """Hold one slot inside the block; yields the seconds spent waiting for it.

        While waiting, ``on_wait(ahead)`` is called (outside the gate's lock) whenever the number
        of requests ahead changes, the first time straight away; ``check()`` is called every
        ``poll_s`` and may raise to give up the place in line.
        """
        ticket = object()
        start = time.perf_counter()
        with self._cond:
            free = self._running < self.slots and not self._line
            if free:
                self._running += 1
            elif len(self._line) >= self.limit:
                self.stats.refused += 1
                raise QueueFull(len(self._line), self.limit)
            else:
                self._line.append(ticket)
        if not free:
            self._wait_turn(ticket, on_wait, check, poll_s)
        waited = time.perf_counter() - start
        with self._cond:
            self.stats.admitted += 1
            self.stats.waited += not free
            self.stats.longest_wait_s = max(self.stats.longest_wait_s, waited)
        try:
            yield waited
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    def _wait_turn(self, ticket: object, on_wait, check, poll_s: float) -> None:
        shown = None
        try:
            while True:
                with self._cond:
                    if self._line[0] is ticket and self._running < self.slots:
                        self._line.popleft()
                        self._running += 1
                        self._cond.notify_all()  # the next in line may be admitted too
                        return
                    ahead = self._ahead(ticket)
                if ahead != shown and on_wait is not None:
                    on_wait(ahead)
                    shown = ahead
                if check is not None:
                    check()
                with self._cond:
                    if not (self._line[0] is ticket and self._running < self.slots):
                        self._cond.wait(poll_s)
        except BaseException:
            with self._cond:
                if ticket in self._line:
                    self._line.remove(ticket)
                    self.stats.abandoned += 1
                    self._cond.notify_all()
            raise
