"""The 2-D lab's step-by-step GAN mode in AppTest: D step and G step grow both loss curves, each point
marked with the step that made it, in both languages; the automatic loop, k = 0 and the live mode."""

import base64
import json

import numpy as np
import pytest

from dashboard.core.i18n import strings
from dashboard.lab2d import gan_steps_view
from tests.pages.conftest import run_app

LAB = "pages/lab_2d.py"


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def figure(at, key: str) -> dict:
    return json.loads(next(c.proto.spec for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id))


def values(data) -> np.ndarray:
    """A plotly JSON array: a plain list, or a typed array ``{"dtype", "bdata", "shape"}`` (numpy input)."""
    if isinstance(data, dict) and "bdata" in data:
        array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"])
        shape = [int(n) for n in str(data.get("shape", len(array))).split(",")]
        return array.reshape(shape)
    return np.asarray(data)


def curves(at) -> dict[str, dict]:
    """The two loss traces of the losses figure, by name: x (updates), y (loss), customdata (step kinds)."""
    traces = figure(at, "lab_gs_losses")["data"]
    return {trace["name"]: trace for trace in traces if trace.get("y") and trace["y"][0] is not None}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_d_step_and_g_step_grow_both_curves_and_record_the_step_kinds(lang):
    s = strings(lang)
    at = run_app(lang, LAB, query={"mode": "1", "k": "3"})
    assert not at.exception
    assert at.radio(key="_url_mode").value == 1 and at.slider(key="_url_k").value == 3
    d_name, g_name = s["lab.gs.curve.d_loss"], s["lab.gs.curve.g_loss"]
    start = curves(at)
    assert set(start) == {d_name, g_name} and len(start[d_name]["x"]) == 1
    surface = figure(at, "lab_gs_surface")["data"][0]
    assert surface["type"] == "heatmap" and values(surface["z"]).shape == (60, 60)  # a coarse grid
    d_loss, g_loss = metric(at, s["lab.gs.d_loss"]), metric(at, s["lab.gs.g_loss"])

    button(at, s["lab.gs.d_step"].format(k=3)).click().run()
    assert not at.exception
    after_d = curves(at)
    assert len(after_d[d_name]["x"]) == len(after_d[g_name]["y"]) == 4  # three D updates, both losses each
    assert after_d[d_name]["customdata"][1:] == [s["lab.gs.kind.D"]] * 3
    assert float(metric(at, s["lab.gs.d_loss"])) < float(d_loss)  # D got better at its job
    assert metric(at, s["lab.gs.g_loss"]) != g_loss
    assert metric(at, s["lab.gs.counts"]) == "3 / 0"
    steps = at.session_state[gan_steps_view.STEPS]
    assert steps.kinds == ["start", "D", "D", "D"]
    picture = figure(at, "lab_gs_surface")
    assert not np.array_equal(values(picture["data"][0]["z"]), values(surface["z"]))  # D's surface changed …
    samples = [t for t in picture["data"] if t.get("name") == s["lab.generated"]][0]

    g_loss = metric(at, s["lab.gs.g_loss"])
    button(at, s["lab.gs.g_step"]).click().run()
    assert not at.exception
    after_g = curves(at)
    assert len(after_g[g_name]["x"]) == 5 and after_g[g_name]["customdata"][-1] == s["lab.gs.kind.G"]
    assert float(metric(at, s["lab.gs.g_loss"])) < float(g_loss)  # G fooled the frozen D a little more
    assert metric(at, s["lab.gs.counts"]) == "3 / 1"
    assert at.session_state[gan_steps_view.STEPS].kinds[-1] == "G"
    moved = [t for t in figure(at, "lab_gs_surface")["data"] if t.get("name") == s["lab.generated"]][0]
    assert not np.array_equal(values(moved["x"]), values(samples["x"]))  # … and on a G step the samples moved
    assert any(c.value.startswith(s["lab.gs.last.G"].split("{n}")[0] + "1") for c in at.caption)


def test_auto_alternates_k_d_steps_and_one_g_step_then_pauses():
    at = run_app("en", LAB, query={"mode": "1", "k": "2", "spr": "3"})
    button(at, "Auto: alternate").click().run()
    assert not at.exception and at.session_state[gan_steps_view.AUTO]
    kinds = at.session_state[gan_steps_view.STEPS].kinds
    assert kinds[:10] == ["start", "D", "D", "G", "D", "D", "G", "D", "D", "G"]
    assert button(at, "D step ×2").disabled and button(at, "G step").disabled
    button(at, "Pause").click().run()
    assert not at.exception and not at.session_state[gan_steps_view.AUTO]
    seen = len(at.session_state[gan_steps_view.STEPS].kinds)
    at.run()
    assert len(at.session_state[gan_steps_view.STEPS].kinds) == seen  # paused means no more training
    assert not button(at, "G step").disabled
    button(at, "Reset").click().run()
    assert not at.exception and metric(at, "Updates: D / G") == "0 / 0"


def test_k_zero_means_g_steps_only():
    at = run_app("en", LAB, query={"mode": "1", "k": "0", "spr": "4"})
    assert not at.exception and button(at, "D step ×0").disabled
    button(at, "Auto: alternate").click().run()
    assert set(at.session_state[gan_steps_view.STEPS].kinds[1:]) == {"G"}


def test_live_mode_is_the_default_and_names_the_training_loop():
    at = run_app("en", LAB)
    assert not at.exception and at.radio(key="_url_mode").value == 0
    assert any(strings("en")["lab.gs.topic"] == c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "G step"] and button(at, "One step")
    button(at, "Start").click().run()
    assert at.session_state["lab_running"]
    at.radio(key="_url_mode").set_value(1).run()  # switching to step mode pauses live training
    assert not at.exception and not at.session_state["lab_running"] and at.query_params["mode"] == "1"
    trained = at.session_state["lab_run"].steps
    button(at, "G step").click().run()
    assert at.session_state["lab_run"].steps == trained + 1  # the same GAN, one generator update further
    at.radio(key="_url_mode").set_value(0).run()
    button(at, "One step").click().run()  # live training in between …
    at.radio(key="_url_mode").set_value(1).run()
    assert not at.exception and at.session_state[gan_steps_view.STEPS].kinds[-2:] == ["G", "live"]  # … is marked


def test_other_families_have_no_step_mode():
    at = run_app("ko", LAB, query={"family": "1", "mode": "1"})
    assert not at.exception
    assert not [r for r in at.radio if r.key == "_url_mode"] and not [b for b in at.button if b.label == "G 스텝"]
