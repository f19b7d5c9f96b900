"""Your own text (issue 22) through app.py: a sample or an upload trains live in both languages, the
next-token lab works on the model, a downloaded model uploaded again writes the same, Stop keeps what
was learned, every bad text or file gets its message and leaves the model and text as they were."""

from __future__ import annotations

import json

import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from dashboard.core.i18n import strings
from dashboard.language import own_view
from models.language import corpus, own_text
from tests.pages.conftest import assert_in_language, run_app, ui_texts

PAGE, LAB = "pages/own_text.py", "pages/next_token.py"
TINY = own_text.OwnConfig(context=16, n_embd=16, n_layer=1, n_head=2, batch_size=4, eval_every_s=0.0,
                          sample_every_s=0.0, sample_chars=20)


@pytest.fixture(autouse=True)
def tiny(monkeypatch):
    """A tiny network, half-second chunks and 1-second runs, and a store of our own: fast and isolated."""
    monkeypatch.setattr(own_view, "CONFIG", TINY)
    monkeypatch.setattr(own_view, "CHUNK_S", 0.3)
    monkeypatch.setattr(own_view, "SECONDS", (1, 2))
    monkeypatch.setattr(own_view, "STORE", own_text.ModelStore(4))


def trained(lang: str = "en", sample: str = "en"):
    at = run_app(lang, PAGE)
    at.button(key=f"own_sample_{sample}").click().run()
    at.button(key="own_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def session_run(at) -> own_text.OwnRun:
    return own_view.STORE.get(at.session_state[own_view.KEY])


def warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def test_the_page_waits_for_a_text():
    at = run_app("en", PAGE)
    assert not at.exception
    assert [i.value for i in at.info] == [strings("en")["owntext.not_trained"]]
    assert at.button(key="own_stop").disabled and not at.button(key="own_train").disabled


@pytest.mark.parametrize(("lang", "sample"), [("ko", "ko"), ("en", "en")])
def test_a_sample_trains_live_and_the_next_token_lab_uses_it(lang, sample):
    s = strings(lang)
    at = trained(lang, sample)
    run = session_run(at)
    assert run.step > 0 and run.seconds >= 2 - 0.4 and len(run.curve) >= 2 and run.samples
    assert run.optimizer is None and not at.session_state[own_view.RUNNING]  # the run ended: optimiser dropped
    assert run.lang == sample
    assert run.text_chars == len(own_text.check_text(corpus.load(sample, "valid")[:own_view.SAMPLE_CHARS]))
    labels = {m.label: m.value for m in at.metric}
    assert labels[s["owntext.metric.steps"]] == f"{run.step:,}"
    assert len(at.get("plotly_chart")) == 1 and at.code[0].value == run.samples[-1][1]
    assert s["owntext.done"].format(s=f"{run.seconds:.0f}") in [c.value for c in at.caption]
    assert_in_language(ui_texts(at), lang)
    # the next-token lab: "your model" is an option, and every section works on it
    at.switch_page(LAB).run()
    box = at.selectbox(key="_url_model")
    assert box.options[-1] == s["owntext.model"]
    box.select_index(len(box.options) - 1).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_area[0].value == run.prompt
    assert s["owntext.lab_halluc"] in [i.value for i in at.info]
    at.button[1].click().run()  # the most likely token
    assert not at.exception and len(at.session_state["nt_chosen"]) == 1


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_transformer_vs_rnn_shows_the_attention_and_structure_of_your_model(lang):
    """The attention maps, the structure figure and the speed test work on the session's own model."""
    s = strings(lang)
    at = trained(lang, lang)
    run = session_run(at)
    at.switch_page("pages/transformer_vs_rnn.py").run()
    box = at.selectbox(key="_url_attn_model")
    assert box.options[-1] == s["owntext.model"]
    box.select_index(len(box.options) - 1).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_area[0].value == run.prompt
    attention = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    ids, _ = run.tm.encode(run.prompt)
    n = min(len(ids), 32)  # one row and one column per token of your model's own prompt
    assert len(attention["x"]) == len(attention["y"]) == n and attention["z"]["shape"] == f"{n}, {n}"
    layers = [sl.max for sl in at.slider if sl.key == "_url_layer"]
    assert layers == ([run.tm.model.config.n_layer] if run.tm.model.config.n_layer > 1 else [])
    assert s["owntext.model"] in " ".join(c.value for c in at.caption)  # the structure figure names it
    speed = next(b for b in at.button if b.label == s["tvr.speed.go"])
    speed.click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_upload_of_a_txt_file_trains(monkeypatch):
    reads = []
    read_upload = own_text.read_upload
    monkeypatch.setattr(own_text, "read_upload", lambda data: reads.append(len(data)) or read_upload(data))
    at = run_app("ko", PAGE)
    text_ = corpus.load("ko", "valid")[:3000]
    at.file_uploader(key=own_view.UPLOAD).set_value(("일기.txt", text_.encode("utf-8"), "text/plain")).run()
    ready = strings("ko")["owntext.upload_ready"].format(name="일기.txt", n=f"{len(own_text.check_text(text_)):,}")
    assert ready in [c.value for c in at.caption]  # the server has the file: the user sees it arrived
    at.run()
    assert ready in [c.value for c in at.caption] and len(reads) == 1  # read once, not on every rerun
    at.button(key="own_train").click().run()
    assert not at.exception and not at.warning
    run = session_run(at)
    assert run.text_chars == len(own_text.check_text(text_)) and run.step > 0


BAD = {  # what a user sends, and the message's key
    "empty box": (None, "", "empty"),
    "too short": (None, "hello world " * 10, "too_short"),
    "too long (pasted)": (None, "x" * (own_text.MAX_CHARS + 1), "too_long"),
    "empty file": (b"", None, "empty"),
    "binary file": (bytes(range(256)) * 40, None, "binary"),
    "not UTF-8": ("가나다라마바사 아자차카타파하 ".encode("cp949") * 300, None, "not_utf8"),
    "too long (file)": (b"a" * (own_text.MAX_CHARS + 10), None, "too_long"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_text_gets_its_message_and_keeps_the_model(case):
    upload, paste, code = BAD[case]
    at = trained("en")
    before, key = session_run(at), at.session_state[own_view.KEY]
    steps, sample = before.step, before.samples[-1]
    pasted_before = at.text_area(key=own_view.PASTE).value
    if upload is not None:
        at.file_uploader(key=own_view.UPLOAD).set_value(("notes.txt", upload, "text/plain"))
    else:
        at.text_area(key=own_view.PASTE).set_value(paste)
    at.button(key="own_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.warning) == 1 and at.warning[0].value.startswith(
        strings("en")[f"owntext.error.{code}"].split("{")[0][:20])
    assert at.session_state[own_view.KEY] == key and session_run(at) is before  # the model stays
    assert not any("notes.txt" in c.value for c in at.caption)  # the warning says it: no second line
    if upload is not None:  # a new file: the old warning goes, the line under the uploader says what is wrong
        at.file_uploader(key=own_view.UPLOAD).set_value(("again.txt", upload, "text/plain")).run()
        assert not at.warning
        bad = strings("en")["owntext.upload_bad"].format(name="again.txt", why="")
        assert [c.value for c in at.caption if c.value.startswith(bad.strip())]
    assert before.step == steps and before.samples[-1] == sample and at.code[0].value == sample[1]
    if upload is not None:
        assert at.text_area(key=own_view.PASTE).value == pasted_before  # the pasted text stays too


def test_a_downloaded_model_uploaded_again_writes_the_same():
    at = trained("en")
    run = session_run(at)
    data = own_view.export_bytes(run)
    assert at.get("download_button")  # the page offers it
    fresh = run_app("en", PAGE)  # another session, later: nothing trained there
    fresh.file_uploader(key=own_view.ZIP).set_value(("genai-lab-own_text_model.zip", data, "application/zip")).run()
    assert not fresh.exception and [x.value for x in fresh.success] == [strings("en")["owntext.loaded"]]
    loaded = session_run(fresh)
    assert loaded.tm.name != run.tm.name and loaded.curve == run.curve
    assert loaded.sample(50, seed=11) == run.sample(50, seed=11)
    # the lab: the same seed writes the same text with either copy
    for session in (at, fresh):
        session.switch_page(LAB).run()
        box = session.selectbox(key="_url_model")
        box.select_index(len(box.options) - 1).run()
    assert [c.value for c in at.markdown] == [c.value for c in fresh.markdown]


def test_a_bad_model_file_gets_its_message_and_keeps_the_model():
    at = trained("en")
    before = session_run(at)
    at.file_uploader(key=own_view.ZIP).set_value(("model.zip", b"not a zip at all", "application/zip")).run()
    assert not at.exception
    assert warnings(at) == [strings("en")["owntext.error.not_zip"]]
    assert session_run(at) is before


def test_stop_keeps_what_was_learned(monkeypatch):
    monkeypatch.setattr(own_view, "SECONDS", (30,))  # a run far from its end when it is stopped
    at = run_app("en", PAGE)
    at.button(key="own_sample_en").click().run()
    train_for = own_text.OwnRun.train_for

    def cut_after_two_chunks(run, *args, **kwargs):
        if len(run.train_losses) >= 2:  # end the script as the Stop click's rerun would
            raise StopException
        return train_for(run, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(own_text.OwnRun, "train_for", cut_after_two_chunks)
        at.button(key="own_train").click().run()
    run = session_run(at)
    assert at.session_state[own_view.RUNNING] and run.optimizer is not None and len(run.train_losses) == 2, (
        at.session_state[own_view.RUNNING], run.train_losses, run.seconds)
    steps, curve = run.step, list(run.curve)
    at.button(key="own_stop").click().run()
    assert not at.exception
    assert run.optimizer is None and run.step == steps and run.curve == curve  # stopped, nothing lost
    assert not at.session_state[own_view.RUNNING] and session_run(at) is run
    assert strings("en")["owntext.stopped"].format(s=f"{run.seconds:.0f}") in [c.value for c in at.caption], (
        run.seconds, [c.value for c in at.caption])


def test_the_server_keeps_at_most_n_models(monkeypatch):
    monkeypatch.setattr(own_view, "STORE", own_text.ModelStore(1))
    first = trained("en")
    second = trained("ko", "ko")
    assert len(own_view.STORE) == 1 and session_run(second) is not None
    first.run()
    assert [i.value for i in first.info if i.value == strings("en")["owntext.lost"]]


def test_hosted_runs_are_capped_at_two_minutes(monkeypatch):
    import dataclasses

    from dashboard.serving import ui

    monkeypatch.setattr(own_view, "SECONDS", (30, 60, 120, 300, 600))
    at = run_app("en", PAGE)
    assert at.select_slider(key="_url_secs").options[-1] == "600 s"
    monkeypatch.setattr(ui, "SETTINGS", dataclasses.replace(ui.SETTINGS, hosted=True))
    at = run_app("en", PAGE, query={"secs": "4"})  # a link asking for 600 s gets the hosted cap
    assert not at.exception
    assert at.select_slider(key="_url_secs").options[-1] == "120 s"
    assert at.select_slider(key="_url_secs").value == 2  # the position of 120 s (the URL keeps positions)
