"""Seeded randomness without torch's global RNG: safe when many users share one server process.

Every Streamlit rerun is a thread of one process, and ``torch.manual_seed`` /
``torch.random.fork_rng`` change the one global generator all of them draw from: two threads
building "the same" seeded model at once can get different weights. Code the server runs keeps
its own ``torch.Generator().manual_seed(seed)`` instead and hands it to every random call:

* :func:`seeded` — build a module with PyTorch's default initial weights drawn from a given
  generator: it is constructed on the ``meta`` device (no values, so no global draws), moved to
  the CPU and initialised by :func:`init_like_default`, which re-initialises every parameter
  exactly the way PyTorch's default ``reset_parameters`` does, from the generator;
* :class:`GeneratorDropout` / :func:`use_generator_dropout` — ``nn.Dropout`` draws its mask
  from the global RNG and takes no generator; this one draws it from the run's generator.

No Streamlit import.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

import torch
from torch import nn
from torch.nn import init

M = TypeVar("M", bound=nn.Module)

#: Modules whose default ``reset_parameters`` draws nothing at random (ones, zeros, running stats).
_DETERMINISTIC = (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm, nn.RMSNorm)


def _uniform_bias(module: nn.Module, generator: torch.Generator) -> None:
    if module.bias is not None:
        fan_in, _ = init._calculate_fan_in_and_fan_out(module.weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        init.uniform_(module.bias, -bound, bound, generator=generator)


@torch.no_grad()
def init_like_default(module: nn.Module, generator: torch.Generator) -> nn.Module:
    """Re-initialise every parameter of ``module`` (and its submodules, in registration order) as
    PyTorch's default init would, drawing from ``generator``; returns ``module``.

    Linear and convolutions (transposed too): weight ``kaiming_uniform_(a=√5)``, bias
    U(±1/√fan_in); Embedding: N(0, 1) with the padding row zeroed; norms: ones and zeros, running
    statistics reset. A module of any other kind that holds parameters of its own raises
    ``TypeError`` rather than keep values drawn from the global RNG. Parameters are changed in
    place, so optimisers built on them stay valid.
    """
    for sub in module.modules():
        if isinstance(sub, (nn.Linear, nn.modules.conv._ConvNd)):
            init.kaiming_uniform_(sub.weight, a=math.sqrt(5), generator=generator)
            _uniform_bias(sub, generator)
        elif isinstance(sub, nn.Embedding):
            init.normal_(sub.weight, generator=generator)
            if sub.padding_idx is not None:
                sub.weight[sub.padding_idx].fill_(0)
        elif isinstance(sub, _DETERMINISTIC):
            sub.reset_parameters()
        elif any(True for _ in sub.parameters(recurse=False)):
            raise TypeError(f"init_like_default does not know how to initialise {type(sub).__name__}")
    return module


def seeded(make: Callable[[], M], generator: torch.Generator, device: str | torch.device = "cpu") -> M:
    """``make()`` with PyTorch's default initial weights drawn from ``generator``, on ``device``.

    ``make`` runs on the meta device, so its own default init draws nothing from the global RNG;
    every parameter and buffer is then set by :func:`init_like_default`. Anything ``make`` sets by
    hand (say, zeroing a last layer) is lost: build such parts seeded on their own and change them
    afterwards. A module holding buffers other than a norm's running statistics raises ``TypeError``.
    """
    with torch.device("meta"):
        module = make()
    for sub in module.modules():
        if not isinstance(sub, nn.modules.batchnorm._NormBase) and any(True for _ in sub.buffers(recurse=False)):
            raise TypeError(f"seeded does not know how to initialise the buffers of {type(sub).__name__}")
    return init_like_default(module.to_empty(device=device), generator)


class GeneratorDropout(nn.Module):
    """``nn.Dropout`` whose mask comes from ``generator`` (same scaling: kept values × 1/(1−p))."""

    def __init__(self, p: float, generator: torch.Generator):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability must lie in [0, 1], not {p}")
        self.p, self.generator = float(p), generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return torch.zeros_like(x)
        keep = torch.rand(x.shape, generator=self.generator, device=x.device) >= self.p
        return x * keep / (1 - self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}"


def use_generator_dropout(module: nn.Module, generator: torch.Generator) -> nn.Module:
    """Swap every ``nn.Dropout`` inside ``module`` for a :class:`GeneratorDropout` of the same p
    drawing from ``generator``; returns ``module`` (no parameters change)."""
    for parent in list(module.modules()):
        for name, child in parent.named_children():
            if type(child) is nn.Dropout:
                setattr(parent, name, GeneratorDropout(child.p, generator))
    return module
