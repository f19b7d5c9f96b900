"""The shared result cache: computed once per key, byte-identical copies, bounded, errors never stored."""

import pickle
import threading
import time

import numpy as np
import pytest

from dashboard.serving.results import ResultCache, make_key


def test_keys_follow_content_not_identity():
    a = np.arange(6, dtype=np.uint8).reshape(2, 3)
    assert make_key("f", a) == make_key("f", a.copy())
    assert make_key("f", a) != make_key("f", a.astype(np.int64))      # dtype counts
    assert make_key("f", a) != make_key("f", a.reshape(3, 2))          # shape counts
    b = a.copy()
    b[0, 0] = 9
    assert make_key("f", a) != make_key("f", b)                        # bytes count
    assert make_key({"seed": 1, "w": 2.0}) == make_key({"w": 2.0, "seed": 1})
    assert make_key(1) != make_key(1.0) != make_key("1") and make_key(True) != make_key(1)
    with pytest.raises(TypeError):
        make_key(object())


def test_concurrent_requests_for_one_key_compute_once():
    cache = ResultCache(max_entries=10, max_bytes=2**20)
    calls, barrier = [], threading.Barrier(8)

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return {"images": np.random.default_rng(0).integers(0, 255, (4, 28, 28), dtype=np.uint8)}

    results = [None] * 8

    def ask(i):
        barrier.wait()
        results[i] = cache.get_or_compute("k", compute, poll_s=0.01)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    assert len(calls) == 1
    assert cache.stats.computed == 1 and cache.stats.hits == 7
    blobs = {pickle.dumps(r) for r in results}
    assert len(blobs) == 1                                              # byte-identical for everyone
    results[0]["images"][:] = 0                                          # one reader's change …
    assert cache.get_or_compute("k", compute)["images"].any()            # … is not everyone's


def test_errors_are_not_stored_and_the_next_request_computes():
    cache = ResultCache(max_entries=10, max_bytes=2**20)

    def broken():
        raise ValueError("bad input")

    with pytest.raises(ValueError):
        cache.get_or_compute("k", broken)
    assert len(cache) == 0 and cache.stats.failed == 1
    assert cache.get_or_compute("k", lambda: 42) == 42


def test_a_waiter_takes_over_when_the_computation_is_stopped():
    cache = ResultCache(max_entries=10, max_bytes=2**20)
    started = threading.Event()

    class Stopped(BaseException):
        pass

    def stopped():
        started.set()
        time.sleep(0.1)
        raise Stopped

    def first():
        with pytest.raises(Stopped):
            cache.get_or_compute("k", stopped)

    th = threading.Thread(target=first)
    th.start()
    started.wait(5)
    assert cache.get_or_compute("k", lambda: "fresh", poll_s=0.01) == "fresh"
    th.join(5)


def test_entries_and_bytes_are_capped_least_recently_used_first():
    cache = ResultCache(max_entries=3, max_bytes=10_000)
    for i in range(3):
        cache.get_or_compute(f"k{i}", lambda i=i: i)
    cache.get_or_compute("k0", lambda: "recomputed")       # k0 used: k1 is now the oldest
    cache.get_or_compute("k3", lambda: 3)
    assert len(cache) == 3
    assert cache.get_or_compute("k0", lambda: "recomputed") == 0
    assert cache.get_or_compute("k1", lambda: "recomputed") == "recomputed"
    big = np.zeros(4000, dtype=np.uint8)
    for i in range(5):
        cache.get_or_compute(f"big{i}", lambda: big)
    assert cache.size_bytes <= 10_000
    huge = np.zeros(20_000, dtype=np.uint8)
    assert cache.get_or_compute("huge", lambda: huge).size == 20_000 and cache.stats.too_big == 1


def test_a_cache_of_no_entries_keeps_nothing(monkeypatch):
    """GENAI_LAB_CACHE_ENTRIES=0 (the render benchmark's first renders): every request computes afresh."""
    from dashboard.serving import settings

    monkeypatch.setenv("GENAI_LAB_CACHE_ENTRIES", "0")
    cache = ResultCache(settings.load().cache_entries, 2**20)
    calls = []
    for _ in range(3):
        assert cache.get_or_compute("k", lambda: calls.append(1) or len(calls)) == len(calls)
    assert len(calls) == 3 and len(cache) == 0 and cache.size_bytes == 0
