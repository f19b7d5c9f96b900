"""Latent-space models: reconstruction quality on the test split and interactive latencies.

Per shipped autoencoder: reconstruction MSE on all 10k test images (pixels in [0, 1]), KL and
the ELBO bound for VAEs, codebook usage/perplexity for the VQ-VAE; encode + decode of 16
images and a 10-frame interpolation between two test images (median of repeats, on the
machine named in the results). Target from the issue: 10-frame interpolation ≤ 0.2 s on 2 CPU cores.
"""

from __future__ import annotations

from benchmarks.common import repeat, save
from models.core import checkpoints, data
from models.latent.autoencoders import SHIPPED, LatentModel, evaluate

INTERPOLATION_TARGET_S = 0.2


def measure(name: str, test: data.Split, repeats: int) -> dict:
    model = LatentModel.load(name)
    sixteen = test.images[:16]
    a, b = test.images[0], test.images[1]
    model.reconstruct(sixteen)  # warm-up
    model.interpolate(a, b, 10)
    def codec_once() -> None:
        model.reconstruct(sixteen)

    def walk_once() -> None:
        model.interpolate(a, b, 10)

    codec, walk = repeat(codec_once, repeats), repeat(walk_once, repeats)
    trained = checkpoints.load_metrics(name)
    return {**evaluate(model, test.images), "kind": model.kind, "latent": model.config.code_size,
            "beta": model.config.beta if model.kind == "vae" else None,
            "ms_encode_decode_16": codec["median_s"] * 1000,
            "ms_encode_decode_16_spread": [codec["min_s"] * 1000, codec["max_s"] * 1000],
            "ms_interpolation_10": walk["median_s"] * 1000,
            "ms_interpolation_10_spread": [walk["min_s"] * 1000, walk["max_s"] * 1000],
            "parameters": trained.get("parameters"), "epochs": trained.get("epochs"),
            "train_wall_time_s": trained.get("wall_time_s")}


def run(repeats: int = 5, names: tuple[str, ...] = tuple(SHIPPED)) -> dict:
    import torch

    torch.set_num_threads(min(2, torch.get_num_threads()))
    test = data.load_shipped("test")
    results = {name: measure(name, test, repeats) for name in names}
    table = []
    for name, r in results.items():
        extra = (f", KL {r['test_kl_nats']:.1f} nats, ≤ {r['test_bpd_bound']:.2f} bits/dim" if r["kind"] == "vae" else
                 f", {r['codebook_used']} codes used, perplexity {r['codebook_perplexity']:.1f}"
                 if r["kind"] == "vqvae" else "")
        table.append((name, f"MSE {r['test_mse']:.4f}{extra}; 16 enc+dec {r['ms_encode_decode_16']:.1f} ms; "
                            f"10-frame interpolation {r['ms_interpolation_10']:.1f} ms"))
    worst = max(r["ms_interpolation_10"] for r in results.values()) / 1000
    table.append(("10-frame interpolation target", f"≤ {INTERPOLATION_TARGET_S} s: worst model {worst:.3f} s "
                                                   f"({'met' if worst <= INTERPOLATION_TARGET_S else 'missed'})"))
    save("latent", {"models": results, "interpolation_target_s": INTERPOLATION_TARGET_S}, table)
    return results
