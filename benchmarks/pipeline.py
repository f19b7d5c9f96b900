"""Train your own: seconds per epoch and domain FID after the page's default number of epochs.

Each family (VAE, GAN) trains with :class:`models.apps.pipeline.PipelineConfig`'s defaults — the
page's defaults: trouser, sneaker and bag, 500 training images each, batch 32 — for ``epochs``
epochs (the page's default is 10), ``repeats`` times with the same seed. Per epoch it records the
training time (what the page shows; torch on the server's thread count,
:func:`models.core.device.configure_threads`) and the time of the whole call including
the 16 fixed samples and the FID of ``fid_samples`` samples. The FID curve is deterministic for a
seed; the times are median, min and max over every epoch of every repeat. The real-vs-real floor
at the same N is saved beside the FIDs.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import asdict

from benchmarks.common import save, summarise
from models.apps import pipeline
from models.core import data, device
from models.core.judge import Judge

DEFAULT_EPOCHS = 10


def measure_family(family: str, epochs: int, repeats: int, judge: Judge, train: data.Split,
                   test: data.Split, **overrides) -> dict:
    train_s, epoch_s, create_s, curves = [], [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        run = pipeline.PipelineRun.create(pipeline.PipelineConfig(family=family, **overrides), train, test, judge)
        create_s.append(time.perf_counter() - start)
        for _epoch in range(epochs):
            start = time.perf_counter()
            row = run.train_epoch()
            epoch_s.append(time.perf_counter() - start)
            train_s.append(row["seconds"])
        curves.append(run.history["fid"])
    fid = curves[-1]
    return {"config": asdict(run.config), "epochs": epochs, "train_images": len(run.train),
            "parameters": run.parameters, "train_epoch": summarise(train_s), "epoch_with_fid": summarise(epoch_s),
            "create": summarise(create_s), "fid_curve": fid, "fid_untrained": fid[0], "fid_final": fid[-1],
            "fid_best": min(fid), "fid_floor": run.fid_floor, "deterministic": all(c == fid for c in curves),
            "losses": {k: v for k, v in run.history["losses"].items()}}


def run(epochs: int = DEFAULT_EPOCHS, repeats: int = 2, families: tuple[str, ...] = pipeline.FAMILIES,
        **overrides) -> dict:
    threads = device.configure_threads()  # as the server: set once, GENAI_LAB_TORCH_THREADS overrides
    judge = Judge.load()
    train, test = data.load_shipped("train10k"), data.load_shipped("test")
    results = {family: measure_family(family, epochs, repeats, judge, train, test, **overrides)
               for family in families}
    table, thread_text = [], f"{threads} thread{'s' if threads > 1 else ''}"
    for family, r in results.items():
        t, e = r["train_epoch"], r["epoch_with_fid"]
        table += [(f"{family}: seconds per epoch, training only ({r['train_images']} images, {thread_text})",
                   f"{t['median_s']:.2f} (min {t['min_s']:.2f}, max {t['max_s']:.2f}, {t['runs']} epochs)"),
                  (f"{family}: seconds per epoch with 16 samples + FID of {r['config']['fid_samples']}",
                   f"{e['median_s']:.2f} (min {e['min_s']:.2f}, max {e['max_s']:.2f})"),
                  (f"{family}: domain FID untrained → after {r['epochs']} epochs (best; floor)",
                   f"{r['fid_untrained']:.0f} → {r['fid_final']:.0f} ({r['fid_best']:.0f}; {r['fid_floor']:.1f})")]
    save("pipeline", {"epochs": epochs, "repeats": repeats, "threads": threads, "load_average": os.getloadavg(),
                      "families": results}, table)
    return {family: {"seconds_per_epoch": statistics.median(r["train_epoch"]["all_s"]), "fid_final": r["fid_final"]}
            for family, r in results.items()}
