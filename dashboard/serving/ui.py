"""The Streamlit side of serving a class: shared results, the fair queue and live-training slots.

* :func:`shared` — the decorator the loaders use for deterministic views. The key holds the
  checkpoints' sha256 (the manifest's digest), the function, every argument (arrays by bytes);
  ``heavy=True`` (or a predicate of the arguments) also sends the computation through the gate.
* :func:`heavy_slot` — hold one slot of the gate around model work that is not a shared result
  (streaming generation); a waiting user sees "waiting — N ahead of you" within a poll.
* :func:`training_turn`, :func:`in_background`, :func:`wait_for_training` — bounded live training:
  a run trains only while it holds one of K slots, on a low-priority worker thread, and each chunk
  of training first lets waiting page work go ahead (:func:`yield_to_pages`).
* :func:`touch` / :func:`idle_pause` / :func:`clear_idle` — a run pauses after ``idle_pause_s``
  without a widget change, and the page says so until the run is started again.
* :func:`cap` — the hosted caps on the values that set the cost of live training.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import streamlit as st

from dashboard.core.i18n import t
from dashboard.serving.gate import Gate, QueueFull
from dashboard.serving.results import ResultCache, make_key
from dashboard.serving.settings import SETTINGS
from dashboard.serving.slots import TrainingSlots, low_priority_pool
from models.core import checkpoints

GATE = Gate(SETTINGS.heavy_slots, SETTINGS.queue_limit)
RESULTS = ResultCache(SETTINGS.cache_entries, SETTINGS.cache_mb * 2**20)
TRAINING = TrainingSlots(SETTINGS.training_slots, turn_s=SETTINGS.training_turn_s)
_POOL = low_priority_pool(SETTINGS.training_slots)
POLL_S = 0.2
#: hosted caps (``GENAI_LAB_HOSTED=1``): the largest value a live-training control offers there
HOSTED_CAPS = {"lab.spr": 50, "pipeline.epochs": 10, "pipeline.per_class": 200, "augment.steps": 150,
               "owntext.seconds": 120, "ownimages.seconds": 120}


# --- giving up when the user leaves -------------------------------------------------------------
def _check() -> None:
    """Raise Streamlit's stop/rerun exception when this run should end (rerun, Stop, tab closed)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_run_yield_check

    check = get_run_yield_check()
    if check is not None:
        check()


class _Notice:
    """A placeholder made only when someone has to wait, emptied when the wait is over."""

    def __init__(self) -> None:
        self._slot = None

    def show(self, text: str) -> None:
        if self._slot is None:
            self._slot = st.empty()
        self._slot.caption(f"⏳ {text}")

    def queue(self, ahead: int) -> None:
        self.show(t("serving.wait", n=ahead) if ahead else t("serving.next"))

    def clear(self) -> None:
        if self._slot is not None:
            self._slot.empty()


# --- the gate ------------------------------------------------------------------------------------
@contextlib.contextmanager
def heavy_slot() -> Iterator[float]:
    """One slot of the process-wide gate; a full queue stops the page with a clear message."""
    notice = _Notice()
    try:
        with GATE.admit(on_wait=notice.queue, check=_check, poll_s=POLL_S) as waited:
            notice.clear()
            yield waited
    except QueueFull as full:
        notice.clear()
        st.warning(t("serving.busy", n=full.waiting), icon="⏳")
        st.stop()


# --- shared results ----------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _manifest_digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if size >= 0 else "missing"


def revision() -> str:
    """sha256 of ``MANIFEST.json``, which holds every checkpoint file's sha256."""
    path = checkpoints.checkpoint_root() / checkpoints.MANIFEST
    try:
        stat = path.stat()
    except OSError:
        return _manifest_digest(str(path), 0, -1)
    return _manifest_digest(str(path), stat.st_mtime_ns, stat.st_size)


def shared(func: Callable | None = None, *, heavy: bool | Callable[..., bool] = False):
    """Compute each (function, checkpoints, arguments) once for every session; see module docstring."""

    def wrap(fn: Callable) -> Callable:
        signature = inspect.signature(fn)
        name = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def call(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            key = make_key(name, revision(), dict(bound.arguments))
            gated = heavy(*bound.args, **bound.kwargs) if callable(heavy) else heavy
            notice = _Notice()

            def compute():
                if not gated:
                    return fn(*bound.args, **bound.kwargs)
                with heavy_slot():
                    return fn(*bound.args, **bound.kwargs)

            try:
                return RESULTS.get_or_compute(key, compute, on_wait=lambda: notice.show(t("serving.shared")),
                                              check=_check, poll_s=POLL_S)
            finally:
                notice.clear()

        call.uncached = fn
        return call

    return wrap(func) if func is not None else wrap


# --- live training -------------------------------------------------------------------------------
def touch(scope: str) -> None:
    """Call in the page body (not in a fragment): a full rerun means a widget changed. Shows that the
    page's run was paused for idleness, until :func:`clear_idle`."""
    st.session_state[f"_serving_touch_{scope}"] = time.monotonic()
    if st.session_state.get(f"_serving_idle_{scope}"):
        st.info(t("serving.idle_paused", minutes=f"{SETTINGS.idle_pause_s / 60:g}"), icon="⏸️")


def idle_pause(scope: str) -> bool:
    """True (and remembered for :func:`touch`) once nobody has changed a widget for ``idle_pause_s``."""
    touched = st.session_state.get(f"_serving_touch_{scope}", time.monotonic())
    if time.monotonic() - touched <= SETTINGS.idle_pause_s:
        return False
    st.session_state[f"_serving_idle_{scope}"] = True
    return True


def clear_idle(scope: str) -> None:
    st.session_state.pop(f"_serving_idle_{scope}", None)


def training_turn(run_id: str, notice=None) -> bool:
    """True when ``run_id`` holds a training slot now; else show its place in line and return False."""
    place = TRAINING.request(run_id)
    if place and notice is not None:
        notice.caption(f"⏳ {t('serving.train_wait', n=place, k=TRAINING.slots)}")
    return place == 0


def release_training(run_id: str) -> None:
    TRAINING.release(run_id)


def wait_for_training(run_id: str) -> None:
    """Block (showing the place in line) until ``run_id`` holds a training slot."""
    slot = st.empty()
    while not training_turn(run_id, slot):
        _check()
        time.sleep(0.5)
    slot.empty()


def yield_to_pages(longest_s: float = 2.0) -> None:
    """Live training goes after page work: wait (at most ``longest_s``) while anyone waits for the gate."""
    deadline = time.monotonic() + longest_s
    while GATE.waiting and time.monotonic() < deadline:
        _check()
        time.sleep(0.05)


def in_background(fn: Callable, *args, progress: Callable[[float, object], None] | None = None,
                  run_id: str | None = None, **kwargs):
    """Run ``fn`` on a low-priority training thread and wait for it, still answering Stop and reruns.

    With ``progress``, ``fn`` gets a ``report(fraction, detail)`` keyword it may call from the worker;
    the latest report is shown here by ``progress`` (Streamlit calls, translations included, stay on
    the script thread).
    A rerun or Stop while waiting raises as usual; ``report`` then raises in the worker too, so a
    long job ends at its next report instead of training on for nobody. ``run_id``'s training
    slot is renewed while the job runs, so a long job keeps its lease.
    """
    yield_to_pages()
    latest: list = []
    cancelled = threading.Event()

    def report(fraction: float, detail: object) -> None:
        if cancelled.is_set():
            raise RuntimeError("training cancelled: its page moved on")
        latest[:] = [fraction, detail]

    future = _POOL.submit(fn, *args, **({"report": report} if progress is not None else {}), **kwargs)
    shown = None
    try:
        while True:
            try:
                return future.result(timeout=POLL_S)
            except TimeoutError:
                pass
            if progress is not None and latest and latest != shown:
                shown = list(latest)
                progress(*shown)
            if run_id is not None:
                TRAINING.renew(run_id)
            _check()
    except BaseException:
        cancelled.set()
        raise


def train_until(done: Callable[[], float], budget: float, chunk: Callable[[], object],
                redraw: Callable[[], None], *, running: Callable[[], bool], stop: Callable[[], None],
                scope: str, run_id: str, status, text: Callable[[], str]) -> None:
    """A live run that trains in chunks until ``done()`` (training seconds, epochs …) reaches ``budget`` or
    ``running()`` turns False (Stop), each chunk in a training slot on a worker thread (``chunk`` makes no
    Streamlit call, so a chunk is never cut in half), ``status`` showing the progress bar with ``text()``,
    ``redraw()`` after every chunk. Idle for ``idle_pause_s``: ``stop()`` and a rerun; at the end of the
    budget too, so the buttons show it."""
    while done() < budget and running():
        if idle_pause(scope):
            stop()
            st.rerun()
        with status.container():
            wait_for_training(run_id)
        status.progress(min(1.0, done() / budget), text=text())
        in_background(chunk, run_id=run_id)
        redraw()
    release_training(run_id)
    status.empty()
    if done() >= budget and running():
        stop()
        st.rerun()


# --- hosted caps -----------------------------------------------------------------------------------
def cap(name: str, largest: int) -> int:
    """The largest value a live-training control offers: ``largest``, or less on the hosted Space."""
    return min(largest, HOSTED_CAPS[name]) if SETTINGS.hosted else largest
