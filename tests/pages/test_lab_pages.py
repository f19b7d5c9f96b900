"""Interactions on the 2-D lab and the probabilistic-modelling page: training steps, bad CSVs, URL state, fitting."""

import numpy as np
import pytest

from dashboard.lab2d import lab2d_input, lab2d_view
from models.lab2d import toy2d
from tests.pages.conftest import run_app

LAB, PROB = "pages/lab_2d.py", "pages/probability.py"


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def chart(at, key: str) -> str:
    return next(c.proto.spec for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id)


@pytest.mark.parametrize("family", range(4))
def test_one_step_advances_training_and_changes_the_picture(family):
    at = run_app("en", LAB, query={"family": str(family)})
    assert not at.exception
    assert metric(at, "Steps") == "0"
    before = at.get("plotly_chart")[0].proto.spec
    button(at, "One step").click().run()
    assert not at.exception
    assert metric(at, "Steps") == "1"
    assert at.get("plotly_chart")[0].proto.spec != before  # the generated points moved
    assert len(at.get("plotly_chart")) >= 4  # main view, loss, divergence, the family's own views


def test_start_pause_and_reset():
    at = run_app("en", LAB, query={"spr": "5"})
    button(at, "Start").click().run()
    assert not at.exception and at.session_state["lab_running"]
    # a fragment run while training draws FRAMES_PER_RUN frames, each after one refresh's worth of steps
    assert metric(at, "Steps") == str(5 * lab2d_view.FRAMES_PER_RUN)
    assert at.main.get("image")  # while training, the points are a picture (cheap for the browser to redraw)
    assert button(at, "Start").disabled and not button(at, "Pause").disabled and button(at, "One step").disabled
    button(at, "Pause").click().run()
    assert not at.exception and not at.session_state["lab_running"]
    paused = int(metric(at, "Steps"))
    assert not at.main.get("image") and len(at.get("plotly_chart")) >= 4  # paused: the interactive chart again
    at.run()
    assert int(metric(at, "Steps")) == paused  # paused means no more training
    button(at, "One step").click().run()
    button(at, "One step").click().run()
    assert int(metric(at, "Steps")) == paused + 2
    button(at, "Reset").click().run()
    assert not at.exception and metric(at, "Steps") == "0"


def test_ring_shows_modes_covered_and_moons_does_not():
    at = run_app("en", LAB)
    assert metric(at, "Modes covered").endswith("/ 8")
    at.selectbox(key="_url_data").set_value(1).run()
    assert not at.exception and at.query_params["data"] == "1"
    assert not [m for m in at.metric if m.label == "Modes covered"]


def test_out_of_range_url_values_are_clamped_with_a_notice():
    at = run_app("en", LAB, query={"lr": "5", "spr": "0", "family": "9", "data": "abc", "t": "1000"})
    assert not at.exception
    assert at.number_input(key="_url_lr").value == 0.05 and at.slider(key="_url_spr").value == 1
    assert at.radio(key="_url_family").value == 3 and at.selectbox(key="_url_data").value == 0
    assert at.slider(key="_url_t").value == lab2d_view.T_MAX
    assert len(at.toast) == 5
    assert at.query_params["lr"] == "0.05" and at.query_params["family"] == "3"


def test_settings_go_into_the_url():
    at = run_app("en", LAB, query={"family": "3", "t": "20", "spr": "7", "lr": "0.001"})
    assert not at.exception and not at.toast
    assert [at.query_params[k] for k in ("family", "t", "spr", "lr")] == ["3", "20", "7", "0.001"]
    assert "t = 20" in chart(at, "lab_diff_noise")  # the noising view follows the t slider


@pytest.mark.parametrize(("content", "needle"), [
    (b"", "no data rows"),
    (b"x,y\n1,2\n3,abc\n", "\u201cabc\u201d, which is not a number"),
    (b"1,2,3\n4,5,6\n", "exactly two"),
    (b"1,2\n3,4\n", "at least 10"),
    (b"x,y\n" + b"1,2\n" * 5 + b"nan,1\n" + b"3,4\n" * 5, "NaN or infinity"),
    ("\n".join(["1,1"] * 20).encode(), "All points are identical"),
    (b"\xff\xfe\x00\x00" * 10, "not a text file"),
    ("\n".join(["1,2"] * 10_002).encode(), "limit is 10000"),
])
def test_bad_csv_uploads_give_a_clear_message(content, needle):
    at = run_app("en", LAB, query={"data": "4"})
    assert not at.exception and any("ring of Gaussians" in i.value for i in at.info)
    at.file_uploader(key="lab_csv").set_value(("points.csv", content, "text/csv")).run()
    assert not at.exception
    assert len(at.error) == 1 and needle in at.error[0].value, [e.value for e in at.error]
    assert metric(at, "Steps") == "0"  # the lab still works, on the ring


def test_good_csv_upload_trains_on_the_users_points():
    rng = np.random.default_rng(0)
    points = rng.normal([10, -5], [3, 1], (200, 2))
    text = "x,y\n" + "\n".join(f"{x},{y}" for x, y in points)
    at = run_app("en", LAB, query={"data": "4", "family": "1"})
    at.file_uploader(key="lab_csv").set_value(("mine.csv", text.encode(), "text/csv")).run()
    assert not at.exception and not at.error
    assert any("200 points read" in s.value for s in at.success)
    run = at.session_state["lab_run"]
    assert run.key[1] == "user" and run.data.shape == (200, 2) and abs(run.data.mean()) < 1e-4
    button(at, "One step").click().run()
    assert not at.exception and metric(at, "Steps") == "1"


def test_error_text_fills_every_code_even_without_parameters():
    for code in ("empty", "too_large", "not_text", "not_numeric", "wrong_columns", "too_many_rows", "too_few",
                 "not_finite", "no_spread"):
        text = lab2d_input.error_text(toy2d.ToyDataError(code))
        assert text and not text.startswith("lab.error"), code


def test_canvas_points_map_to_the_lab_square():
    half = lab2d_input.CANVAS_PX / 2
    centre = lab2d_input.canvas_to_xy({"left": half - 3, "top": half - 3, "radius": 3})
    assert np.allclose(centre, (0, 0))
    corner = lab2d_input.canvas_to_xy({"left": 0, "top": 0, "radius": 0, "originX": "center", "originY": "center"})
    assert corner[0] < -3 and corner[1] > 3  # top left of the canvas is up and to the left


def test_korean_lab_page_draws_the_flow_views():
    at = run_app("ko", LAB, query={"family": "2"})
    assert not at.exception
    assert any("흐름" in s.value for s in at.subheader)
    assert len(at.get("plotly_chart")) == 4  # main view, divergence, f and f⁻¹ (no loss curve before training)


def test_fit_button_raises_the_log_likelihood():
    at = run_app("en", PROB)
    assert not at.exception
    before = float(metric(at, "Log-likelihood per point"))
    button(at, "Fit (maximum likelihood)").click().run()
    assert not at.exception and at.success
    after = float(metric(at, "Log-likelihood per point"))
    assert after > before + 0.3
    assert after == pytest.approx(float(metric(at, "Best possible for this model")), abs=0.01)
    at.radio(key="_url_model").set_value(1).run()  # a mixture of two can do better still
    button(at, "Fit (maximum likelihood)").click().run()
    assert not at.exception and float(metric(at, "Log-likelihood per point")) > after + 0.2
    assert at.query_params["model"] == "1" and float(at.query_params["mu1"]) < 0 < float(at.query_params["mu2"])


def test_more_components_raise_the_2d_likelihood_and_temperature_flattens():
    at = run_app("en", PROB, query={"k": "1"})
    one = float(at.metric[-1].value)
    at.slider(key="_url_k").set_value(8).run()
    assert not at.exception and float(at.metric[-1].value) > one
    at.slider(key="_url_temp").set_value(3.0).run()
    assert not at.exception and at.query_params["temp"] == "3.0"


def test_probability_page_clamps_url_values():
    at = run_app("en", PROB, query={"mu1": "99", "s1": "0", "k": "50", "temp": "nan"})
    assert not at.exception
    assert at.slider(key="_url_mu1").value == 4.0 and at.slider(key="_url_s1").value == 0.1
    assert at.slider(key="_url_k").value == 12 and at.slider(key="_url_temp").value == 1.0
    assert len(at.toast) == 4


def test_canvas_source_without_points_falls_back_to_the_ring():
    at = run_app("en", LAB, query={"data": "5"})
    assert not at.exception and not at.error
    assert any("ring of Gaussians" in i.value for i in at.info)
    assert metric(at, "Modes covered").endswith("/ 8")
