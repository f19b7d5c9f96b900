"""Several training processes, one writer.

``torchrun --nproc_per_node N -m models train NAME`` (or ``accelerate launch …``) starts N copies of the
training command; each learns from its own share of the batches and ``accelerate`` averages their
gradients after every step. Only the main process (rank 0) stages, writes and swaps in the checkpoint
and its ``metrics.json`` and shows progress; the others wait for it (:func:`wait_for_everyone`).

The launcher tells each process its place through the environment (``WORLD_SIZE``, ``RANK``), which is
read here before any process group exists, so a model that cannot train on several processes is
refused before any work starts.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from models.core import checkpoints

ENV_WORLD = "WORLD_SIZE"
ENV_RANK = "RANK"


class ScaleOutError(RuntimeError):
    """A model that trains on one process only was launched on several."""


def processes() -> int:
    """How many training processes the launcher started (1 for a plain ``python -m models train``)."""
    return int(os.environ.get(ENV_WORLD) or 1)


def is_main() -> bool:
    """True in the one process that writes and reports (rank 0; always, for a single process)."""
    return int(os.environ.get(ENV_RANK) or 0) == 0


def refuse(name: str, reason: str) -> ScaleOutError:
    """The error for ``name`` launched on several processes when its trainer cannot share the work."""
    return ScaleOutError(f"{name} trains on one process only ({reason}), but {processes()} were launched. "
                         f"Run `python -m models train {name}` without torchrun / accelerate launch.")


@contextlib.contextmanager
def staging(name: str) -> Iterator[Path | None]:
    """:func:`models.core.checkpoints.staging` in the main process; ``None`` (nothing to write) in the others."""
    if is_main():
        with checkpoints.staging(name) as out_dir:
            yield out_dir
    else:
        yield None


def wait_for_everyone() -> None:
    """Every process waits here until all have arrived (a no-op for a single process)."""
    if processes() > 1:
        from accelerate import PartialState

        PartialState().wait_for_everyone()


def finish() -> None:
    """At the end of a launched process: close the process group (a no-op where none was opened). Without it
    gloo's threads may still be running while Python shuts down, and the process aborts ("terminate called
    without an active exception", SIGABRT) after its work is done; the launcher then reports a failure."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
