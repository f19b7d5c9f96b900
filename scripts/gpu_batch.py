"""One prepared run for a lent GPU machine: time the shipped diffusion model, retrain models, archive it all.

On the device machine (``run`` tool; $OUT comes back), with the wheels it lacks carried in ``wheels/``::

    pip install --no-index --find-links wheels -r requirements.txt  # diffusers, transformers, …
    python scripts/gpu_batch.py --out "$OUT/gpu" --budget-min 8

1. **Latency** (first, on the shipped weights): 16 diffusion images × 20 UNet calls (DPM-Solver++,
   20 steps, no guidance), warm-up then ``--repeats`` timed runs, p50 and p90, with and without
   ``torch.compile`` (``--compile``; target p50 ≤ 30 ms on a GPU, issue 21).
2. **Retraining**: each model of ``--models`` (default: every shipped model, diffusion last with
   what is left of the budget) is trained from scratch into ``OUT/checkpoints`` — never into
   ``assets/`` — and its wall time recorded. A model is started only while the budget lasts; the
   others are listed as not reached, so a later run can pass them with ``--models``. A model that
   fails is recorded with its error and the run goes on.
3. ``OUT/results.json`` (and ``.md``) hold the figures; ``OUT.tar.gz`` holds the whole folder, one archive.

Runs on the CPU as well (``--device cpu``), which is how the tests check it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tarfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models.core import checkpoints  # noqa: E402

DIFFUSION = "diffusion"


def sync(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def latency(device: str, images: int, steps: int, repeats: int, compile_unet: bool) -> dict:
    """p50 / p90 milliseconds for ``images`` diffusion samples × ``steps`` UNet calls (no guidance)."""
    import numpy as np
    import torch

    from models.image import zoo

    model = zoo.load(DIFFUSION, device=device)
    if compile_unet:
        model.unet = torch.compile(model.unet)
    labels = np.arange(images) % 10

    def once(seed: int) -> float:
        sync(device)
        start = time.perf_counter()
        zoo.sample(model, DIFFUSION, labels, seed, sampler="dpm", steps=steps, guidance=1.0)
        sync(device)
        return (time.perf_counter() - start) * 1000

    warm = [once(seed) for seed in range(2)]  # the first calls compile / allocate
    times = sorted(once(100 + i) for i in range(repeats))
    return {"images": images, "network_calls": steps, "compiled": compile_unet, "warm_up_ms": warm,
            "p50_ms": statistics.median(times), "p90_ms": times[min(len(times) - 1, int(0.9 * len(times)))],
            "repeats": repeats}


def default_models() -> list[str]:
    from models.registry import TRAINERS

    return [name for name in TRAINERS if name != DIFFUSION] + [DIFFUSION]


def retrain(models: list[str], device: str, deadline: float, epochs: int | None) -> dict:
    """Train each model in turn while time is left; {name: {wall_s | error | "not reached"}}."""
    from models.registry import TRAINERS, train

    out: dict[str, dict] = {}
    for name in models:
        left_min = (deadline - time.perf_counter()) / 60
        if left_min <= 0:
            out[name] = {"status": "not reached"}
            continue
        options = {"minutes": left_min} if TRAINERS[name].saves_itself else {}
        start = time.perf_counter()
        try:
            metrics = train(name, epochs=epochs, device=device, progress=False, **options)
        except Exception as exc:  # one failing model must not cost the others their turn
            out[name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}",
                         "trace": traceback.format_exc(limit=3), "wall_s": time.perf_counter() - start}
            continue
        facts = {k: v for k, v in metrics.items() if isinstance(v, (int, float, str)) and not isinstance(v, bool)}
        out[name] = {"status": "trained", "wall_s": time.perf_counter() - start, **facts}
    return out


def markdown(results: dict) -> str:
    lines = [f"Device: {results['device']} ({results['device_name']}), budget {results['budget_min']} min", "",
             "| measure | value |", "|---|---|"]
    for key, lat in results["latency"].items():
        lines.append(f"| diffusion {lat['images']} images × {lat['network_calls']} calls, {key} | "
                     f"p50 {lat['p50_ms']:.1f} ms, p90 {lat['p90_ms']:.1f} ms ({lat['repeats']} runs) |")
    for name, row in results["models"].items():
        if row["status"] == "trained":
            value = f"{row['wall_s']:.1f} s"
        elif row["status"] == "error":
            value = f"error: {row['error']}"
        else:
            value = "not reached (budget spent)"
        lines.append(f"| retrain {name} | {value} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="folder for checkpoints and results; OUT.tar.gz beside it")
    parser.add_argument("--device", default="cuda", help="cuda (default) or cpu")
    parser.add_argument("--budget-min", type=float, default=8.0, help="minutes of retraining in all")
    parser.add_argument("--models", help="comma-separated models to retrain (default: all, diffusion last)")
    parser.add_argument("--epochs", type=int, help="epochs for every model (default: each model's own)")
    parser.add_argument("--latency-images", type=int, default=16)
    parser.add_argument("--latency-steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--compile", action="store_true", help="also time the UNet under torch.compile")
    parser.add_argument("--no-latency", action="store_true")
    args = parser.parse_args(argv)

    import torch

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("error: no CUDA device here; pass --device cpu to run on the CPU", file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    models = args.models.split(",") if args.models else default_models()
    from models.registry import TRAINERS

    unknown = sorted(set(models) - set(TRAINERS))
    if unknown:
        print(f"error: unknown models {unknown}; see python -m models train --list", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)

    results = {"device": args.device, "budget_min": args.budget_min, "python": platform.python_version(),
               "torch": torch.__version__,
               "device_name": torch.cuda.get_device_name(0) if args.device.startswith("cuda") else platform.processor(),
               "latency": {}, "models": {}}
    if not args.no_latency:  # on the shipped weights, before the checkpoint folder moves
        results["latency"]["eager"] = latency(args.device, args.latency_images, args.latency_steps, args.repeats,
                                              False)
        if args.compile:
            results["latency"]["torch.compile"] = latency(args.device, args.latency_images, args.latency_steps,
                                                          args.repeats, True)

    previous = os.environ.get(checkpoints.ENV_DIR)
    os.environ[checkpoints.ENV_DIR] = str(out / "checkpoints")
    try:
        deadline = time.perf_counter() + args.budget_min * 60
        results["models"] = retrain(models, args.device, deadline, args.epochs)
    finally:
        if previous is None:
            os.environ.pop(checkpoints.ENV_DIR, None)
        else:
            os.environ[checkpoints.ENV_DIR] = previous

    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (out / "results.md").write_text(markdown(results), encoding="utf-8")
    with tarfile.open(f"{out}.tar.gz", "w:gz") as archive:
        archive.add(out, arcname=out.name)
    print(markdown(results))
    print(f"archive: {out}.tar.gz")
    return 0


if __name__ == "__main__":
    sys.exit(main())
