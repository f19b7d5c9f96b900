"""The measured numbers the lesson's words quote, read from the shipped results when they are shown.

``lesson.q.<stem>.ask`` and ``.why`` (assets/i18n/<lang>/lesson.json) hold placeholders such as
``{fid}``; :func:`figures` fills them from the results files (benchmarks/results/*.json,
assets/checkpoints/*/metrics.json) or, for a few answers about one test image, from the shipped
models themselves, so a rerun benchmark updates the lesson with it. ``cheap=True`` (the question, the
lesson path) reads files only; the answer's figures are computed when a student asks for the answer.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dashboard.core import loaders
from models.core.judge_keys import SECOND, fid_key

Figures = dict[str, str]


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _zoo() -> dict:
    return loaders.benchmark("zoo").get("families", {})


def overview(lang: str) -> Figures:
    from models.basics.overview import CLASSIFIER, GAUSSIAN

    return {"disc": _pct(loaders.metrics(CLASSIFIER)["test_accuracy"]),
            "gen": _pct(loaders.metrics(GAUSSIAN)["bayes_test_accuracy"])}


def probability(lang: str) -> Figures:
    from dashboard.lab2d import prob_view

    x = prob_view.data_1d()
    return {"mixture": f"{prob_view.log_likelihood(prob_view.best_1d(True), x):.2f}",
            "single": f"{prob_view.log_likelihood(prob_view.best_1d(False), x):.2f}"}


def gan(lang: str) -> Figures:
    m = loaders.metrics("gan")
    detector = loaders.benchmark("risks")["families"]["gan"]["detector_accuracy"]
    return {"real": f"{m['d_real'][-1]:+.2f}", "fake": f"{m['d_fake'][-1]:+.2f}", "detector": _pct(detector)}


def autoencoder(lang: str) -> Figures:
    models = loaders.benchmark("latent")["models"]
    one, four = models["vae16_beta1"], models["vae16_beta4"]
    return {"mse1": f"{one['test_mse']:.4f}", "mse4": f"{four['test_mse']:.4f}",
            "kl1": f"{one['test_kl_nats']:.1f}", "kl4": f"{four['test_kl_nats']:.1f}"}


def latent_map(lang: str) -> Figures:
    vq = loaders.benchmark("latent")["models"]["vqvae"]
    return {"k": str(len(vq["codebook_usage"])), "perplexity": f"{vq['codebook_perplexity']:.1f}"}


def interpolation(lang: str) -> Figures:
    from dashboard.latent import loaders as latent_loaders
    from models.latent.autoencoders import MAIN_VAE

    test = loaders.test_split()
    first = latent_loaders.latent_interpolation(MAIN_VAE, test.images[0], test.images[1], 3)[0]
    return {"error": _pct(np.abs(first.astype(float) - test.images[0].astype(float)).mean() / 255)}


def flow(lang: str) -> Figures:
    from dashboard.image import loaders as image_loaders

    view = image_loaders.flow_view(0)
    return {"image": f"{view['bpd']:.2f}", "noise": f"{view['bpd_noise']:.2f}"}


def diffusion(lang: str) -> Figures:
    from dashboard.image import loaders as image_loaders

    with image_loaders.zoo_model("diffusion") as model:
        levels = model.noise_levels(999)
    return {"signal": f"{levels['signal']:.5f}", "noise": f"{levels['noise']:.2f}"}


def compare(lang: str) -> Figures:
    fams = _zoo()
    others = [f for f in fams if f != "diffusion"]
    fids = [fams[f]["fid"] for f in others]
    second = fid_key(SECOND)  # the second judge, on its own scale
    fids2 = [fams[f].get(second, float("nan")) for f in others]
    ms = [fams[f]["ms_16_images"] for f in others]
    return {"fid": f"{fams['diffusion']['fid']:.1f}", "fid_lo": f"{min(fids):.0f}", "fid_hi": f"{max(fids):.0f}",
            "fid2": f"{fams['diffusion'].get(second, float('nan')):.1f}", "fid2_lo": f"{min(fids2):.1f}",
            "fid2_hi": f"{max(fids2):.1f}",
            "seconds": f"{fams['diffusion']['ms_16_images'] / 1000:.1f}", "ms_lo": f"{min(ms):.0f}",
            "ms_hi": f"{max(ms):.0f}", "nfe": str(fams["diffusion"]["nfe"])}


def tokens(lang: str) -> Figures:
    from dashboard.language import loaders as language_loaders

    stats = language_loaders.tokenizer_stats()
    return {"cross": f"{stats['en_bpe']['ko']:.2f}", "ko": f"{stats['ko_bpe']['ko']:.2f}",
            "en": f"{stats['en_bpe']['en']:.2f}"}


def transformer_vs_rnn(lang: str) -> Figures:
    models = loaders.benchmark("text")["models"]
    gpt, lstm = models["gpt_en"], models["lstm_en"]
    return {"lstm": f"{lstm['tokens_per_s']:.0f}", "gpt": f"{gpt['tokens_per_s']:.0f}",
            "gpt_loss": f"{gpt['valid_nats_per_token']:.2f}", "lstm_loss": f"{lstm['valid_nats_per_token']:.2f}"}


def music(lang: str) -> Figures:
    from models.melody import music as melody

    m = loaders.metrics(melody.NAME)
    return {"gpt": f"{m['valid_nats_per_token']:.2f}", "bigram": f"{m['baselines']['bigram']['nats_per_token']:.2f}",
            "unigram": f"{m['baselines']['unigram']['nats_per_token']:.2f}",
            "uniform": f"{m['uniform_nats_per_token']:.2f}"}


def lab_2d(lang: str) -> Figures:
    bench = loaders.benchmark("lab2d")
    modes = bench["modes"]["gan"]["modes"]
    return {"steps": f"{bench['steps']:,}", "runs": ", ".join(str(m) for m in modes), "n": str(len(modes))}


def pipeline(lang: str) -> Figures:
    from models.core import data

    fams = loaders.benchmark("pipeline")["families"]
    vae, gan_ = fams["vae"], fams["gan"]
    names = data.CLASS_NAMES[lang]
    return {"classes": ", ".join(names[c] for c in vae["config"]["classes"]),
            "per_class": str(vae["config"]["per_class"]),
            "vae0": f"{vae['fid_untrained']:,.0f}", "vae10": f"{vae['fid_final']:,.0f}",
            "gan0": f"{gan_['fid_untrained']:,.0f}", "gan10": f"{gan_['fid_final']:,.0f}",
            "floor": f"{vae['fid_floor']:.1f}", "epochs": str(vae["epochs"])}


def applications(lang: str) -> Figures:
    from dashboard.apps import loaders as apps_loaders
    from models.apps import editing

    test = loaders.test_split()
    mask = editing.rect_mask(8, 4, 20, 24)  # the page's default rectangle
    quality = apps_loaders.inpainting(test.images[0], editing.check_mask(mask), int(test.labels[0]), 0)["quality"]
    return {"diffusion": f"{quality['diffusion']['psnr']:.1f}", "vae": f"{quality['vae']['psnr']:.1f}"}


def augmentation(lang: str) -> Figures:
    bench = loaders.benchmark("augment")
    cond, config = bench["conditions"], bench["config"]
    real = cond["real"]["mean"]
    return {"real_n": str(config["real_per_class"]), "synth_n": str(config["synthetic_per_class"]),
            "real": _pct(real), "best": _pct(cond["real+diffusion"]["mean"]),
            **{f"gain_{f}": f"{100 * (cond[f'real+{f}']['mean'] - real):.1f}"
               for f in ("gan", "vae", "flow", "diffusion")}}


def pros_cons(lang: str) -> Figures:
    b = loaders.benchmark("risks")["bias"]["gan"]
    return {"train": _pct(b["training"][b["majority"]]), "generated": _pct(b["generated"][b["majority"]]),
            "amplification": f"{b['majority_amplification']:.2f}", "rare_train": _pct(b["rare_training"]),
            "rare_generated": _pct(b["rare_generated"])}


def pros_cons_ask(lang: str) -> Figures:
    b = loaders.benchmark("risks")["bias"]["gan"]
    return {"train": f"{100 * b['training'][b['majority']]:.0f}"}


#: Page stem → its answer's figures (computed on request: some run a shipped model on one image).
WHY: dict[str, Callable[[str], Figures]] = {f.__name__: f for f in (
    overview, probability, gan, autoencoder, latent_map, interpolation, flow, diffusion, compare, tokens,
    transformer_vs_rnn, music, lab_2d, pipeline, applications, augmentation, pros_cons)}

#: Page stem → the figures its question quotes (files only: the lesson path shows every question).
ASK: dict[str, Callable[[str], Figures]] = {"latent_map": latent_map, "lab_2d": lab_2d, "augmentation": augmentation,
                                           "pros_cons": pros_cons_ask}


def figures(stem: str, lang: str, part: str = "why") -> Figures:
    """The placeholders of ``lesson.q.<stem>.<part>`` (``why`` or ``ask``) in ``lang``; ``{}`` when none."""
    table = WHY if part == "why" else ASK
    return table[stem](lang) if stem in table else {}
