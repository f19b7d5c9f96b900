"""The fair queue: FIFO order, the number ahead, a queue limit, and waiters that give up."""

import threading
import time

import pytest

from dashboard.serving.gate import Gate, QueueFull


def _hold(gate: Gate, release: threading.Event, started: threading.Event | None = None):
    def run():
        with gate.admit():
            if started is not None:
                started.set()
            release.wait(10)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_never_more_than_slots_at_once_and_first_come_first_served():
    gate = Gate(slots=2, limit=50)
    inside, peak, order, lock = [0], [0], [], threading.Lock()

    def work(i):
        with gate.admit():
            with lock:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
                order.append(i)
            time.sleep(0.02)
            with lock:
                inside[0] -= 1

    release = threading.Event()
    blockers = [_hold(gate, release) for _ in range(2)]
    _wait_until(lambda: gate.running == 2)
    threads = []
    for i in range(8):  # queue up in a known order
        threads.append(threading.Thread(target=work, args=(i,)))
        threads[-1].start()
        _wait_until(lambda i=i: gate.waiting == i + 1)
    release.set()
    for th in blockers + threads:
        th.join(10)
    assert peak[0] <= 2
    assert order == list(range(8))
    assert gate.stats.waited == 8 and gate.running == 0 and gate.waiting == 0


def test_waiters_are_told_how_many_are_ahead():
    gate = Gate(slots=1, limit=10)
    release = threading.Event()
    blocker = _hold(gate, release)
    _wait_until(lambda: gate.running == 1)
    seen = {0: [], 1: []}

    def wait(i):
        with gate.admit(on_wait=seen[i].append, poll_s=0.01):
            time.sleep(0.3 if i == 0 else 0)  # the second waiter is first in line meanwhile

    first = threading.Thread(target=wait, args=(0,))
    first.start()
    _wait_until(lambda: gate.waiting == 1)
    second = threading.Thread(target=wait, args=(1,))
    second.start()
    _wait_until(lambda: gate.waiting == 2)
    release.set()
    for th in (blocker, first, second):
        th.join(10)
    assert seen[0] == [0]
    assert seen[1][0] == 1 and seen[1][-1] == 0  # moves up the line


def test_a_full_queue_refuses_with_a_clear_error():
    gate = Gate(slots=1, limit=1)
    release = threading.Event()
    blocker = _hold(gate, release)
    _wait_until(lambda: gate.running == 1)
    waiter = threading.Thread(target=lambda: gate.admit().__enter__())
    waiter.daemon = True
    waiter.start()
    _wait_until(lambda: gate.waiting == 1)
    with pytest.raises(QueueFull) as full:
        with gate.admit():
            pass
    assert full.value.waiting == 1 and gate.stats.refused == 1
    release.set()
    blocker.join(10)


def test_a_waiter_that_gives_up_leaves_the_line():
    gate = Gate(slots=1, limit=10)
    release = threading.Event()
    blocker = _hold(gate, release)
    _wait_until(lambda: gate.running == 1)
    give_up = threading.Event()

    class Left(Exception):
        pass

    def check():
        if give_up.is_set():
            raise Left

    errors = []

    def wait():
        try:
            with gate.admit(check=check, poll_s=0.01):
                pass
        except Left:
            errors.append("left")

    waiter = threading.Thread(target=wait)
    waiter.start()
    _wait_until(lambda: gate.waiting == 1)
    give_up.set()
    waiter.join(5)
    assert errors == ["left"] and gate.waiting == 0 and gate.stats.abandoned == 1
    release.set()
    blocker.join(5)
    with gate.admit(poll_s=0.01) as waited:  # the slot is free again, nobody in line
        assert waited < 1
