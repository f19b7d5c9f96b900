"""At most K live training runs at once; the others wait in line for a slot.

A live run (the 2-D lab, Train your own, the augmentation run) trains across many script reruns,
so its slot is a *lease* keyed by the run's id: every chunk of training asks again with
:meth:`TrainingSlots.request` (and :meth:`renew` keeps the lease while a chunk runs),
:meth:`release` gives it back (pause, stop, reset), and a lease or a place in line that is not
renewed for ``lease_s`` seconds (the tab was closed) lapses by itself. Runs take turns: a run that
has trained for ``turn_s`` while others wait goes to the back of the line at its next chunk, so
every student's run moves, not only the first one's.
The training itself runs on threads of low priority (:func:`low_priority_pool`), so page work
goes first on a busy machine. No Streamlit import.
"""

from __future__ import annotations

import concurrent.futures
import os
import threading
import time
from collections import OrderedDict


class TrainingSlots:
    def __init__(self, slots: int, lease_s: float = 10.0, turn_s: float = 60.0, clock=time.monotonic) -> None:
        if slots < 1:
            raise ValueError("at least one training slot")
        self.slots, self.lease_s, self.turn_s, self._clock = slots, lease_s, turn_s, clock
        self._lock = threading.Lock()
        self._holders: dict[str, float] = {}
        self._since: dict[str, float] = {}  # when each holder's turn began
        self._line: OrderedDict[str, float] = OrderedDict()
        self.queued = 0  # runs that had to wait for a slot

    def _expire(self, now: float) -> None:
        for table in (self._holders, self._line):
            for run_id in [r for r, seen in table.items() if now - seen > self.lease_s]:
                del table[run_id]
        for run_id in [r for r in self._since if r not in self._holders]:
            del self._since[run_id]

    def request(self, run_id: str) -> int:
        """0 when ``run_id`` may train now (its lease renewed), else its place in line (1 = next)."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            if run_id in self._holders:
                if not (self._line and now - self._since[run_id] >= self.turn_s):
                    self._holders[run_id] = now
                    return 0
                del self._holders[run_id]  # its turn is over and others wait: to the back of the line
            newcomer = run_id not in self._line
            self._line[run_id] = now  # a newcomer joins at the end; a waiter keeps its place
            position = list(self._line).index(run_id)
            free = self.slots - len(self._holders)
            if position < free:
                del self._line[run_id]
                self._holders[run_id] = self._since[run_id] = now
                return 0
            self.queued += newcomer
            return position + 1

    def renew(self, run_id: str) -> None:
        """Keep a holder's lease while one chunk of its training runs (never ends its turn)."""
        with self._lock:
            if run_id in self._holders:
                self._holders[run_id] = self._clock()

    def release(self, run_id: str) -> None:
        with self._lock:
            self._holders.pop(run_id, None)
            self._line.pop(run_id, None)

    def clear(self) -> None:
        """Forget every lease and waiter (a fresh server; tests use it between apps)."""
        with self._lock:
            self._holders.clear()
            self._line.clear()
            self._since.clear()

    @property
    def training(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._holders)

    @property
    def waiting(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._line)


def _lower_priority(niceness: int) -> None:
    """Make the calling worker thread yield the CPU to page work (Linux: nice is per thread)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError, PermissionError):
        pass


def low_priority_pool(workers: int, niceness: int = 10) -> concurrent.futures.ThreadPoolExecutor:
    """Threads that run training chunks below the priority of page work."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="genai-train",
                                                 initializer=_lower_priority, initargs=(niceness,))
