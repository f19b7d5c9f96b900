"""The 2-D lab's run state: training lowers the divergence, the views have the right shapes."""

import numpy as np
import pytest

from models.lab2d import toy2d, toy2d_live


@pytest.mark.parametrize("family", ["gan", "vae", "flow", "diffusion"])
def test_training_lowers_the_mmd_and_records_curves(family):
    run = toy2d_live.new_run(family, "moons", seed=0)
    assert run.steps == 0 and len(run.mmd) == 1 and run.samples.shape == (toy2d_live.N_SHOWN, 2)
    for _ in range(6):
        run.train(50, 2e-3)
        run.measure()
    assert run.steps == 300 and run.measured_at[-1] == 300 and len(run.loss_steps) == 6
    assert all(len(values) == 6 for values in run.losses.values())
    assert run.mmd[-1] < 0.5 * run.mmd[0]
    run.measure()  # measuring twice at the same step adds nothing
    assert len(run.mmd) == 7


def test_learning_rate_changes_without_a_restart():
    run = toy2d_live.new_run("gan", "ring", seed=1)
    run.train(2, 5e-3)
    assert run.model.opt_g.param_groups[0]["lr"] == run.model.opt_d.param_groups[0]["lr"] == 5e-3
    assert run.steps == 2 and run.ring and run.modes[0] <= toy2d.RING_MODES


def test_user_points_are_standardised_and_keyed():
    points = np.random.default_rng(0).normal([100, -50], [10, 2], (50, 2)).astype(np.float32)
    run = toy2d_live.new_run("vae", "user", seed=0, user=points)
    assert np.allclose(run.data.mean(0), 0, atol=1e-4)
    assert np.allclose(run.data.std(0), toy2d_live.USER_SCALE, atol=1e-3)
    assert run.key == ("vae", "user", toy2d_live.points_key(points), 0) and not run.ring
    with pytest.raises(ValueError):
        toy2d_live.new_run("vae", "user", seed=0)


def test_family_views_have_the_documented_shapes():
    gan = toy2d_live.new_run("gan", "ring", 0).gan_view(n_grid=20, n_arrows=7)
    assert gan["heat"].shape == (20, 20) and gan["points"].shape == gan["directions"].shape == (7, 2)
    flow = toy2d_live.new_run("flow", "ring", 0).flow_view(n_grid=20, n_lines=5, n_along=9)
    assert flow["density"].shape == (20, 20) and flow["f"].shape == flow["f_inv"].shape == (10, 9, 2)
    assert flow["f_logdet"].shape == (10, 9) and flow["f_data"].shape == (toy2d_live.N_SHOWN, 2)
    diffusion = toy2d_live.new_run("diffusion", "ring", 0).diffusion_view(30, n_paths=4, n_field=5)
    assert diffusion["paths"].shape == (toy2d_live.LIVE_STEPS + 1, 4, 2) and diffusion["field"].shape == (25, 2)
    assert 0 < diffusion["signal"] < 1 and 0 < diffusion["noise"] < 1
    vae = toy2d_live.new_run("vae", "ring", 0).vae_view(n_lines=3, n_along=4)
    assert vae["codes"].shape == (toy2d_live.N_SHOWN, 2) and vae["decoded"].shape == (6, 4, 2)


def test_long_runs_keep_light_curves(monkeypatch):
    monkeypatch.setattr(toy2d_live, "MAX_HISTORY", 8)
    run = toy2d_live.new_run("vae", "ring", seed=0)
    for step in range(1, 21):
        run.train(1, 1e-3)
        run.measure()
        assert run.measured_at[-1] == run.loss_steps[-1] == step  # the newest point is never dropped
    assert len(run.loss_steps) <= 8 and len(run.measured_at) <= 8 and run.measured_at[0] == 0
    assert all(len(v) == len(run.loss_steps) for v in run.losses.values())
    assert len(run.mmd) == len(run.modes) == len(run.measured_at)
    assert run.measured_at == sorted(run.measured_at)
