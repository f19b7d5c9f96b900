"""Cached, shared model and data loaders.

``st.cache_resource`` objects are shared by every session and thread. Each model comes wrapped
in :class:`Guarded` (``with loaders.classifier() as model:``): inference reads the weights and
changes nothing, so sessions may call one model at once; what bounds the machine's load is the
gate of :mod:`dashboard.serving`, not a lock per model (a lock let one page's cheap call wait
behind another page's slow one). Deterministic views go through :func:`serving.ui.shared`:
computed once for everyone, the slow ones through the fair queue. Per-user state never goes in
here. Heavy libraries are imported inside the loaders, only when a page needs them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import streamlit as st

from dashboard.serving import shared
from models.core import checkpoints, data
from models.language import corpus
from models.melody import melody_corpus

T = TypeVar("T")

#: Errors a page turns into a friendly message instead of a traceback.
LOAD_ERRORS = (checkpoints.CheckpointError, data.FashionMNISTError, corpus.CorpusError, melody_corpus.MelodyError)


@dataclass
class Guarded(Generic[T]):
    """A shared model. ``exclusive=True`` serialises calls, for a model whose calls change it."""

    model: T
    exclusive: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __enter__(self) -> T:
        if self.exclusive:
            self.lock.acquire()
        return self.model

    def __exit__(self, *exc) -> None:
        if self.exclusive:
            self.lock.release()


@st.cache_resource(show_spinner=False)
def device() -> str:
    """CUDA when present, else CPU; ``GENAI_LAB_DEVICE`` overrides."""
    from models.core.device import pick_device

    return pick_device()


@st.cache_resource(show_spinner=False)
def test_split() -> data.Split:
    return data.load_shipped("test")


@st.cache_resource(show_spinner=False)
def train_subset() -> data.Split:
    return data.load_shipped("train10k")


@st.cache_resource(show_spinner=False)
def classifier() -> Guarded:
    from models.basics.overview import Classifier

    return Guarded(Classifier.load())


@st.cache_resource(show_spinner=False)
def gaussian() -> Guarded:
    from models.basics.overview import ClassGaussian

    return Guarded(ClassGaussian.load())


@st.cache_resource(show_spinner=False)
def metrics(name: str) -> dict:
    return checkpoints.load_metrics(name)


@st.cache_resource(show_spinner=False)
def zoo_model(family: str) -> Guarded:
    """One of the four image-model families (gan, vae, flow, diffusion)."""
    from models.image import zoo

    return Guarded(zoo.load(family, device()))


@st.cache_resource(show_spinner=False)
def bias_model(family: str) -> Guarded:
    """The unconditional GAN or VAE trained on the class-imbalanced subset (pros & cons page)."""
    from models.apps import bias

    return Guarded(bias.load(family, device()))


@st.cache_resource(show_spinner=False)
def judge() -> Guarded:
    from models.core.judge import Judge

    return Guarded(Judge.load(device()))


@shared(heavy=True)
def diffusion_trajectory(label: int, seed: int, sampler: str, steps: int, guidance: float, n: int) -> dict:
    """Cached reverse process: the same settings give the same pictures, so reuse them."""
    import time

    model = zoo_model("diffusion")
    start = time.perf_counter()
    with model as diffusion:
        result = diffusion.trajectory([label] * n, seed, sampler=sampler, steps=steps, guidance=guidance)
    return {**result, "seconds": time.perf_counter() - start}


@st.cache_resource(show_spinner=False)
def benchmark(name: str) -> dict:
    """Shipped benchmark results (``benchmarks/results/<name>.json``), or {} if not run yet."""
    import json

    path = checkpoints.ROOT / "benchmarks" / "results" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@shared(heavy=lambda family, *_, **__: family == "diffusion")
def generate(family: str, labels, seed: int, **options) -> tuple:
    """Sample with a shipped family under its lock; returns ``(images, seconds)``."""
    import time

    from models.image import zoo

    model = zoo_model(family)
    start = time.perf_counter()
    with model as m:
        images = zoo.sample(m, family, labels, seed, **options)
    return images, time.perf_counter() - start


@shared
def gan_walk(label: int, seed_a: int, seed_b: int, frames: int):
    """Decode a slerp walk in the GAN's latent space from z(seed_a) to z(seed_b)."""
    import numpy as np

    from models.latent.latent import slerp

    with zoo_model("gan") as gan:
        za, zb = gan.latent(1, seed_a)[0], gan.latent(1, seed_b)[0]
        z = slerp(za, zb, np.linspace(0, 1, frames))
        return gan.decode(z, np.full(frames, label))


@shared
def discriminator_scores(label: int, seed: int, n: int) -> dict:
    """D's raw scores on ``n`` real test images and ``n`` generated images of one class."""
    from models.core import data as d

    real = d.examples(test_split(), label, n, seed)
    labels = [label] * n
    with zoo_model("gan") as gan:
        fake = gan.sample(labels, seed)
        return {"real": real, "fake": fake, "d_real": gan.discriminate(real, labels),
                "d_fake": gan.discriminate(fake, labels)}


@st.cache_resource(show_spinner=False)
def gan_snapshots():
    """Images from a fixed z after every training epoch, (epochs, 16, 28, 28)."""
    from models.image.gan import load_snapshots

    return load_snapshots()


@shared
def flow_view(index: int) -> dict:
    """One test image through the flow: z = f(x), f⁻¹(z), exact bits/dim, class posterior; VAE bound beside."""
    import numpy as np

    from models.core import data as d

    test = test_split()
    image, label = test.images[index][None], test.labels[index][None]
    flipped = image[:, ::-1].copy()
    noise = d.noise_images(1, index)
    with zoo_model("flow") as flow:
        z = flow.encode(image)
        out = {
            "image": image[0], "z": z.reshape(28, 28).numpy(), "reconstruction": flow.decode(z)[0],
            "round_trip": flow.round_trip_error(image),
            "bpd": float(flow.bits_per_dim(image, label)[0]),
            "bpd_any": float(flow.bits_per_dim(image)[0]),
            "bpd_flipped": float(flow.bits_per_dim(flipped)[0]), "bpd_noise": float(flow.bits_per_dim(noise)[0]),
            "log_p_class": flow.log_prob_per_class(image)[0], "flipped": flipped[0],
        }
    logp = out["log_p_class"] - out["log_p_class"].max()
    out["posterior"] = np.exp(logp) / np.exp(logp).sum()
    try:
        with zoo_model("vae") as vae:
            out["vae_bpd"] = float(vae.bits_per_dim(image, label)[0])
    except LOAD_ERRORS:
        out["vae_bpd"] = None
    return out


@shared
def flow_samples(label: int, seed: int, temperature: float, n: int):
    with zoo_model("flow") as flow:
        return flow.sample([label] * n, seed, temperature=temperature)


# --- latent-space models ----------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def latent_model(name: str) -> Guarded:
    """A shipped autoencoder of the latent-space pages (``models.latent.autoencoders.SHIPPED``)."""
    from models.latent.autoencoders import LatentModel

    return Guarded(LatentModel.load(name, device()))


@shared(heavy=True)
def latent_map(name: str) -> dict:
    """The 10k test images on the model's 2-D map, with the region that holds 99 % of them."""
    import numpy as np

    test = test_split()
    with latent_model(name) as model:
        points = model.to_2d(model.encode(test.images)["code"])
    lo, hi = np.percentile(points, 0.5, axis=0), np.percentile(points, 99.5, axis=0)
    pad = 0.05 * (hi - lo)
    return {"points": points, "labels": test.labels, "lo": lo - pad, "hi": hi + pad}


@shared
def latent_decode_2d(name: str, points):
    with latent_model(name) as model:
        return model.decode_2d(points)


@shared
def latent_prior_samples(name: str, n: int, seed: int):
    with latent_model(name) as model:
        return model.sample(n, seed)


@shared
def posterior_view(name: str, image, draws: int, seed: int) -> dict:
    """One image through a VAE: μ, σ, reparameterised draws and their decodes, reconstruction, ELBO terms."""
    import numpy as np

    with latent_model(name) as model:
        out = model.posterior_draws(image, draws, seed)
        out["reconstruction"] = model.reconstruct(image[None])[0]
        terms = model.elbo_terms(image[None], seed=seed)
    out |= {key: float(value[0]) for key, value in terms.items()}
    out["error"] = np.abs(image.astype(np.float32) - out["reconstruction"].astype(np.float32)) / 255.0
    return out


@shared(heavy=True)
def latent_class_means(name: str):
    """Mean code of every class over the shipped 10k training subset."""
    from models.latent.latent import class_means

    train = train_subset()
    with latent_model(name) as model:
        codes = model.encode(train.images)["code"]
    return class_means(codes, train.labels, data.NUM_CLASSES)


@shared
def latent_interpolation(name: str, a, b, frames: int):
    with latent_model(name) as model:
        return model.interpolate(a, b, frames)


@shared
def latent_arithmetic(name: str, image, minus: int, plus: int, neighbours: int) -> dict:
    """code(image) − mean(class ``minus``) + mean(class ``plus``), decoded, with its nearest real images."""
    from models.latent.latent import nearest_neighbours

    means = latent_class_means(name)
    with latent_model(name) as model:
        code = model.encode(image[None])["code"][0] - means[minus] + means[plus]
        result = model.decode(code[None])[0]
    pool = train_subset()
    idx = nearest_neighbours(pool.images, result[None], neighbours)[0]
    return {"result": result, "neighbours": pool.images[idx], "neighbour_labels": pool.labels[idx]}


# ------------------------------------------------------------------------------------------- text
@st.cache_resource(show_spinner=False)
def text_model(name: str):
    """A shipped GPT or LSTM with its tokenizer (``TextModel`` carries its own lock), or the
    optional hub model named by ``$GENAI_LAB_HUB_LM`` at ``$GENAI_LAB_HUB_REVISION`` (``name == "hub"``)."""
    from models.language import hub
    from models.language.text import HUB, TextModel

    if name == HUB:
        attempt = _hub_attempt(hub.model_id(), hub.revision())
        if isinstance(attempt, checkpoints.HubModelError):
            raise checkpoints.HubModelError(str(attempt))
        return attempt
    return TextModel.load(name, device())


@st.cache_resource(show_spinner=False)
def _hub_attempt(model_id: str, revision: str):
    """The hub model, or the error of the one attempt to load it: a failure (offline, a wrong id)
    is remembered for these settings, so reruns do not wait on the network again."""
    from models.language.text import TextModel

    try:
        return TextModel.from_hub(model_id, revision, device())
    except checkpoints.HubModelError as exc:
        return exc


@st.cache_resource(show_spinner=False)
def tokenizer(lang: str, kind: str):
    from models.language import tokenization

    return tokenization.load(lang, kind)


@st.cache_data(show_spinner=False)
def tokenizer_stats(sample_chars: int = 50_000) -> dict[str, dict[str, float]]:
    """Characters per token of every tokenizer on the start of each validation corpus."""
    from models.language import tokenization

    samples = {lang: corpus.load(lang, "valid")[:sample_chars] for lang in corpus.LANGS}
    return {f"{lang}_{kind}": {text_lang: tokenization.chars_per_token(tokenizer(lang, kind), sample)
                               for text_lang, sample in samples.items()}
            for lang in corpus.LANGS for kind in tokenization.KINDS}


@shared(heavy=True)
def decoding_compare(name: str, prompt: str, temperature: float, top_k: int, top_p: float, seed: int,
                     n: int, beams: int = 4) -> dict[str, str]:
    """Greedy, sampling and (Transformer only) beam search continuations of one prompt."""
    from models.language import text

    tm = text_model(name)
    out = {"greedy": text.generate(tm, prompt, text.Decoding(greedy=True), n, seed)[0],
           "sample": text.generate(tm, prompt, text.Decoding(temperature, top_k, top_p), n, seed)[0]}
    if tm.arch == "gpt":
        out["beam"] = text.beam_search(tm, prompt, beams, n)
    return out


@shared(heavy=True)
def hallucinations(name: str) -> list[dict]:
    from models.language import text

    return text.hallucinations(text_model(name))


@shared
def attention_view(name: str, prompt: str, max_tokens: int) -> dict:
    """Tokens of the prompt (at most ``max_tokens``, the first ones) and attention (layers, heads, T, T)."""
    tm = text_model(name)
    ids, _ = tm.encode(prompt)
    ids = ids[:max_tokens]
    return {"tokens": [tm.decode([i]) for i in ids], "maps": tm.attentions(ids)}


# --- applications (inpainting, super-resolution, editing) -------------------------------------------


def _quality(results: dict, original) -> dict[str, dict[str, float]]:
    """PSNR and SSIM of each result image against the original."""
    from models.apps import editing

    return {name: {k: float(v[0]) for k, v in editing.quality(image, original).items()}
            for name, image in results.items()}


@shared(heavy=True)
def inpainting(image, mask, label: int, seed: int) -> dict:
    """Fill the masked part of one image with the diffusion model and with the VAE baseline; PSNR/SSIM."""
    import time

    from models.apps import editing

    start = time.perf_counter()
    with zoo_model("diffusion") as diffusion:
        filled = editing.inpaint(diffusion, image, mask, label, seed)[0]
    seconds = time.perf_counter() - start
    with zoo_model("vae") as vae:
        baseline = editing.inpaint_vae(vae, image, mask, label)[0]
    results = {"diffusion": filled, "vae": baseline}
    return {"images": results, "seconds": seconds, "quality": _quality(results, image)}


@shared(heavy=True)
def super_resolution(image, factor: int, label: int, seed: int) -> dict:
    """Shrink one image by ``factor``, then bring it back to 28×28 by bicubic and by the diffusion model."""
    import time

    from models.apps import editing

    small = editing.downsample(image, factor)
    start = time.perf_counter()
    with zoo_model("diffusion") as diffusion:
        restored = editing.super_resolve(diffusion, small, label, seed)[0]
    seconds = time.perf_counter() - start
    results = {"bicubic": editing.bicubic(small)[0], "diffusion": restored}
    return {"small": small[0], "images": results, "seconds": seconds, "quality": _quality(results, image)}


@shared(heavy=True)
def sdedit_strengths(image, target: int, strengths: tuple[float, ...], seed: int) -> dict:
    """SDEdit of one image toward ``target`` at several strengths; the judge's P(target) and SSIM to the input."""
    import numpy as np

    from models.apps import editing

    with zoo_model("diffusion") as diffusion:
        runs = [editing.sdedit(diffusion, image, target, s, seed) for s in strengths]
    edited = np.stack([r["images"][0] for r in runs])
    with judge() as j:
        p_target = j.predict_proba(edited)[:, int(target)]
    return {"images": edited, "starts": np.stack([r["start"][0] for r in runs]),
            "t_start": [r["t_start"] for r in runs], "p_target": p_target.tolist(),
            "ssim": editing.quality(edited, np.repeat(np.asarray(image)[None], len(runs), 0))["ssim"].tolist()}


# ------------------------------------------------------------------------------------------ music
@st.cache_resource(show_spinner=False)
def melody_model():
    """The shipped melody GPT (``MelodyModel`` carries its own lock)."""
    from models.melody.music import MelodyModel

    return MelodyModel.load(device=device())


@st.cache_resource(show_spinner=False)
def melodies(split: str) -> list:
    return melody_corpus.load(split)


@st.cache_resource(show_spinner=False)
def melody_baseline(order: int):
    """Unigram (1) or bigram (2) token table of the training tunes."""
    from models.melody import music

    return music.NGram.fit([music.melody_tokens(m) for m in melodies("train")], order)


def _rendered(tokens: list[int], given_steps: int, bpm: int, seconds: float | None = None) -> dict:
    from models.melody import music

    notes = music.decode(tokens)
    return {"tokens": tokens, "notes": notes, "given_steps": given_steps, "roll": music.piano_roll(notes, given_steps),
            "wav": music.render_wav(notes, bpm), "stats": music.note_statistics(notes), "seconds": seconds,
            "duration": music.duration_seconds(notes, bpm)}


@shared(heavy=True)
def melody(mode: str, bars: int, temperature: float, seed: int, start: tuple, bpm: int) -> dict:
    """A generated melody (tokens, notes, piano roll, WAV bytes, statistics); cached per settings."""
    import time

    began = time.perf_counter()
    tokens = melody_model().sample(mode, bars, temperature, seed, start)
    return _rendered(tokens, sum(d for _, d in start), bpm, time.perf_counter() - began)


@shared(heavy=True)
def melody_references(index: int, mode: str, bars: int, seed: int, bpm: int) -> dict:
    """Held-out tune ``index`` (its first ``bars`` bars) and a unigram-table sample of the same length."""
    from models.melody import music

    tune = melodies("valid")[index]
    real = music.melody_tokens(tune)[: bars * music.STEPS_PER_BAR + 1]
    unigram = melody_baseline(1).sample(mode, bars * music.STEPS_PER_BAR, seed)
    return {"real": _rendered(real, 0, bpm), "unigram": _rendered(unigram, 0, bpm), "title": tune.title,
            "name": tune.name, "mode": tune.mode}
