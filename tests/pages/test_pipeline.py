"""The pipeline page: a short live run fills the five stages, Stop keeps what was trained, bad input warns."""

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from dashboard.core.i18n import strings
from models.apps.pipeline import PipelineRun
from tests.pages.conftest import assert_in_language, run_app, ui_texts

PAGE = "pages/pipeline.py"
SHORT = {"classes": "1,8", "n": "0", "ep": "2"}  # trousers and bags, 20 images each, 2 epochs
KEY = ("vae", (1, 8), 20, 0)
RUNS, RUNNING = "pipeline_runs", "pipeline_running"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_short_run_fills_every_stage_in_both_languages(lang):
    s = strings(lang)
    at = run_app(lang, PAGE, query=SHORT)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.metric and RUNS not in at.session_state  # nothing trained before the click
    assert [i.value for i in at.info].count(s["pipeline.not_trained"]) == 4  # stages 2-5 wait
    at.button(key="pipeline_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    run = at.session_state[RUNS][KEY]
    assert run.epoch == 2 and at.session_state[RUNNING] is None
    h = run.history
    assert len(h["losses"]["total"]) == 2 and len(h["fid"]) == len(h["samples"]) == 3  # epoch 0 + 2
    assert all(f > run.fid_floor > 0 for f in h["fid"])
    assert sorted(set(run.train.labels.tolist())) == [1, 8] and len(run.train) == 40
    values = metrics(at)
    assert values[s["pipeline.metric.epochs"]] == "2 / 2"
    assert values[s["pipeline.metric.fid"]] == f"{h['fid'][-1]:.0f}"
    assert [x.value for x in at.success] == [s["pipeline.done"].format(n=2)]
    assert len(at.get("plotly_chart")) == 3  # loss, latent map, FID per epoch
    assert len(at.main.get("image")) == 2  # the data, the samples per epoch (rows: epochs 0, 1, 2)
    assert not at.info  # every stage shows its artifact now
    assert at.button(key="pipeline_stop").disabled and not at.button(key="pipeline_train").disabled
    assert_in_language(ui_texts(at), lang)


def interrupted_mid_run(monkeypatch, lang: str = "en"):
    """2 epochs trained; then 4 asked for and Train pressed, and the script cut off after epoch 3 — what a
    click in the browser does: its rerun ends the running script at its next Streamlit call."""
    at = run_app(lang, PAGE, query=SHORT)
    at.button(key="pipeline_train").click().run()
    epoch = PipelineRun.train_epoch

    def cut_after_epoch_3(run, *args, **kwargs):
        if run.epoch >= 3:  # the epoch runs on a training thread: end the script as a rerun would
            raise StopException
        return epoch(run, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(PipelineRun, "train_epoch", cut_after_epoch_3)
        at.slider(key="_url_ep").set_value(4)
        at.button(key="pipeline_train").click().run()
    assert at.session_state[RUNS][KEY].epoch == 3 and at.session_state[RUNNING] == KEY
    assert not at.button(key="pipeline_stop").disabled  # the tree the reader sees during the run
    return at


def test_stop_keeps_the_trained_epochs_and_does_not_continue(monkeypatch):
    at = interrupted_mid_run(monkeypatch)
    before = list(at.session_state[RUNS][KEY].history["fid"])
    at.button(key="pipeline_stop").click().run()
    assert not at.exception, [e.value for e in at.exception]
    run = at.session_state[RUNS][KEY]
    assert run.epoch == 3 and run.history["fid"] == before and at.session_state[RUNNING] is None
    assert metrics(at)["Epochs trained"] == "3 / 4"
    assert [w.value for w in at.warning] == [strings("en")["pipeline.stopped"].format(n=3, total=4)]
    assert at.button(key="pipeline_stop").disabled and not at.button(key="pipeline_train").disabled
    at.run()  # a later rerun does not start again either
    assert at.session_state[RUNS][KEY].epoch == 3
    at.button(key="pipeline_train").click().run()  # Train goes on from epoch 3
    assert at.session_state[RUNS][KEY].epoch == 4 and at.session_state[RUNS][KEY].history["fid"][:4] == before


def test_without_stop_the_interrupted_run_goes_on(monkeypatch):
    at = interrupted_mid_run(monkeypatch)
    at.run()  # any rerun with the same settings (e.g. the language switch) resumes the loop
    assert not at.exception
    assert at.session_state[RUNS][KEY].epoch == 4 and at.session_state[RUNNING] is None


def test_changing_the_settings_mid_run_pauses_and_keeps_the_run(monkeypatch):
    at = interrupted_mid_run(monkeypatch, "ko")
    at.multiselect(key="_url_classes").set_value([1, 8, 9]).run()
    assert not at.exception
    assert at.session_state[RUNNING] is None and at.session_state[RUNS][KEY].epoch == 3  # kept, not trained
    assert ("vae", (1, 8, 9), 20, 0) not in at.session_state[RUNS]  # the new settings wait for Train
    at.multiselect(key="_url_classes").set_value([1, 8]).run()  # back: the old run, paused at epoch 3
    assert at.session_state[RUNS][KEY].epoch == 3
    assert [w.value for w in at.warning] == [strings("ko")["pipeline.stopped"].format(n=3, total=4)]


def test_clearing_the_classes_mid_run_pauses_the_run(monkeypatch):
    at = interrupted_mid_run(monkeypatch)
    at.multiselect(key="_url_classes").set_value([]).run()
    assert [w.value for w in at.warning] == [strings("en")["pipeline.error.no_classes"]]
    at.multiselect(key="_url_classes").set_value([1, 8]).run()  # the same settings again: still paused
    assert not at.exception
    assert at.session_state[RUNS][KEY].epoch == 3 and at.session_state[RUNNING] is None


def test_no_class_chosen_shows_the_translated_warning(lang):
    at = run_app(lang, PAGE, query={"classes": ""})
    assert not at.exception
    assert [w.value for w in at.warning] == [strings(lang)["pipeline.error.no_classes"]]
    assert not at.button  # nothing to train: no buttons, no stages
    assert at.query_params["classes"] == ""


def test_url_settings_are_read_and_bad_values_clamped():
    at = run_app("en", PAGE, query={"fam": "1", "classes": "3,x,12,3", "n": "9", "ep": "0"})
    assert not at.exception
    assert at.multiselect(key="_url_classes").value == [3]
    assert at.query_params["fam"] == "1" and at.query_params["n"] == "5" and at.query_params["ep"] == "1"
    assert at.radio[0].value == 1  # GAN


def test_missing_judge_gives_a_translated_message_not_a_traceback(tmp_checkpoints):
    st.cache_resource.clear()  # loaders are shared across runs: force a fresh load from the empty root
    try:
        at = run_app("ko", PAGE, query=SHORT)
        at.button(key="pipeline_train").click().run()
        assert not at.exception, [e.value for e in at.exception]
        prefix = strings("ko")["common.load_error"].split("{detail}")[0]
        assert [e.value.startswith(prefix) and "judge" in e.value for e in at.error] == [True]
        assert at.session_state[RUNNING] is None and RUNS not in at.session_state  # nothing half-made is kept
        at.run()  # the failed start does not retry on every rerun
        assert not at.error and not at.exception
    finally:
        st.cache_resource.clear()
