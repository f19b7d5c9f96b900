"""Many users at once: one server process runs every session as a thread.

Concurrent 2-D-lab steps must leave torch's thread count alone (it is set once at start-up), in the
thread that ran them and in fresh threads after them. Torch runs on the test session's thread
count (one, ``tests/conftest.py``), except in the thread-count test, which runs at two.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
from torch import nn

from models import device, toy2d_live, toy2d_models

THREADS = 8


def together(fn: Callable[[int], object], n: int = THREADS) -> list:
    """``fn(i)`` for i < n, in n fresh threads released at once, while another thread draws from the
    global RNG; the results in order."""
    barrier, stop = threading.Barrier(n + 1, timeout=60), threading.Event()

    def other_sessions() -> None:
        barrier.wait()
        while not stop.is_set():
            nn.Linear(16, 16)  # default init: the global RNG

    def worker(i: int):
        barrier.wait()
        return fn(i)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # hand the GIL over often: the threads' work interleaves finely
    try:
        with ThreadPoolExecutor(n + 1) as pool:
            noise = pool.submit(other_sessions)
            futures = [pool.submit(worker, i) for i in range(n)]
            try:
                return [f.result() for f in futures]
            finally:
                stop.set()
                noise.result()
    finally:
        sys.setswitchinterval(interval)


def digest(*parts) -> str:
    """One hash of tensors, arrays, numbers, strings and (nested) dicts / lists / modules, by their bytes."""
    h = hashlib.sha256()

    def add(x) -> None:
        if isinstance(x, nn.Module):
            add(x.state_dict())
        elif isinstance(x, torch.Tensor):
            add(x.detach().cpu().numpy())
        elif isinstance(x, np.ndarray):
            h.update(str((x.dtype, x.shape)).encode() + np.ascontiguousarray(x).tobytes())
        elif isinstance(x, dict):
            for key, value in x.items():
                add(str(key)), add(value)
        elif isinstance(x, (list, tuple)):
            for value in x:
                add(value)
        else:
            h.update(repr(x).encode())

    add(list(parts))
    return h.hexdigest()


# --- torch's thread count ----------------------------------------------------------------------
def trained(run: toy2d_live.LabRun) -> str:
    return digest([v for v in vars(run.model).values() if isinstance(v, nn.Module)], run.losses,
                  run.model.generator.get_state())


def test_concurrent_2d_lab_steps_leave_the_thread_count_alone(monkeypatch):
    families = list(toy2d_models.FAMILIES)
    n = len(families)
    alone, runs = ([toy2d_live.new_run(families[i % len(families)], "moons", seed=i) for i in range(n)]
                   for _ in range(2))
    session = torch.get_num_threads()
    monkeypatch.setattr(device, "_threads", None)  # as at start-up, with two threads: a count other than
    monkeypatch.setenv(device.ENV_THREADS, "2")    # 1, which set-and-restore code would leave unchanged
    try:
        assert device.configure_threads() == 2 == torch.get_num_threads()
        for run in alone:
            for _ in range(3):
                run.train(2, 1e-3)
        def step(i: int) -> int:
            runs[i].train(2, 1e-3)
            return torch.get_num_threads()

        for _ in range(3):  # each round in fresh threads, as every Streamlit rerun is a new thread
            assert together(step, n) == [2] * n
        assert torch.get_num_threads() == 2
        with ThreadPoolExecutor(2) as pool:
            assert [f.result() for f in [pool.submit(torch.get_num_threads) for _ in range(2)]] == [2, 2]
        assert [trained(r) for r in runs] == [trained(r) for r in alone]  # and two threads are deterministic too
    finally:
        torch.set_num_threads(session)  # back to the session's setting
