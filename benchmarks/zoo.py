"""Image model zoo: every family on the same data, same judge, same machine, same run.

For each family: domain FID of N conditional samples against the test split next to the
real-vs-real floor at the same N; precision / recall / density / coverage; conditional
accuracy; per-class shares of "unconditional" samples (random labels; the null class for
diffusion); bits/dim (flow exact, VAE bound); network calls per image (NFE); milliseconds
for 16 images (median of repeats); training wall time. For diffusion also the quality-vs-steps
curve for DDPM / DDIM / DPM-Solver++ and DDPM at 1000 steps at N = 500.

The family FIDs are also scored by the second judge (``judge2``, another architecture trained
apart), on the same samples and against its own floor: ``fid_judge2`` and ``floor_fid_judge2``.
Precision / recall, class shares and the steps curve use the first judge only.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.common import repeat, save, saved
from models.core import checkpoints, data
from models.core.judge import SECOND, Judge, accuracy_key, fid_key
from models.core.metrics import FIDScorer, class_shares, conditional_accuracy, prdc
from models.image import zoo

CURVE_STEPS = [5, 10, 20, 50]
CURVE_N = 500


def plan(families=None, samplers=None) -> dict[str, list[str]]:
    """What a full run measures, read from the family and sampler tables: one row per family, and the
    quality-vs-steps curve of every sampler (for the families that take a sampler)."""
    families = list(zoo.FAMILIES if families is None else families)
    curve = any("sampler" in zoo.FAMILIES[f].options for f in families)
    return {"families": families, "samplers": list(zoo.SAMPLERS if samplers is None else samplers) if curve else []}


def measure_latency(family: str, model=None, seed: int = 0, repeats: int = 5) -> dict:
    """Milliseconds for 16 images (median and spread of ``repeats`` after a warm-up); diffusion
    also without guidance (the issue's second target at 20 steps)."""
    model = model or zoo.load(family)
    variants = {"ms_16_images": {}}
    if "guidance" in zoo.FAMILIES[family].options:
        variants["ms_16_images_no_guidance"] = {"guidance": 1.0}
    out = {}
    for key, options in variants.items():
        def sixteen(options=options) -> None:
            zoo.sample(model, family, zoo.cycle_labels(16), seed, **options)

        sixteen()  # warm-up
        timing = repeat(sixteen, repeats)
        out[key] = timing["median_s"] * 1000
        out[f"{key}_spread"] = [timing["min_s"] * 1000, timing["max_s"] * 1000]
    return out


def measure_family(family: str, judge: Judge, fid: FIDScorer, real_features: np.ndarray, test: data.Split,
                   n: int, seed: int = 0, fid2: FIDScorer | None = None) -> dict:
    """One family's row; ``fid2`` (the second judge's scorer) scores the same samples as ``fid``."""
    model = zoo.load(family)
    labels = zoo.cycle_labels(n)
    start = time.perf_counter()
    images = zoo.sample(model, family, labels, seed)
    sample_s = time.perf_counter() - start
    free = zoo.sample(model, family, zoo.free_labels(family, n, seed), seed + 1)  # the null class where there is one
    latency = measure_latency(family, model, seed)
    shares = class_shares(judge, free)
    result = {
        "fid": fid.score(images),
        **({fid_key(SECOND): fid2.score(images)} if fid2 else {}),
        **prdc(real_features, judge.features(images)),
        "conditional_accuracy": conditional_accuracy(judge, images, labels),
        "unconditional_class_shares": shares.round(4).tolist(),
        "unconditional_min_share": float(shares.min()),
        "nfe": zoo.FAMILIES[family].calls(),
        **latency,
        "sample_n_seconds": sample_s,
        "training_wall_time_s": checkpoints.load_metrics(family).get("wall_time_s"),
    }
    bpd_key = zoo.FAMILIES[family].bpd_key
    if bpd_key:
        subset = slice(0, 2000)
        result[bpd_key] = float(model.bits_per_dim(test.images[subset], test.labels[subset]).mean())
    return result


def _trained_steps() -> int | None:
    return checkpoints.load_metrics("diffusion").get("step")


def steps_curve(judge: Judge, test: data.Split, seed: int = 0, n: int = CURVE_N, ddpm_1000: bool = True,
                on_progress=lambda curve: None, samplers: tuple[str, ...] | None = None,
                curve: dict | None = None) -> dict:
    """FID vs steps for DDPM / DDIM / DPM-Solver++ (and DDPM at 1000 steps) at N = ``n``;
    ``on_progress(curve)`` is called after every sampler so a long run can save as it goes.
    Given a saved ``curve``, only the rows of ``samplers`` are measured again (at its N)."""
    model = zoo.load("diffusion")
    fid = FIDScorer(judge, test.images)
    if curve is None:
        floor = fid.score(data.examples_balanced(data.load_train(), n, seed))
        curve = {"n": n, "steps": CURVE_STEPS, "floor": floor, "samplers": {}, "trained_steps": _trained_steps()}
    labels = zoo.cycle_labels(curve["n"])
    for sampler in plan(["diffusion"], samplers)["samplers"]:
        scores = []
        for steps in CURVE_STEPS:
            images = zoo.sample(model, "diffusion", labels, seed, sampler=sampler, steps=steps)
            scores.append(fid.score(images))
            print(f"  diffusion {sampler:5s} {steps:4d} steps: FID {scores[-1]:.2f}", flush=True)
        curve["samplers"][sampler] = {"fid": scores}
        on_progress(curve)
    if ddpm_1000:
        add_ddpm_1000(curve, model, fid, seed)
    return curve


def add_ddpm_1000(curve: dict, model, fid: FIDScorer, seed: int = 0) -> dict:
    """DDPM with all 1000 steps at the curve's N (over an hour on 2 CPU cores at N = 500)."""
    images = zoo.sample(model, "diffusion", zoo.cycle_labels(curve["n"]), seed, sampler="ddpm", steps=1000)
    curve["ddpm_1000"] = fid.score(images)
    curve["ratio_dpm10_to_ddpm1000"] = curve["samplers"]["dpm"]["fid"][CURVE_STEPS.index(10)] / curve["ddpm_1000"]
    print(f"  diffusion ddpm  1000 steps: FID {curve['ddpm_1000']:.2f}", flush=True)
    return curve


def _saved_curve(n: int) -> tuple[dict, dict]:
    """(saved results at N, their diffusion curve), only if the curve belongs to the shipped checkpoint."""
    payload = load_previous(n)
    curve = payload.get("diffusion_steps")
    if not curve:
        raise SystemExit(f"no saved diffusion curve at N={n}: run `python -m benchmarks zoo --n {n}` first")
    if curve.get("trained_steps") != _trained_steps():
        raise SystemExit("the saved curve was measured on another diffusion checkpoint: re-run the zoo benchmark")
    return payload, curve


def resample_curve(samplers: tuple[str, ...], n: int = 2000) -> dict:
    """Re-measure some samplers' rows of the saved curve (e.g. after a sampler fix), same checkpoint."""
    payload, curve = _saved_curve(n)

    def keep(updated: dict) -> None:
        payload["diffusion_steps"] = updated
        _table_and_save(payload)

    steps_curve(Judge.load(), data.load_shipped("test"), ddpm_1000=False, on_progress=keep, samplers=samplers,
                curve=curve)
    return _table_and_save(payload)


def ddpm_1000_only(n: int = 2000) -> dict:
    """Add DDPM at 1000 steps to saved results whose curve was measured on the shipped checkpoint."""
    payload, curve = _saved_curve(n)
    test = data.load_shipped("test")
    add_ddpm_1000(curve, zoo.load("diffusion"), FIDScorer(Judge.load(), test.images))
    return _table_and_save(payload)


def kept_curve(previous: dict) -> dict | None:
    """The saved diffusion curve, if it was measured on the diffusion checkpoint shipped now."""
    curve = previous.get("diffusion_steps")
    return curve if curve and curve.get("trained_steps") == _trained_steps() else None


def load_previous(n: int) -> dict:
    """The saved results at the same N (FID depends on N), else {}."""
    previous = saved("zoo")
    return previous if previous.get("n") == n else {}


def latency_only(repeats: int = 5, n: int = 2000, families: tuple[str, ...] | None = None) -> dict:
    """Re-time 16 images per family (e.g. on an idle machine) and update the saved results at N."""
    payload = load_previous(n)
    if not payload:
        raise SystemExit(f"no saved zoo results at N={n}: run `python -m benchmarks zoo --n {n}` first")
    for family in plan(families)["families"]:
        if family in payload["families"]:
            payload["families"][family].update(measure_latency(family, repeats=repeats))
            print(f"{family}: 16 images {payload['families'][family]['ms_16_images']:.0f} ms", flush=True)
    payload["latency_remeasured"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    return _table_and_save(payload)


def run(repeats: int = 5, n: int = 2000, families: tuple[str, ...] | None = None, curve: bool = True,
        ddpm_1000: bool = True) -> dict:
    judge, judge2 = Judge.load(), Judge.load(name=SECOND)
    test, train = data.load_shipped("test"), data.load_train()
    fid, fid2 = FIDScorer(judge, test.images), FIDScorer(judge2, test.images)
    real = data.examples_balanced(train, n, seed=1)
    floor = fid.score(real)
    real_features = judge.features(data.examples_balanced(test, n, seed=2))
    payload = {"n": n, "floor_fid": floor, "judge_test_accuracy": judge.accuracy(test),
               fid_key(SECOND, floor=True): fid2.score(real), accuracy_key(SECOND): judge2.accuracy(test),
               "floor_prdc": prdc(real_features, judge.features(real)), "families": {}}
    todo = plan(families)
    families = todo["families"]
    previous = load_previous(n)
    if previous and set(families) != set(zoo.FAMILIES):  # a partial run updates the families it measured
        payload["families"] = previous.get("families", {})
        payload.update({k: v for k, v in previous.items() if k == "diffusion_steps"})
    current = kept_curve(previous)
    if current:  # a curve of the shipped checkpoint stays until it is measured again
        payload["diffusion_steps"] = current
    for family in families:
        try:
            payload["families"][family] = measure_family(family, judge, fid, real_features, test, n, fid2=fid2)
        except checkpoints.CheckpointError as exc:
            print(f"skipping {family}: {exc}")
            continue
        r = payload["families"][family]
        print(f"{family}: FID {r['fid']:.2f} ({r['fid'] / floor:.1f}× floor), "
              f"{SECOND} {r[fid_key(SECOND)]:.2f} ({r[fid_key(SECOND)] / payload[fid_key(SECOND, floor=True)]:.1f}×), "
              f"acc {r['conditional_accuracy']:.3f}", flush=True)
        if family == "diffusion" and not kept_curve(payload):  # an old curve belongs to an old checkpoint
            payload.pop("diffusion_steps", None)
        _table_and_save(payload)  # save as we go: a long run that is stopped keeps what it measured

    def keep(curve: dict) -> None:
        payload["diffusion_steps"] = curve
        _table_and_save(payload)

    if curve and todo["samplers"] and "diffusion" in payload["families"]:
        keep(steps_curve(judge, test, ddpm_1000=ddpm_1000, on_progress=keep))
    return _table_and_save(payload)


def _table_and_save(payload: dict) -> dict:
    n, floor = payload["n"], payload["floor_fid"]
    floor2 = payload.get(fid_key(SECOND, floor=True))
    table = [("judge test accuracy", f"{payload['judge_test_accuracy']:.3f}"),
             (f"floor FID (N={n} train vs test)", f"{floor:.2f}")]
    if floor2:
        table += [(f"{SECOND} (second judge) test accuracy", f"{payload[accuracy_key(SECOND)]:.3f}"),
                  (f"{SECOND} floor FID (N={n}, same images)", f"{floor2:.2f}")]
    for family, r in payload["families"].items():
        bpd = r.get(zoo.FAMILIES[family].bpd_key) if family in zoo.FAMILIES else None
        second = r.get(fid_key(SECOND))
        table.append((f"{family}", f"FID {r['fid']:.2f} ({r['fid'] / floor:.1f}× floor), "
                                   + (f"{SECOND} FID {second:.2f} ({second / floor2:.1f}× its floor), "
                                      if second is not None and floor2 else "")
                                   + f"P {r['precision']:.2f} R {r['recall']:.2f} D {r['density']:.2f} "
                                   f"C {r['coverage']:.2f}, cond. acc {r['conditional_accuracy']:.3f}, "
                                   f"min class share {r['unconditional_min_share']:.3f}, "
                                   f"NFE {r['nfe']}, 16 images {r['ms_16_images']:.0f} ms"
                                   + (f" ({r['ms_16_images_no_guidance']:.0f} ms unguided)"
                                      if "ms_16_images_no_guidance" in r else "")
                                   + (f", {bpd:.3f} bits/dim" if bpd else "")))
    if "diffusion_steps" in payload:
        c = payload["diffusion_steps"]
        for sampler, v in c["samplers"].items():
            table.append((f"diffusion {sampler} FID at {c['steps']} steps (N={c['n']}, floor {c['floor']:.2f})",
                          ", ".join(f"{x:.2f}" for x in v["fid"])))
        if "ddpm_1000" in c:
            table.append(("diffusion DDPM 1000 steps", f"{c['ddpm_1000']:.2f}"))
        else:
            table.append(("diffusion DDPM 1000 steps", "not measured yet (`python -m benchmarks zoo --ddpm1000-only`)"))
    save("zoo", {k: v for k, v in payload.items() if k not in ("benchmark", "when", "machine")}, table)
    return payload
