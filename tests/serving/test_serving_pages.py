"""The serving machinery on real pages (AppTest): shared results, the fair queue, bounded live training."""

import dataclasses
import pickle
import threading
import time

import pytest

from dashboard.core import loaders
from dashboard.core.i18n import strings
from dashboard.image import loaders as image_loaders
from dashboard.serving import ui
from models.image import zoo
from tests.pages.conftest import run_app

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")


def _unused_seed() -> int:
    return int(time.time_ns() % 2**31)


def open_page(lang: str, page: str, seed: int):
    """The page with its seed box set to ``seed``, as a student types it."""
    at = run_app(lang, page)
    at.number_input(key="_url_seed").set_value(seed).run()
    return at


def test_the_same_view_is_computed_once_and_is_byte_identical_to_a_fresh_computation():
    seed = _unused_seed()
    before = ui.RESULTS.stats.computed
    first = open_page("en", "pages/compare.py", seed)
    assert first.number_input[0].value == seed
    assert not first.exception
    computed = ui.RESULTS.stats.computed - before
    assert computed >= len(zoo.FAMILIES)                       # one result per family …
    hits = ui.RESULTS.stats.hits
    second = open_page("ko", "pages/compare.py", seed)
    assert not second.exception
    assert ui.RESULTS.stats.computed - before == computed       # … and nothing computed again
    assert ui.RESULTS.stats.hits - hits >= len(zoo.FAMILIES)
    labels = zoo.cycle_labels(8, None)
    for family in zoo.FAMILIES:
        shared_images, _ = image_loaders.generate(family, labels, seed)
        fresh_images, _ = image_loaders.generate.uncached(family, labels, seed)
        assert pickle.dumps(shared_images) == pickle.dumps(fresh_images), family


def test_a_new_checkpoint_revision_is_a_new_key(monkeypatch):
    seed = _unused_seed()
    labels = zoo.cycle_labels(4, None)
    image_loaders.generate("gan", labels, seed)
    computed = ui.RESULTS.stats.computed
    image_loaders.generate("gan", labels, seed)
    assert ui.RESULTS.stats.computed == computed
    monkeypatch.setattr(ui, "revision", lambda: "another-manifest")
    image_loaders.generate("gan", labels, seed)
    assert ui.RESULTS.stats.computed == computed + 1


def test_heavy_work_waits_in_the_fair_queue_and_then_runs():
    """Every slot taken by others: the diffusion page waits its turn, then shows its pictures."""
    at = run_app("en", "pages/diffusion.py")
    release, holding = threading.Event(), threading.Barrier(ui.GATE.slots + 1)

    def hold():
        with ui.GATE.admit():
            holding.wait(10)
            release.wait(20)

    holders = [threading.Thread(target=hold) for _ in range(ui.GATE.slots)]
    for th in holders:
        th.start()
    holding.wait(10)
    waited = ui.GATE.stats.waited
    threading.Timer(1.5, release.set).start()
    seed = _unused_seed()
    at.number_input(key="_url_seed").set_value(seed)
    next(b for b in at.button if getattr(b, "form_id", "") == "reverse").click().run()  # the form's Run
    for th in holders:
        th.join(10)
    assert not at.exception
    assert at.number_input(key="_url_seed").value == seed
    assert ui.GATE.stats.waited == waited + 1
    assert ui.GATE.stats.longest_wait_s >= 1.0
    assert at.get("plotly_chart")


def test_a_training_run_waits_for_a_slot_then_trains(monkeypatch):
    page, query = "pages/pipeline.py", {"classes": "1,8", "n": "0", "ep": "1"}
    at = run_app("en", page, query=query)
    others = [f"someone-else-{i}" for i in range(ui.TRAINING.slots)]
    for other in others:
        assert ui.TRAINING.request(other) == 0
    queued = ui.TRAINING.queued

    def others_stop_once_it_waits():
        deadline = time.monotonic() + 60
        while ui.TRAINING.waiting == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
        for other in others:
            ui.TRAINING.release(other)

    threading.Thread(target=others_stop_once_it_waits).start()
    at.button(key="pipeline_train").click().run(timeout=120)
    assert not at.exception
    assert ui.TRAINING.queued == queued + 1                    # it had to wait …
    run = next(iter(at.session_state["pipeline_runs"].values()))
    assert run.epoch == 1                                      # … and then trained
    assert ui.TRAINING.training == 0                           # and gave its slot back


def test_a_run_pauses_itself_after_a_while_without_a_widget_change(monkeypatch):
    monkeypatch.setattr(ui, "SETTINGS", dataclasses.replace(ui.SETTINGS, idle_pause_s=0))
    at = run_app("en", "pages/pipeline.py", query={"classes": "1,8", "n": "0", "ep": "3"})
    at.button(key="pipeline_train").click().run(timeout=120)
    assert not at.exception
    assert at.session_state["pipeline_running"] is None
    assert any("paused" in i.value for i in at.info), [i.value for i in at.info]
    runs = at.session_state["pipeline_runs"]
    assert all(r.epoch < 3 for r in runs.values())


def test_hosted_caps_bound_what_live_training_offers(monkeypatch):
    monkeypatch.setattr(ui, "SETTINGS", dataclasses.replace(ui.SETTINGS, hosted=True))
    lab = run_app("en", "pages/lab_2d.py", query={"spr": "200"})
    assert not lab.exception
    assert lab.slider(key="_url_spr").max == ui.HOSTED_CAPS["lab.spr"]
    assert lab.slider(key="_url_spr").value == ui.HOSTED_CAPS["lab.spr"]
    pipe = run_app("en", "pages/pipeline.py")
    assert pipe.slider(key="_url_ep").max == ui.HOSTED_CAPS["pipeline.epochs"]
    offered = [int("".join(ch for ch in o if ch.isdigit())) for o in pipe.select_slider(key="_url_n").options]
    assert max(offered) <= ui.HOSTED_CAPS["pipeline.per_class"]


def test_guarded_models_take_no_lock_unless_exclusive():
    shared = loaders.Guarded(object())
    with shared, shared:  # re-entrant: nothing to wait for
        pass
    exclusive = loaders.Guarded(object(), exclusive=True)
    with exclusive:
        assert exclusive.lock.locked()
    assert not exclusive.lock.locked()


def test_a_full_queue_says_the_server_is_busy_instead_of_waiting(monkeypatch):
    at = run_app("ko", "pages/diffusion.py")
    release = threading.Event()

    def hold():
        with ui.GATE.admit():
            release.wait(20)

    holders = [threading.Thread(target=hold) for _ in range(ui.GATE.slots)]
    for th in holders:
        th.start()
    try:
        deadline = time.monotonic() + 10
        while ui.GATE.running < ui.GATE.slots and time.monotonic() < deadline:
            time.sleep(0.01)
        monkeypatch.setattr(ui.GATE, "limit", 0)  # nobody may wait: the next heavy request is refused
        at.number_input(key="_url_seed").set_value(_unused_seed())
        next(b for b in at.button if getattr(b, "form_id", "") == "reverse").click().run()
    finally:
        release.set()
        for th in holders:
            th.join(10)
    assert not at.exception
    busy = strings("ko")["serving.busy"].split("{n}")[0]
    assert any(w.value.startswith(busy) for w in at.warning), [w.value for w in at.warning]
