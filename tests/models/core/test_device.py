"""Torch's thread count: set once per process, from GENAI_LAB_TORCH_THREADS or one thread."""

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
