"""Same seed ⇒ same bytes with many users at once: one server process runs every session as a thread.

Every seeded builder, trainer and sampler the server runs is run in ``THREADS`` threads at once
(a barrier lines them up; meanwhile one more thread keeps building default-initialised modules,
as other sessions loading a model do, which draws from torch's global RNG). All must give
byte-identical results, equal to a run on its own. No Streamlit cache is involved. And
concurrent 2-D-lab steps must leave torch's thread count alone.

Torch runs on the test session's thread count (one, ``tests/conftest.py``), except in the
thread-count test, which runs at two.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch
from torch import nn

from models.apps import augment, pipeline, risks
from models.core import data, device
from models.image import zoo
from models.lab2d import toy2d, toy2d_live, toy2d_models

THREADS = 8
POINTS = toy2d.make_dataset("moons", 300, seed=0)


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


def same_alone_and_together(fn: Callable[[], str], rounds: int = 2) -> None:
    alone = fn()
    for _ in range(rounds):
        assert together(lambda _i: fn()) == [alone] * THREADS


@pytest.fixture(scope="module")
def splits():
    return data.load_shipped("train10k"), data.load_shipped("test")


# --- the 2-D lab ------------------------------------------------------------------------------
@pytest.mark.parametrize("family", list(toy2d_models.FAMILIES))
def test_2d_lab_models_build_train_and_sample_alike_in_every_thread(family):
    def run() -> str:
        built = [toy2d_models.build(family, seed=3) for _ in range(3)]  # builds are quick: a few per thread
        nets = [[v for v in vars(model).values() if isinstance(v, nn.Module)] for model in built]
        initial = digest(nets)
        model, nets = built[-1], nets[-1]
        losses = model.train_steps(POINTS, 3)
        options = {"steps": 5} if family == "diffusion" else {}
        return digest(initial, losses, nets, model.sample(64, seed=1, **options))

    same_alone_and_together(run)


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


# --- Train your own (pipeline) ------------------------------------------------------------------
class MeanScorer:
    """Stands in for the FID (the judge's features are not what this test is about): cheap, but
    still a function of every generated pixel."""

    def __init__(self, _judge, reference: np.ndarray):
        self.reference = float(reference.mean())

    def score(self, images: np.ndarray) -> float:
        return float(images.astype(np.float64).mean()) - self.reference


@pytest.mark.parametrize("family", pipeline.FAMILIES)
def test_pipeline_runs_build_and_train_alike_in_every_thread(splits, monkeypatch, family):
    monkeypatch.setattr(pipeline, "FIDScorer", MeanScorer)
    config = pipeline.PipelineConfig(family=family, classes=(1, 8), per_class=pipeline.MIN_PER_CLASS,
                                     batch_size=8, fid_samples=16, seed=4)

    def run() -> str:
        live = pipeline.PipelineRun.create(config, *splits, judge=None)
        initial = digest(live.nets)
        live.train_epoch()
        return digest(initial, live.nets, {k: v for k, v in live.history.items() if k != "seconds"})

    same_alone_and_together(run)


# --- data augmentation and pros & cons -----------------------------------------------------------
def test_augment_classifier_trains_alike_in_every_thread(splits):
    images, labels = augment.few_real(splits[0], 2, seed=0)
    config = augment.AugmentConfig(steps=4, batch_size=16, channels=(4, 8), features=16)

    def run() -> str:
        net = augment.train_classifier(images, labels, config, seed=2)
        with torch.inference_mode():
            return digest(net, net(augment.to_input(images)))

    same_alone_and_together(run)


def test_risks_detector_trains_alike_in_every_thread(splits):
    train, test = splits

    def run() -> str:
        out = risks.detector(test.images[:40], train.images[:40], seed=1, steps=4, batch_size=16)
        return digest(out["p_fake_real"], out["p_fake_generated"])

    same_alone_and_together(run)


def test_server_run_builders_leave_the_global_rng_alone(splits, monkeypatch):
    monkeypatch.setattr(pipeline, "FIDScorer", MeanScorer)
    images, labels = augment.few_real(splits[0], 1, seed=0)
    state = torch.random.get_rng_state()
    for family in toy2d_models.FAMILIES:
        toy2d_models.build(family, seed=0).train_steps(POINTS, 1)
    for family in pipeline.FAMILIES:
        pipeline.PipelineRun.create(pipeline.PipelineConfig(family=family, classes=(1, 8), per_class=20, batch_size=20,
                                                            fid_samples=4), *splits, judge=None).train_epoch()
    augment.train_classifier(images, labels, augment.AugmentConfig(steps=1, batch_size=4), seed=0)
    risks.detector(images, images, steps=1, batch_size=4)
    assert torch.equal(state, torch.random.get_rng_state())


# --- the shipped image families -----------------------------------------------------------------
@pytest.mark.parametrize("family", zoo.FAMILIES)
def test_shipped_families_sample_alike_in_every_thread(family):
    model = zoo.load(family)
    options = {"steps": 2} if family == "diffusion" else {}
    labels = np.array([3]) if family == "diffusion" else np.array([3, 7])
    same_alone_and_together(lambda: digest(zoo.sample(model, family, labels, seed=5, **options)))
