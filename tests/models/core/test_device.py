"""Torch's thread count: set once per process, from GENAI_LAB_TORCH_THREADS or one thread."""

import os
import threading
import warnings

import pytest
import torch

from models.core import device


def test_configure_threads_sets_the_count_once(monkeypatch):
    calls = []
    monkeypatch.setattr(torch, "set_num_threads", calls.append)
    monkeypatch.setattr(device, "_threads", None)
    monkeypatch.setenv(device.ENV_THREADS, "3")
    results = []
    threads = [threading.Thread(target=lambda: results.append(device.configure_threads())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [3] * 4 and calls == [3]
    monkeypatch.setenv(device.ENV_THREADS, "1")
    assert device.configure_threads() == 3 and calls == [3]  # already set: later calls change nothing


@pytest.mark.parametrize("raw", ["", "zero", "0", "-2"])
def test_configure_threads_defaults_to_one_thread(monkeypatch, raw):
    calls = []
    monkeypatch.setattr(torch, "set_num_threads", calls.append)
    monkeypatch.setattr(device, "_threads", None)
    monkeypatch.setenv(device.ENV_THREADS, raw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert device.configure_threads() == device.DEFAULT_THREADS == 1
    assert calls == [1] and len(caught) == (1 if raw else 0)


def test_before_torch_is_imported_the_count_waits_for_it_in_the_environment():
    """The landing page imports no torch: configure_threads must not import it, yet torch must start
    with the count once a later page imports it. (One thread: torch caps an environment count at the
    core count, and starts with all cores when none is set, so on this machine one is told apart.)"""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; from models.core import device; "
            "assert device.configure_threads() == 1; assert 'torch' not in sys.modules, 'torch imported'; "
            "import torch; print(torch.get_num_threads())")
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    run = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[3], capture_output=True,
                         text=True, timeout=120, env={**env, device.ENV_THREADS: "1", "PYTHONPATH": "."})
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "1"
