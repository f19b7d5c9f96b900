"""Print the README's per-model budget table from the shipped checkpoints' metrics.json.

    python scripts/budget_table.py

Parameters, training data, epochs/steps and wall time come from what each training run wrote,
so the table cannot drift from the shipped weights.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.core import checkpoints
from models.registry import TRAINERS


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def row(name: str) -> str:
    what = TRAINERS[name].description.replace("|", "\\|")
    try:
        m = checkpoints.load_metrics(name)
    except (checkpoints.CheckpointError, OSError):
        m = {}
    if not m:
        return f"| `{name}` | {what} | — | not trained | — | `python -m models train {name}` |"
    params = f"{m.get('parameters', 0):,}" + (f" + {m['parameters_d']:,}" if "parameters_d" in m else "")
    images, tokens = m.get("train_images", 0), m.get("train_tokens", 0)
    if images:
        data = (f"{images // 1000}k" if images % 1000 == 0 else f"{images:,}") + " images"
    else:
        data = f"{tokens / 1e6:.2f}M tokens" if tokens else "?"
    amount = (f", {m['step']:,} steps" if "step" in m else
              f", {m['steps']:,} steps ({m['epochs']:.1f} epochs)" if tokens else
              f", {m['epochs']} epochs" if "epochs" in m else "")
    command = f"python -m models train {name}" + (" --resume --minutes 60" if TRAINERS[name].saves_itself else "")
    return (f"| `{name}` | {what} | {params} | {data}{amount} | "
            f"{duration(m.get('wall_time_s', 0))} | `{command}` |")


if __name__ == "__main__":
    print("| model | what | parameters | training data | training time | command |")
    print("|---|---|---|---|---|---|")
    for name in TRAINERS:
        print(row(name))
