"""The data-augmentation page: the shipped benchmark table and the live run with its progress bar."""

from tests.pages.conftest import run_app


def test_live_run_trains_both_classifiers_once():
    at = run_app("en", "pages/augmentation.py", query={"fam": "1", "real": "0", "synth": "0"})  # VAE, 5 + 20
    assert not at.exception
    assert not at.metric  # nothing trained yet
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    values = {m.label: m.value for m in at.metric}
    assert set(values) == {"real only", "real + VAE", "sampling + training"}
    for label in ("real only", "real + VAE"):
        assert 10.0 < float(values[label].rstrip("%")) <= 100.0  # better than chance (10 %)
    stored = at.session_state["augment_live_results"]
    assert list(stored) == [("vae", 5, 20, 0)]
    at.run()  # a rerun shows the stored result without training again
    assert {m.label for m in at.metric} == set(values) and list(at.session_state["augment_live_results"]) == [
        ("vae", 5, 20, 0)]


def test_bad_url_values_are_clamped_to_the_offered_choices():
    at = run_app("ko", "pages/augmentation.py", query={"fam": "7", "real": "-2", "synth": "x"})
    assert not at.exception
    assert at.query_params["fam"] == "2" and at.query_params["real"] == "0" and at.query_params["synth"] == "2"
