"""Shared benchmark plumbing: machine description, repeat timing, saving JSON + markdown."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        import torch

        info["torch"] = torch.__version__
        info["gpu"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    except ImportError:
        info["gpu"] = None
    return info


def repeat(fn: Callable[[], float | None], n: int) -> dict:
    """Run ``fn`` ``n`` times; it returns its own duration (s) or None to be timed here."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        measured = fn()
        times.append(measured if measured is not None else time.perf_counter() - start)
    return summarise(times)


def available(checkpoint_names: dict[str, str]) -> list[str]:
    """The keys whose shipped checkpoint verifies; the others are skipped with the reason printed."""
    from models.core import checkpoints

    keep = []
    for key, name in checkpoint_names.items():
        try:
            checkpoints.verify(name)
            keep.append(key)
        except checkpoints.CheckpointError as exc:
            print(f"skipping {name}: {exc}")
    return keep


def summarise(times: list[float]) -> dict:
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
            "runs": len(times), "all_s": times}


def to_json(value, level: int = 0) -> str:
    """``json.dumps(value, indent=1)``, except that a list holding no lists or objects stays on one line:
    a curve is one line, an image one line per pixel row, instead of one line per number."""
    pad = " " * (level + 1)
    if isinstance(value, dict) and value:
        keys = (k if isinstance(k, str) else json.dumps(k) for k in value)  # json's own key conversion
        items = (f"{pad}{json.dumps(k)}: {to_json(v, level + 1)}" for k, v in zip(keys, value.values(), strict=True))
        return "{\n" + ",\n".join(items) + "\n" + " " * level + "}"
    if isinstance(value, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in value):
        return "[\n" + ",\n".join(pad + to_json(v, level + 1) for v in value) + "\n" + " " * level + "]"
    return json.dumps(value)


def saved(name: str, results: Path | None = None) -> dict:
    """The results :func:`save` wrote for ``name`` last time, or ``{}`` when there are none yet."""
    import json

    path = (results or RESULTS) / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save(name: str, payload: dict, table: list[tuple[str, str]], extra: list[str] = (),
         results: Path | None = None) -> Path:
    """Write ``<results>/<name>.json`` and ``<results>/<name>.md`` (default :data:`RESULTS`); print the table.

    ``extra``: markdown lines (e.g. a table of more columns) after the measure/value table."""
    results = results or RESULTS
    results.mkdir(parents=True, exist_ok=True)
    payload = {"benchmark": name, "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine(), **payload}
    path = results / f"{name}.json"
    path.write_text(to_json(payload) + "\n", encoding="utf-8")
    m = payload["machine"]
    lines = [f"Machine: {m['cpu']} ({m['cores']} cores), GPU: {m.get('gpu') or 'none'}", "",
             "| measure | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in table)]
    if extra:
        lines += ["", *extra]
    (results / f"{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return path
