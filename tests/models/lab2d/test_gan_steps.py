"""The GAN's training loop taken apart: a D step trains only D, a G step only G, with explicit generators."""

import numpy as np
import pytest
import torch

from models.lab2d import gan_steps, toy2d_live
from models.lab2d.toy2d_models import ToyGAN


def params(module: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


def fresh(seed: int = 0) -> tuple[ToyGAN, np.ndarray]:
    run = toy2d_live.new_run("gan", "ring", seed=seed)
    return run.model, run.data


def copy_of(generator: torch.Generator) -> torch.Generator:
    return torch.Generator().set_state(generator.get_state())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_d_step_lowers_d_loss_on_its_batch_and_leaves_g_alone(seed):
    gan, data = fresh(seed)
    batch = torch.as_tensor(data[:256])
    generator = torch.Generator().manual_seed(seed)
    replay = copy_of(generator)  # the same noise d_step will draw
    g_before, d_before = params(gan.generator_net), params(gan.discriminator)
    out = gan_steps.d_step(gan, batch, generator)
    with torch.no_grad():  # D's loss on the same batch, recomputed from scratch with the replayed noise
        fake = gan.generator_net(gan_steps.noise(gan, len(batch), replay))
        after = gan_steps.discriminator_loss(gan, batch, fake).item()
    assert after == pytest.approx(out["after"], abs=1e-6)
    assert out["after"] < out["before"]
    assert same(params(gan.generator_net), g_before)      # the generator is frozen
    assert not same(params(gan.discriminator), d_before)  # the discriminator learned
    assert all(p.grad is None for p in gan.generator_net.parameters())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_g_step_changes_only_g_and_lowers_g_loss_against_the_frozen_d(seed):
    gan, data = fresh(seed)
    gan_steps.d_step(gan, data[:256], torch.Generator().manual_seed(99))  # give D an opinion first
    generator = torch.Generator().manual_seed(seed)
    replay = copy_of(generator)
    g_before, d_before = params(gan.generator_net), params(gan.discriminator)
    d_grads = [None if p.grad is None else p.grad.clone() for p in gan.discriminator.parameters()]
    out = gan_steps.g_step(gan, 256, generator)
    z = gan_steps.noise(gan, 256, replay)
    with torch.no_grad():
        after = gan_steps.generator_loss(gan, gan.generator_net(z)).item()
    assert after == pytest.approx(out["after"], abs=1e-6)
    assert out["after"] < out["before"]
    assert same(params(gan.discriminator), d_before)        # D frozen: same weights …
    for p, grad in zip(gan.discriminator.parameters(), d_grads, strict=True):  # … and no new gradient
        assert (p.grad is None and grad is None) or torch.equal(p.grad, grad)
    assert all(p.requires_grad for p in gan.discriminator.parameters())  # unfrozen again afterwards
    assert not same(params(gan.generator_net), g_before)


def test_steps_use_only_the_given_generator():
    gan_a, data = fresh(0)
    gan_b, _ = fresh(0)
    torch.manual_seed(123)
    gan_steps.d_step(gan_a, data[:64], torch.Generator().manual_seed(5))
    torch.manual_seed(456)  # a different global RNG state changes nothing
    gan_steps.d_step(gan_b, data[:64], torch.Generator().manual_seed(5))
    assert same(params(gan_a.discriminator), params(gan_b.discriminator))


def session(seed: int, lr: float = 2e-3) -> gan_steps.GanSteps:
    run = toy2d_live.new_run("gan", "moons", seed=seed)
    toy2d_live.set_lr(run.model, lr)  # the lab's default learning rate
    return gan_steps.new_steps(run.model, run.data, run.reference, seed)


def test_a_fixed_seed_replays_the_same_session():
    a, b = session(3), session(3)
    for s in (a, b):
        s.discriminator_steps(3)
        s.generator_steps(2)
        s.alternate(4, 2)
    assert a.history() == b.history()
    assert np.array_equal(a.samples(), b.samples())
    c = session(4)
    c.discriminator_steps(3)
    assert c.d_loss[-1] != a.d_loss[3]


def test_history_records_every_update_and_its_kind():
    s = session(0)
    assert s.kinds == ["start"] and s.updates == [0] and s.total == 0
    d_was = s.d_loss[-1]
    s.discriminator_steps(3)
    assert s.kinds == ["start", "D", "D", "D"] and s.counts == {"D": 3, "G": 0}
    assert s.last["kind"] == "D" and s.last["n"] == 3 and s.last["d_was"] == d_was
    assert s.d_loss[-1] < d_was  # D got better at telling the fixed data points from the fixed samples
    assert s.gan.steps == 0       # D steps do not move the samples: the live lab's step counter waits
    before = s.samples()
    g_was = s.g_loss[-1]
    s.generator_steps(1)
    assert s.kinds[-1] == "G" and s.counts["G"] == 1 and s.gan.steps == 1
    assert s.g_loss[-1] < g_was and not np.array_equal(before, s.samples())
    s.alternate(2, 2)
    assert s.kinds[-6:] == ["D", "D", "G", "D", "D", "G"] and s.updates[-1] == s.total == 10
    assert len(s.kinds) == len(s.d_loss) == len(s.g_loss) == len(s.d_real) == len(s.d_fake) == 11
    s.alternate(3, 0)  # k = 0: only G steps
    assert s.kinds[-3:] == ["G", "G", "G"] and s.counts == {"D": 7, "G": 6}


def test_live_training_in_between_adds_a_live_point():
    run = toy2d_live.new_run("gan", "moons", seed=0)
    s = gan_steps.new_steps(run.model, run.data, run.reference, 0)
    s.generator_steps(1)
    assert not s.sync()  # nothing happened elsewhere
    run.train(5, 2e-3)   # the live lab trains the same GAN
    assert s.sync() and s.kinds[-1] == "live" and s.updates[-1] == s.total == 1
    assert not s.sync()


def test_a_too_strong_d_and_g_only_training():
    strong = session(0)
    strong.discriminator_steps(60)
    assert strong.d_loss[-1] < 0.3 < 2.0 < strong.g_loss[-1]  # D wins: its loss near 0, G's high
    assert strong.d_real[-1] > 0.8 > 0.2 > strong.d_fake[-1]
    only_g = session(0)
    only_g.discriminator_steps(10)
    d_weights = params(only_g.gan.discriminator)
    only_g.alternate(40, 0)
    assert same(params(only_g.gan.discriminator), d_weights)  # D never changed
    assert only_g.g_loss[-1] < only_g.g_loss[10]  # G fooled the frozen D …
    assert only_g.d_loss[-1] > only_g.d_loss[10]  # … which, frozen, now looks worse at its job


def test_views_and_long_histories(monkeypatch):
    s = session(0)
    surface = s.surface()
    assert surface["heat"].shape == (gan_steps.SURFACE_GRID, gan_steps.SURFACE_GRID)
    assert ((0 <= surface["heat"]) & (surface["heat"] <= 1)).all()
    assert s.pushes(7)["directions"].shape == (7, 2) and s.samples().shape == (toy2d_live.N_SHOWN, 2)
    monkeypatch.setattr(gan_steps, "MAX_HISTORY", 8)
    s.alternate(10, 1)
    assert len(s.kinds) <= 8 and s.kinds[0] == "start" and s.updates[-1] == s.total == 20
    assert len({len(v) for v in s.history().values()}) == 1


def test_only_a_gan_can_be_stepped():
    run = toy2d_live.new_run("vae", "ring", seed=0)
    with pytest.raises(TypeError):
        gan_steps.new_steps(run.model, run.data, run.reference, 0)
