"""Your own text, the Streamlit side: where a user's model lives, the live training loop, the figures.

A session's model is an :class:`models.language.own_text.OwnRun` in :data:`STORE`, a process-wide
store of at most ``GENAI_LAB_OWN_MODELS`` models (least recently used dropped first); the session
keeps only its key (``st.session_state[KEY]``), so a class of users never holds more than N models
in memory. ``st.session_state[RUNNING]`` is True while the page should train; the Stop button's
callback clears it and ends the run (:meth:`OwnRun.finish` drops the optimiser's state), and the
click's rerun interrupts the loop between two chunks of training, so everything learned is kept.

Every chunk waits for one of the server's training slots and trains on a low-priority worker
thread (:mod:`dashboard.serving`), like the 2-D lab and Train your own; a hosted run is capped at
2 minutes of training (``serving.cap("owntext.seconds", …)``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid

import streamlit as st

from dashboard import serving
from dashboard.core import charts, user_model, widgets
from dashboard.core.i18n import t
from dashboard.serving import SETTINGS
from models.language import corpus, own_text

OWN = "own"                                # the next-token lab's model option for the session's model
KEY, RUNNING, ERROR = "own_key", "own_running", "own_error"
NEW_TEXT, RUN_ID, SCOPE = "own_new_text", "own_run_id", "own_text"
ZIP_SEEN = "own_zip_seen"
UPLOAD_NOTE = "own_upload_note"            # (file id, length or error): the file is read once, not every rerun
UPLOAD, PASTE, ZIP = "own_upload", "own_paste", "own_zip"
CHUNK_S = 1.5                              # training seconds per chunk (the page redraws after each)
SECONDS = (30, 60, 90, 120, 180, 300, 600)  # training time offered
SAMPLE_CHARS = 100_000                     # a sample text: the start of a shipped held-out corpus
CONFIG = own_text.OwnConfig()              # the network and its training (tests swap in a tiny one)

STORE = own_text.ModelStore(SETTINGS.own_models)


def error_text(exc: own_text.OwnTextError) -> str:
    return t(f"owntext.error.{exc.code}", **exc.params)


MODEL = user_model.SessionModel(KEY, RUN_ID, "own", lambda: STORE)
session_run, lost, run_id = MODEL.held, MODEL.lost, MODEL.run_id  # the session's model; its name in line


def use_sample(lang: str) -> None:
    """Fill the paste box with the start of a shipped held-out corpus."""
    st.session_state[PASTE] = corpus.load(lang, "valid")[:SAMPLE_CHARS]


def _source_text() -> str:
    """The text to train on: the uploaded file when there is one, else the paste box (checked)."""
    upload = st.session_state.get(UPLOAD)
    if upload is not None:
        return own_text.read_upload(upload.getvalue())
    return own_text.check_text(st.session_state.get(PASTE, ""))


def forget_error() -> None:
    """Another file: the warning about the last Train press no longer applies."""
    st.session_state.pop(ERROR, None)


def upload_note() -> str | None:
    """A line under the uploader once the server has the file: its name and length, or why it cannot be
    used (so the user sees at once that it arrived, and whether it will do); None without a file, or
    while the warning of a Train press already says what is wrong."""
    upload = st.session_state.get(UPLOAD)
    if upload is None or st.session_state.get(ERROR) is not None:
        return None
    seen = st.session_state.get(UPLOAD_NOTE)
    if seen is None or seen[0] != upload.file_id:
        try:
            seen = upload.file_id, len(own_text.read_upload(upload.getvalue()))
        except own_text.OwnTextError as exc:
            seen = upload.file_id, exc
        st.session_state[UPLOAD_NOTE] = seen
    found = seen[1]  # the text's length, or why it cannot be used
    if isinstance(found, own_text.OwnTextError):
        return t("owntext.upload_bad", name=upload.name, why=error_text(found))
    return t("owntext.upload_ready", name=upload.name, n=f"{found:,}")


def start(seed: int) -> None:
    """Train: the current text, checked; a bad one leaves the model and the text as they were. The
    same text and seed go on from where the model is; another text or seed starts a new model."""
    st.session_state.pop(ERROR, None)
    try:
        chosen = _source_text()
    except own_text.OwnTextError as exc:
        st.session_state[ERROR] = exc
        return
    run = session_run()
    if run is None or not run.trainable or _digest(chosen) != run.digest or seed != run.config.seed:
        st.session_state[NEW_TEXT] = chosen
    st.session_state[RUNNING] = True
    serving.clear_idle(SCOPE)


def stop() -> None:
    st.session_state[RUNNING] = False
    serving.release_training(run_id())
    run = session_run()
    if run is not None:
        run.finish()


def _new_name() -> str:
    return f"own-{uuid.uuid4().hex[:12]}"


def _digest(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def prepare(seed: int) -> own_text.OwnRun | None:
    """A new run for the text the Train button accepted (tokenizer, baseline, untrained model), stored."""
    chosen = st.session_state.pop(NEW_TEXT, None)
    if chosen is None:
        return session_run()
    with st.spinner(t("owntext.preparing")):
        run = own_text.OwnRun.create(chosen, dataclasses.replace(CONFIG, seed=seed), name=_new_name())
    run.digest = _digest(chosen)
    _keep(run)
    return run


def _keep(run: own_text.OwnRun) -> None:
    """Make ``run`` the session's model: the one it had leaves the store, this one enters it."""
    MODEL.keep(run.tm.name, run)


def load_zip() -> None:
    """A model zip just uploaded: checked and loaded, or a message (the model held so far stays)."""
    upload = st.session_state.get(ZIP)
    if upload is None:
        st.session_state.pop(ZIP_SEEN, None)
        return
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    if st.session_state.get(ZIP_SEEN) == digest:
        return
    st.session_state[ZIP_SEEN] = digest
    st.session_state.pop(ERROR, None)
    try:
        run = own_text.import_zip(data, name=_new_name())
    except own_text.OwnTextError as exc:
        st.session_state[ERROR] = exc
        return
    stop()
    _keep(run)
    st.session_state["own_loaded"] = True


def train_live(run: own_text.OwnRun, budget_s: float, status, slots: dict) -> None:
    """Train in chunks until ``budget_s`` training seconds or Stop, redrawing after every chunk."""
    serving.train_until(lambda: run.seconds, budget_s,
                        lambda: run.train_for(min(CHUNK_S, budget_s - run.seconds + 0.05)),
                        lambda: draw(run, slots, tag=f"live{run.step}"),
                        running=lambda: bool(st.session_state.get(RUNNING)), stop=stop, scope=SCOPE,
                        run_id=run_id(), status=status,
                        text=lambda: t("owntext.progress", s=f"{run.seconds:.0f}", total=f"{budget_s:.0f}",
                                       step=run.step))


def draw(run: own_text.OwnRun | None, slots: dict, tag: str = "") -> None:
    """The held-out curve against the bigram line, the metrics and the latest sample."""
    if run is None:
        slots["curve"].info(t("owntext.not_trained"), icon="⏳")
        slots["sample"].empty()
        return
    seconds = [p[1] for p in run.curve]
    series = {t("owntext.curve.model"): [p[2] for p in run.curve],
              t("owntext.curve.bigram"): [run.baseline["bigram"]] * len(run.curve)}
    with slots["curve"].container():
        st.plotly_chart(charts.curves(series, t("owntext.curve.x"), t("owntext.curve.y"), x=seconds, height=320),
                        key=f"own_curve{tag}")
        st.caption(t("owntext.curve.caption", unigram=f"{run.baseline['unigram']:.2f}",
                     bigram=f"{run.baseline['bigram']:.2f}"))
    with slots["sample"].container():
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(t("owntext.metric.steps"), f"{run.step:,}")
        m2.metric(t("owntext.metric.seconds"), f"{run.seconds:.0f} s")
        m3.metric(t("owntext.metric.loss"), f"{run.valid_loss:.2f}",
                  delta=f"{run.valid_loss - run.baseline['bigram']:+.2f}", delta_color="inverse")
        m4.metric(t("owntext.metric.beat"), "—" if run.beat_at is None else f"{run.beat_at:.0f} s")
        if run.samples:
            step, sample = run.samples[-1]
            st.markdown(f"**{t('owntext.sample', step=f'{step:,}')}** {widgets.md_escape(run.prompt)}")
            st.code(sample, language=None, wrap_lines=True)


def export_bytes(run: own_text.OwnRun) -> bytes:
    """The model's zip, made once per trained state (kept in the session)."""
    return MODEL.export(run.step, lambda: own_text.export_zip(run))


def model_card(run: own_text.OwnRun) -> None:
    info = run.info()
    widgets.model_card([
        (t("card.data"), t("owntext.card.data", n=f"{info['text_chars']:,}", vocab=f"{info['vocab']:,}")),
        (t("card.models"), t("owntext.card.model", p=f"{info['parameters']:,}", layers=run.tm.config.n_layer,
                             width=run.tm.config.n_embd, context=run.tm.config.context)),
        (t("card.training"), t("owntext.card.training", steps=f"{info['steps']:,}", s=f"{info['seconds']:.0f}")),
        (t("card.metrics"), t("owntext.card.metrics", loss=f"{info['valid_loss']:.2f}",
                              bigram=f"{info['bigram']:.2f}")),
        (t("card.limits"), t("owntext.card.limits")),
    ])


def decoding_compare(run: own_text.OwnRun, prompt: str, temperature: float, top_k: int, top_p: float, seed: int,
                     n: int) -> dict[str, str]:
    """The next-token lab's greedy / sampling / beam search comparison for the session's own model
    (never a shared result: the model is this user's)."""
    from models.language import text

    with serving.heavy_slot():
        return text.decoding_compare(run.tm, prompt, temperature, top_k, top_p, seed, n)
