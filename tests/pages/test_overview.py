"""Interactions on the overview page: URL state, buttons, the generative model's output."""

from tests.pages.conftest import picture, pictures, run_app


def test_url_state_is_read_and_written_back():
    at = run_app("en", query={"img": "17", "cls": "3", "seed": "42"})
    assert not at.exception
    assert at.number_input(key="_url_img").value == 17
    assert at.selectbox(key="_url_cls").value == 3
    assert at.number_input(key="_url_seed").value == 42
    assert "Coat" in " ".join(m.value for m in at.markdown)  # test image 17 is a coat
    assert at.query_params["img"] == "17" and at.query_params["seed"] == "42"


def test_bad_url_values_are_clamped_with_a_notice():
    at = run_app("en", query={"img": "123456", "cls": "banana", "seed": "-5"})
    assert not at.exception
    assert at.number_input(key="_url_img").value == 9999
    assert at.selectbox(key="_url_cls").value == 0
    assert at.number_input(key="_url_seed").value == 0
    assert len(at.toast) == 3


def test_new_button_draws_new_samples():
    at = run_app("en")
    before = picture(at, "New images")
    at.button[1].click().run()  # "New" on the generative side
    assert at.number_input(key="_url_seed").value == 1
    assert picture(at, "New images") != before


def test_random_button_picks_another_test_image():
    at = run_app("en")
    seen = set()
    for _ in range(3):
        at.button[0].click().run()
        seen.add(at.number_input(key="_url_img").value)
    assert not at.exception and len(seen) >= 2


def test_class_choice_changes_the_generated_class():
    at = run_app("ko")
    at.selectbox(key="_url_cls").set_value(8).run()
    assert any("가방" in caption for caption in pictures(at))


def test_missing_checkpoint_gives_a_message_not_a_traceback(tmp_checkpoints):
    import streamlit as st

    st.cache_resource.clear()  # loaders are shared across runs: force a fresh load from the empty root
    try:
        at = run_app("en")
        assert not at.exception
        assert any("python -m models train overview_classifier" in e.value for e in at.error)
    finally:
        st.cache_resource.clear()


def test_the_landing_page_starts_without_torch():
    """The app's first page (app.py with its menu, lesson bar and share box) imports no torch, diffusers
    or transformers: a cold start pays for Streamlit and the page, not ~1 s of ``import torch``."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; from streamlit.testing.v1 import AppTest; "
            "at = AppTest.from_file('app.py', default_timeout=120).run(); assert not at.exception, at.exception; "
            "assert at.title, 'nothing drawn'; "
            "print(sorted(m for m in ('torch', 'diffusers', 'transformers', 'accelerate') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], capture_output=True,
                         text=True, timeout=300, env={**os.environ, "PYTHONPATH": "."})
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "[]"
