"""The explanatory figures that need no model: the 1-D change of variables and RNN vs attention."""

import numpy as np

from dashboard.image import figures
from dashboard.language import text_view


def test_the_warped_density_is_a_density_and_follows_the_formula():
    for a in (0.0, 1.2, 2.0):
        d = figures.change_of_variables(a)
        assert np.all(np.diff(d["x_of_z"]) > 0)  # monotone, so invertible
        assert abs(np.trapezoid(d["p_x"], d["x"]) - np.trapezoid(d["p_z"], d["z"])) < 2e-3
        centre = np.argmin(np.abs(d["x"]))  # slope of f⁻¹ at 0 is 1 + 2a, so the density is divided by it
        assert abs(d["p_x"][centre] - 1 / np.sqrt(2 * np.pi) / (1 + 2 * a)) < 2e-3
    assert len(figures.warp_figure(("a", "b", "c"), bands=8).data) == 8 + 1 + 7 + 8


def test_rnn_is_a_chain_and_attention_all_pairs():
    fig = text_view.steps_figure(list("abcdef"), ("rnn", "attention"))
    arcs = [tr for tr in fig.data if tr.mode == "lines"]
    assert len(arcs) == 6 * 5 // 2
    steps = [a.text for a in fig.layout.annotations if a.text and a.text.startswith("<b>")]
    assert steps == [f"<b>{i}</b>" for i in range(1, 7)]
