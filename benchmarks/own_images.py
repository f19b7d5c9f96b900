"""Your own pictures: seconds until the quality measure halves for 50 drawings in two classes.

The drawings are synthetic strokes drawn with PIL the way the page's canvas draws them (white
freehand lines on a black 280 × 280 canvas, RGBA): circles and crosses of random size, position and
stroke width, seeded (:func:`drawings`). Half of them go through
:func:`models.image.own_images.read_canvas` as a canvas drawing, the other half are saved as PNG
files and go through :func:`~models.image.own_images.read_image` as uploads — the page's two ways in.
Each family (VAE, GAN) then trains with the page's settings (:class:`OwnImagesConfig`, rounds of
``ROUND_STEPS`` steps) for ``seconds`` of training, without and with the pixel-shift augmentation
(shifts of up to 1 and 2 pixels).
Reported per family: training seconds until the quality (MMD² in fixed random features, lower is
better) first falls to half of the untrained model's (target ≤ 60 s), the wall-clock seconds from
the click (set-up, every round's samples and measure included), the curve and the floor, the seconds
a round takes (the page redraws after every round; wall clock, and the process's CPU time, which a
busy machine does not inflate) and the trained model's samples per second.
torch runs on the server's thread count (:func:`models.core.device.configure_threads`: one unless
``GENAI_LAB_TORCH_THREADS`` says otherwise).
"""

from __future__ import annotations

import io
import os
import statistics
import time
from dataclasses import asdict, replace

import numpy as np
from PIL import Image, ImageDraw

from benchmarks.common import save
from models.core import device
from models.image import own_images

TARGET_S = 60.0       # issue 23: the quality measure halves within a minute on 2 cores
CANVAS = 280
KINDS = ("circle", "cross")


def drawing(kind: str, rng: np.random.Generator) -> np.ndarray:
    """One canvas drawing (280, 280, 4) uint8: a white circle or cross on black, random size/place/stroke."""
    image = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 255))
    pen = ImageDraw.Draw(image)
    cx, cy = rng.uniform(0.3, 0.7, 2) * CANVAS
    r, width = rng.uniform(0.12, 0.3) * CANVAS, int(rng.integers(8, 24))
    if kind == "circle":
        squash = rng.uniform(0.75, 1.0)
        pen.ellipse([cx - r, cy - r * squash, cx + r, cy + r * squash], outline=(255, 255, 255, 255), width=width)
    else:
        tilt = rng.uniform(-0.25, 0.25) * r
        pen.line([cx - r + tilt, cy - r, cx + r - tilt, cy + r], fill=(255, 255, 255, 255), width=width)
        pen.line([cx - r - tilt, cy + r, cx + r + tilt, cy - r], fill=(255, 255, 255, 255), width=width)
    return np.asarray(image)


def drawings(n: int = 50, seed: int = 0, kinds: tuple[str, ...] = KINDS) -> list[tuple[str, list[np.ndarray]]]:
    """``n`` drawings in ``len(kinds)`` classes as the page gets them: even ones read as canvas drawings,
    odd ones saved as PNG and read as uploads."""
    rng = np.random.default_rng(seed)
    classes: dict[str, list[np.ndarray]] = {kind: [] for kind in kinds}
    for i in range(n):
        kind = kinds[i % len(kinds)]
        rgba = drawing(kind, rng)
        if i % 2 == 0:
            image = own_images.read_canvas(rgba)
        else:
            buffer = io.BytesIO()
            Image.fromarray(rgba).convert("RGB").save(buffer, "PNG")
            image = own_images.read_image(buffer.getvalue(), f"{kind}_{i}.png").image
        classes[kind].append(image)
    return list(classes.items())


def measure(data: own_images.ImageSet, config: own_images.OwnImagesConfig, seconds: float, repeats: int) -> dict:
    start = time.perf_counter()
    run = own_images.OwnImagesRun.create(data, config)
    create_s = time.perf_counter() - start
    round_s, cpu_s, wall_at = [], [], None
    while run.seconds < seconds:
        before, cpu = time.perf_counter(), time.process_time()
        run.train_round()
        round_s.append(time.perf_counter() - before)
        cpu_s.append(time.process_time() - cpu)
        if run.halved_at is not None and wall_at is None:
            wall_at = time.perf_counter() - start
    speeds = []
    for i in range(repeats):
        before = time.perf_counter()
        images = run.samples_per_class(64, seed=i)
        speeds.append(images.shape[0] * images.shape[1] / (time.perf_counter() - before))
    quality = run.history["quality"]
    return {"family": config.family, "shift": config.shift, "steps_per_round": config.steps,
            "parameters": run.parameters, "create_s": create_s, "halved_training_s": run.halved_at,
            "halved_wall_s": wall_at, "rounds": run.rounds, "training_s": run.seconds,
            "round_s": statistics.median(round_s), "round_s_max": max(round_s),
            "round_cpu_s": statistics.median(cpu_s),
            "quality_untrained": quality[0], "quality_final": quality[-1], "quality_best": min(quality),
            "quality_floor": run.quality_floor, "samples_per_s": statistics.median(speeds),
            "curve": [[round(s, 3), q] for s, q in zip(run.history["seconds"], quality, strict=True)]}


def run(n_images: int = 50, seconds: float = 60.0, repeats: int = 5,
        families: tuple[str, ...] = own_images.FAMILIES, shifts: tuple[int, ...] = (0, 1, 2),
        config: own_images.OwnImagesConfig | None = None) -> dict:
    threads = device.configure_threads()
    config = config or own_images.OwnImagesConfig()
    data = own_images.build_set(drawings(n_images))
    results = {f"{family}, shift {shift}": measure(data, replace(config, family=family, shift=shift), seconds,
                                                   repeats)
               for family in families for shift in shifts}
    table = [("data", f"{n_images} synthetic drawings ({', '.join(KINDS)}), half canvas, half PNG upload")]
    for name, r in results.items():
        halved = f"not within {seconds:.0f} s" if r["halved_training_s"] is None else \
            f"{r['halved_training_s']:.1f} s of training, {r['halved_wall_s']:.1f} s from the click"
        table += [(f"{name}: quality halved after (target ≤ {TARGET_S:.0f} s)", halved),
                  (f"{name}: {own_images.QUALITY_NAME}: untrained → after {r['training_s']:.0f} s (best; floor)",
                   f"{r['quality_untrained']:.4f} → {r['quality_final']:.4f} ({r['quality_best']:.4f}; "
                   f"{r['quality_floor']:.4f})"),
                  (f"{name}: seconds a round ({r['steps_per_round']} steps + samples + measure): wall, median "
                   f"(max); CPU time, median", f"{r['round_s']:.2f} ({r['round_s_max']:.2f}); {r['round_cpu_s']:.2f}"),
                  (f"{name}: samples per second (64 a class); parameters",
                   f"{r['samples_per_s']:.0f}; {r['parameters']:,}")]
    table.append(("torch threads; load average at the end", f"{threads}; {os.getloadavg()[0]:.1f}"))
    save("own_images", {"threads": threads, "load_average": os.getloadavg(), "config": asdict(config),
                        "n_images": n_images, "seconds": seconds, "target_s": TARGET_S, "runs": results}, table)
    return {name: {"halved_training_s": r["halved_training_s"], "quality_final": r["quality_final"],
                   "samples_per_s": r["samples_per_s"]} for name, r in results.items()}
