"""The judges' names and where the zoo benchmark keeps their figures: no torch, so that a page can read
``zoo.json`` (the lessons' figures, Compare's tables) without paying for ``import torch`` at start-up."""

from __future__ import annotations

NAME = "judge"
SECOND = "judge2"
#: every judge the zoo benchmark scores domain FID with, the first one first
JUDGES = (NAME, SECOND)


def fid_key(name: str, floor: bool = False) -> str:
    """Where the zoo benchmark keeps judge ``name``'s domain FID: a family's (``fid``, ``fid_judge2``) or,
    with ``floor``, the real-vs-real floor at the top of the results (``floor_fid``, ``floor_fid_judge2``)."""
    base = "floor_fid" if floor else "fid"
    return base if name == NAME else f"{base}_{name}"


def accuracy_key(name: str) -> str:
    """Where the zoo benchmark keeps judge ``name``'s test accuracy (``judge_test_accuracy``, ...)."""
    return f"{name}_test_accuracy"
