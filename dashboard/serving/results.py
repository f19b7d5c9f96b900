"""A bounded cache of results shared by every session of the server.

A deterministic view — samples, a trajectory, an edit, a decoded grid, seeded text — depends only
on the model's files, its settings, the seed and the input bytes. :func:`make_key` turns exactly
those into a key; :meth:`ResultCache.get_or_compute` computes each key once and serves the stored
bytes to everyone else who asks. Requests for a key that is being computed wait for that
computation instead of starting their own. A computation that raises (an error, or a run stopped
because its user went away) stores nothing; the next request computes afresh.

Results are stored pickled: every reader gets its own copy (no session can change another's
arrays), the stored size is known exactly, and the copy is byte-identical to the computed value.
Entries and megabytes are both capped; the least recently used entries go first.
No Streamlit import.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def _feed(h, value: Any) -> None:
    """Hash ``value`` by content and type: arrays by dtype, shape and bytes; containers item by item."""
    if isinstance(value, np.ndarray):
        h.update(f"nd{value.dtype.str}{value.shape}".encode())
        h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, (bytes, bytearray, memoryview)):
        h.update(b"b%d:" % len(value))
        h.update(bytes(value))
    elif isinstance(value, (str, int, float, bool, type(None), np.generic)):
        text = repr(value.item() if isinstance(value, np.generic) else value)
        h.update(f"{type(value).__name__}:{len(text)}:{text}".encode())
    elif isinstance(value, (tuple, list)):
        h.update(f"{type(value).__name__}{len(value)}(".encode())
        for item in value:
            _feed(h, item)
        h.update(b")")
    elif isinstance(value, dict):
        h.update(f"dict{len(value)}(".encode())
        for k in sorted(value, key=repr):
            _feed(h, k)
            _feed(h, value[k])
        h.update(b")")
    else:
        raise TypeError(f"cannot key a shared result on a {type(value).__name__}")


def make_key(*parts: Any) -> str:
    """sha256 over the parts, by content (see :func:`_feed`)."""
    h = hashlib.sha256()
    for part in parts:
        _feed(h, part)
    return h.hexdigest()


@dataclass
class CacheStats:
    hits: int = 0        # served from a stored result
    joined: int = 0      # waited for someone else's computation of the same key
    computed: int = 0
    failed: int = 0      # computations that raised (nothing stored)
    too_big: int = 0     # results larger than the whole cache (served, not stored)
    evicted: int = 0


class ResultCache:
    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._computing: dict[str, threading.Event] = {}
        self.stats = CacheStats()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def get_or_compute(self, key: str, compute: Callable[[], T], on_wait: Callable[[], None] | None = None,
                       check: Callable[[], None] | None = None, poll_s: float = 0.2) -> T:
        """The stored result of ``key``, or ``compute()`` run once and stored.

        While another thread computes the same key, ``on_wait()`` is called once and ``check()``
        every ``poll_s`` (it may raise to give up waiting).
        """
        told = False
        while True:
            with self._lock:
                stored = self._entries.get(key)
                if stored is not None:
                    self._entries.move_to_end(key)
                    self.stats.hits += 1
                    return pickle.loads(stored)
                running = self._computing.get(key)
                if running is None:
                    done = self._computing[key] = threading.Event()
                    break
            if not told:
                with self._lock:
                    self.stats.joined += 1
                if on_wait is not None:
                    on_wait()
                told = True
            while not running.wait(poll_s):
                if check is not None:
                    check()
        try:
            value = compute()
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            with self._lock:
                self.stats.failed += 1
            raise
        else:
            self._store(key, blob)
            return value
        finally:
            with self._lock:
                self._computing.pop(key, None)
            done.set()

    def _store(self, key: str, blob: bytes) -> None:
        with self._lock:
            self.stats.computed += 1
            if len(blob) > self.max_bytes:
                self.stats.too_big += 1
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old)
            self._entries[key] = blob
            self._bytes += len(blob)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped)
                self.stats.evicted += 1
