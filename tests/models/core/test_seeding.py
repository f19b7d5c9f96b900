"""Seeding without the global RNG: default-like init from a generator, seeded builds, seeded dropout."""

import pytest
import torch
from torch import nn

from models.core.seeding import GeneratorDropout, init_like_default, seeded, use_generator_dropout


@pytest.mark.parametrize("make", [
    lambda: nn.Linear(7, 5),
    lambda: nn.Linear(7, 5, bias=False),
    lambda: nn.Conv2d(3, 4, 3),
    lambda: nn.ConvTranspose2d(4, 2, 4, 2, 1),
    lambda: nn.Embedding(10, 6, padding_idx=2),
])
def test_init_like_default_draws_what_the_default_init_draws(make):
    torch.manual_seed(11)  # test only: the default init under the global RNG is the reference
    reference = make()
    module = make()
    init_like_default(module, torch.Generator().manual_seed(11))
    for a, b in zip(reference.parameters(), module.parameters(), strict=True):
        assert torch.equal(a, b)


def test_init_like_default_resets_norms_and_refuses_unknown_modules():
    net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.LayerNorm(4), nn.GroupNorm(2, 4))
    with torch.no_grad():
        for p in net.parameters():
            p.fill_(3.0)
    net[1].running_mean.fill_(5.0)
    params = list(net.parameters())
    assert init_like_default(net, torch.Generator().manual_seed(0)) is net
    assert [p is q for p, q in zip(params, net.parameters(), strict=True)] == [True] * len(params)  # in place
    for norm in net[1:]:
        assert torch.equal(norm.weight, torch.ones(4)) and torch.equal(norm.bias, torch.zeros(4))
    assert torch.equal(net[1].running_mean, torch.zeros(4))
    a = init_like_default(nn.Linear(3, 4), torch.Generator().manual_seed(1))
    b = init_like_default(nn.Linear(3, 4), torch.Generator().manual_seed(1))
    assert torch.equal(a.weight, b.weight) and not torch.equal(a.weight, net[0].weight)
    with pytest.raises(TypeError, match="LSTM"):
        init_like_default(nn.Sequential(nn.LSTM(3, 4)), torch.Generator())


def test_seeded_builds_without_the_global_rng():
    def make():
        return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3), nn.Embedding(4, 2))

    state = torch.random.get_rng_state()
    net = seeded(make, torch.Generator().manual_seed(4))
    assert torch.equal(state, torch.random.get_rng_state())  # nothing drawn from the global RNG
    reference = init_like_default(make(), torch.Generator().manual_seed(4))
    for (name, a), (_, b) in zip(net.state_dict().items(), reference.state_dict().items(), strict=True):
        assert a.device.type == "cpu" and torch.equal(a, b), name
    assert torch.equal(net[1].running_var, torch.ones(2)) and int(net[1].num_batches_tracked) == 0

    class Constant(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("scale", torch.ones(3))

    with pytest.raises(TypeError, match="Constant"):
        seeded(Constant, torch.Generator())


def test_generator_dropout_is_seeded_scaled_and_off_in_eval():
    x = torch.ones(2000)
    a = GeneratorDropout(0.3, torch.Generator().manual_seed(0))(x)
    b = GeneratorDropout(0.3, torch.Generator().manual_seed(0))(x)
    assert torch.equal(a, b) and torch.allclose(a.unique(), torch.tensor([0.0, 1 / 0.7]))
    assert 0.25 < (a == 0).float().mean() < 0.35
    assert torch.equal(GeneratorDropout(0.3, torch.Generator()).eval()(x), x)
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(0.25), nn.Linear(2, 2)))
    gen = torch.Generator()
    use_generator_dropout(net, gen)
    assert isinstance(net[1][0], GeneratorDropout) and net[1][0].p == 0.25 and net[1][0].generator is gen
