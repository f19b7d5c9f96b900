"""Your own pictures (issue 23), the models side: every bad picture, class set and zip is refused with its
code; the quality measure falls as the model learns (and not when it cannot); runs are seeded without
the global RNG, safe in two threads at once; a saved model loaded again draws the same samples."""

from __future__ import annotations

import io
import json
import threading
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from benchmarks.own_images import drawings
from models.core import model_zip
from models.image import own_images as oi
from tests.inputs import corpus

FAST = dict(round_steps=4, batch_size=16)


def png(image: np.ndarray | Image.Image) -> bytes:
    return corpus.encode(image if isinstance(image, Image.Image) else Image.fromarray(image))


@pytest.fixture(scope="module")
def classes() -> list[tuple[str, list[np.ndarray]]]:
    return drawings(24, seed=1)


@pytest.fixture(scope="module")
def image_set(classes) -> oi.ImageSet:
    return oi.build_set(classes)


def trained(image_set, family: str, rounds: int = 2, **overrides) -> oi.OwnImagesRun:
    run = oi.OwnImagesRun.create(image_set, oi.OwnImagesConfig(family=family, **{**FAST, **overrides}))
    for _ in range(rounds):
        run.train_round()
    return run


@pytest.fixture(scope="module", params=oi.FAMILIES)
def run(request, image_set) -> oi.OwnImagesRun:
    return trained(image_set, request.param)


def code_of(call, *args) -> tuple[str, dict]:
    with pytest.raises(oi.OwnImagesError) as caught:
        call(*args)
    return caught.value.code, caught.value.params


# --- class names ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "code"), [("", "name_empty"), ("   \t", "name_empty"), (None, "name_empty"),
                                            ("x" * (oi.MAX_NAME_CHARS + 1), "name_long"),
                                            ("a/b", "name_chars"), ("<b>bold</b>", "name_chars"),
                                            ("tab\there", "name_chars"), ("quote'", "name_chars"),
                                            ("..", "name_chars"), ("zero\u200bwidth", "name_chars")])
def test_bad_class_names_are_refused(name, code):
    assert code_of(oi.check_name, name)[0] == code


def test_good_class_names_are_cleaned():
    assert oi.check_name("  동그라미 ") == "동그라미"
    assert oi.check_name("T-shirt (2)") == "T-shirt (2)"
    assert oi.check_name("\u1112\u1161\u11ab") == "한"  # decomposed Hangul → NFC


# --- class sets ----------------------------------------------------------------------------------
def blank(n: int) -> list[np.ndarray]:
    return [np.zeros((28, 28), np.uint8)] * n


@pytest.mark.parametrize(("make", "code", "params"), [
    (lambda: [("a", blank(12))], "one_class", {"name": "a", "n": 1}),
    (lambda: [], "one_class", {"n": 0}),
    (lambda: [(str(i), blank(3)) for i in range(6)], "too_many_classes", {"n": 6}),
    (lambda: [("a", blank(6)), (" ", blank(6))], "name_empty", {"position": 2}),
    (lambda: [("a", blank(6)), ("b/c", blank(6))], "name_chars", {"position": 2}),
    (lambda: [("x" * 30, blank(6)), ("b", blank(6))], "name_long", {"position": 1}),
    (lambda: [("Cat", blank(6)), ("cat ", blank(6))], "name_duplicate", {"name": "cat", "first": 1, "second": 2}),
    (lambda: [("a", blank(8)), ("b", blank(2))], "class_small", {"name": "b", "n": 2}),
    (lambda: [("a", blank(4)), ("b", blank(5))], "too_few", {"n": 9, "minimum": oi.MIN_IMAGES}),
    (lambda: [("a", blank(200)), ("b", blank(101))], "too_many", {"n": 301, "maximum": oi.MAX_IMAGES}),
])
def test_bad_class_sets_are_refused_with_their_code(make, code, params):
    got, got_params = code_of(oi.build_set, make())
    assert got == code and params.items() <= got_params.items()


def test_a_good_set_has_labels_in_class_order(classes, image_set):
    assert image_set.names == ("circle", "cross") and image_set.images.dtype == np.uint8
    assert image_set.images.shape == (24, 28, 28) and image_set.labels.dtype == np.int64
    assert image_set.counts() == [12, 12] and (image_set.images[image_set.labels == 1] == classes[1][1]).all()


# --- pictures ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "make", "code"), corpus.BAD_IMAGES, ids=[n for n, _, _ in corpus.BAD_IMAGES])
def test_bad_pictures_pass_their_code_and_file_name(name, make, code):
    got, params = code_of(oi.read_image, make(), "내 사진\u202e.png")
    assert got == code and params["file"] == "내 사진.png"  # the bidi override is not shown


def test_pictures_are_converted_and_say_so():
    small = oi.read_image(png(np.full((28, 28), 200, np.uint8) * np.eye(28, dtype=np.uint8)), "gray.png")
    assert small.image.shape == (28, 28) and not small.converted and small.source_mode == "L"
    big = oi.read_image(png(Image.fromarray(corpus.shirt(120, 160)).convert("RGB")), "shirt.png")
    assert big.converted and big.source_size == (120, 160) and big.source_mode == "RGB" and big.image.max() > 0


def test_canvas_drawing_and_blank_canvas():
    assert oi.read_canvas(np.zeros((280, 280, 4), np.uint8)) is None
    drawn = np.zeros((280, 280, 4), np.uint8)
    drawn[100:180, 130:150] = 255
    image = oi.read_canvas(drawn)
    assert image.shape == (28, 28) and image.dtype == np.uint8 and image.max() > 200


# --- zips of class folders -----------------------------------------------------------------------
zip_of = corpus.zip_of


def folders(n: int = 3, root: str = "") -> dict[str, bytes]:
    picture = png(corpus.shirt(30, 40))
    return {f"{root}{cls}/{i}.png": picture for cls in ("원", "cross") for i in range(n)}


def test_a_zip_of_class_folders_is_read_in_its_order():
    extras = {"__MACOSX/._x": b"junk", "cross/.DS_Store": b"junk"}
    for raw in (zip_of(folders()), zip_of({**folders(root="my pictures/"), **extras})):
        got = oi.read_images_zip(raw)
        assert [name for name, _ in got] == ["원", "cross"] and [len(p) for _, p in got] == [3, 3]
        assert all(p.converted and p.image.shape == (28, 28) for _, pictures in got for p in pictures)


BAD_ZIPS = {
    "empty": (lambda: b"", "zip_empty"),
    "not a zip": (lambda: png(corpus.shirt()), "not_zip"),
    "too large": (lambda: b"PK" + b"\0" * (oi.MAX_IMAGES_ZIP_BYTES + 1), "zip_size"),
    "a picture outside a folder": (lambda: zip_of({**folders(), "loose.png": b"x"}), "zip_unknown"),
    "a text file": (lambda: zip_of({**folders(), "cross/notes.txt": b"hello"}), "zip_unknown"),
    "folders too deep": (lambda: zip_of({"a/b/c/1.png": b"x"}), "zip_name"),
    "two top folders, deeper": (lambda: zip_of({**folders(root="x/"), **folders(root="y/")}), "zip_unknown"),
    "mixed depths": (lambda: zip_of({**folders(), **folders(root="x/")}), "zip_unknown"),
    "no pictures": (lambda: zip_of({"__MACOSX/._x": b"x"}), "zip_unknown"),
    "path traversal": (lambda: zip_of({**folders(), "../etc/1.png": b"x"}), "zip_name"),
    "absolute path": (lambda: zip_of({"/etc/1.png": b"x"}), "zip_name"),
    "hidden folder": (lambda: zip_of({".git/1.png": b"x"}), "zip_name"),
    "encrypted": (lambda: corpus.flag_encrypted(zip_of(folders())), "zip_encrypted"),
    "zip bomb": (lambda: zip_of({**folders(), "cross/big.png": bytes(12 * 2**20)}), "zip_bomb"),
    "too many pictures": (lambda: zip_of({f"a/{i}.png": b"x" for i in range(oi.MAX_IMAGES + 1)}), "too_many"),
    "bad folder name": (lambda: zip_of({"a<b>/1.png": png(corpus.shirt())}), "name_chars"),
    "a HEIC photo inside": (lambda: zip_of({**folders(), "cross/photo.jpg": corpus.heif()}), "heic"),
    "a broken picture inside": (lambda: zip_of({**folders(), "cross/b.png": b"\x89PNG\r\n\x1a\n" + bytes(64)}),
                                "not_image"),
}


@pytest.mark.parametrize("case", list(BAD_ZIPS))
def test_bad_picture_zips_are_refused_with_their_code(case):
    make, code = BAD_ZIPS[case]
    got, params = code_of(oi.read_images_zip, make())
    assert got == code
    if code in ("heic", "not_image"):
        assert params["file"].startswith("cross/")


def test_unpacked_size_of_all_pictures_is_bounded(monkeypatch):
    monkeypatch.setattr(oi, "MAX_UNPACKED_BYTES", 200)
    assert code_of(oi.read_images_zip, zip_of(folders()))[0] == "zip_bomb"


# --- training and the measure --------------------------------------------------------------------
def test_history_grows_one_row_per_round(run):
    h = run.history
    assert run.rounds == 2 and len(h["seconds"]) == len(h["quality"]) == len(h["samples"]) == 3
    assert all(len(v) == 2 for v in h["losses"].values()) and set(h["losses"]) == set(run.loss_names)
    assert h["seconds"][0] == 0.0 and h["seconds"][-1] == run.seconds > 0
    assert all(s.shape == (oi.GRID, 28, 28) and s.dtype == np.uint8 for s in h["samples"])
    assert run.trainable and run.parameters > 10_000 and run.quality_name.startswith("MMD²")
    assert 0 < run.quality_floor < h["quality"][0]


@pytest.mark.parametrize(("family", "rounds"), [("vae", 6), ("gan", 40)])
def test_quality_halves_as_the_model_learns(image_set, family, rounds):
    run = trained(image_set, family, rounds, round_steps=10, batch_size=32)
    quality = run.history["quality"]
    assert quality[-1] < 0.5 * quality[0], quality
    assert run.halved_at is not None and run.halved_at <= run.seconds
    first = next(i for i, q in enumerate(quality) if q <= 0.5 * quality[0])
    assert run.halved_at == run.history["seconds"][first]


def test_quality_does_not_fall_when_nothing_is_learned(image_set):
    """The measure follows the model, not the clock: with a learning rate of 0 it stays where it was."""
    run = trained(image_set, "vae", 4, round_steps=10, vae_lr=0.0)
    quality = run.history["quality"]
    assert min(quality) > 0.9 * quality[0] and run.halved_at is None


def test_the_measure_is_zero_for_the_same_pictures_and_large_for_others():
    more = oi.build_set(drawings(80, seed=2))
    f = oi.features(more.images)
    sigma = oi.median_distance(f)
    assert oi.mmd2(f, f, sigma) == pytest.approx(0.0, abs=1e-12)
    circles, crosses = f[more.labels == 0], f[more.labels == 1]
    within = oi.mmd2(circles[:20], circles[20:], sigma)  # two sets of 20 circles
    assert oi.mmd2(circles[:20], crosses[:20], sigma) > 5 * within
    assert oi.mmd2(torch.zeros_like(circles[:20]), circles[20:], sigma) > 5 * within
    assert torch.equal(oi.features(more.images[:3]), f[:3])  # fixed weights: no state, no training


def test_the_measure_ranks_blurred_and_collapsed_samples_above_the_floor():
    """Against half B: copies of B < half A (the floor) < each class's mean picture (blurred, no variety)
    < one picture per class repeated (collapsed) < the untrained model."""
    pictures = oi.build_set(drawings(50, seed=0))
    f = oi.features(pictures.images)
    sigma = oi.median_distance(f)
    a, b = oi.split_halves(pictures.labels, 1)
    labels = pictures.labels[a]

    def score(images):
        return oi.mmd2(oi.features(images), f[b], sigma)

    means = np.stack([pictures.images[pictures.labels == c].mean(0) for c in (0, 1)]).round().astype(np.uint8)
    ones = np.stack([pictures.images[pictures.labels == c][0] for c in (0, 1)])
    untrained = oi.OwnImagesRun.create(pictures, oi.OwnImagesConfig()).history["quality"][0]
    ranked = [score(pictures.images[b][:len(a)]), score(pictures.images[a]), score(means[labels]),
              score(ones[labels]), untrained]
    assert ranked == sorted(ranked) and ranked[2] > 1.5 * ranked[1], ranked


def test_split_halves_are_stratified_and_seeded(image_set):
    a, b = oi.split_halves(image_set.labels, 5)
    assert sorted(np.concatenate([a, b]).tolist()) == list(range(len(image_set.labels)))
    assert np.bincount(image_set.labels[a]).tolist() == [6, 6]
    assert np.array_equal(a, oi.split_halves(image_set.labels, 5)[0])


def test_shift_moves_pictures_without_losing_them():
    images = torch.zeros(8, 28, 28, dtype=torch.uint8)
    images[:, 10:18, 10:18] = 255
    moved = oi.shift(images, 2, torch.Generator().manual_seed(0))
    assert moved.shape == images.shape and (moved.sum((1, 2)) == images.sum((1, 2))).all()
    assert not torch.equal(moved, images) and torch.equal(oi.shift(images, 0, torch.Generator()), images)


@pytest.mark.parametrize("family", oi.FAMILIES)
def test_runs_are_seeded_and_leave_the_global_rng_alone(image_set, family):
    torch.manual_seed(123)
    np.random.seed(123)
    before, before_np = torch.random.get_rng_state(), np.random.get_state()[1].copy()
    a, b = trained(image_set, family, 2, shift=2), trained(image_set, family, 2, shift=2)
    assert torch.equal(torch.random.get_rng_state(), before) and np.array_equal(np.random.get_state()[1], before_np)
    assert a.history["quality"] == b.history["quality"] and a.history["losses"] == b.history["losses"]
    assert np.array_equal(a.samples_per_class(4, 9), b.samples_per_class(4, 9))
    other = trained(image_set, family, 2, shift=2, seed=1)
    assert not np.array_equal(other.samples_per_class(4, 9), a.samples_per_class(4, 9))
    assert not np.array_equal(a.samples_per_class(4, 9), a.samples_per_class(4, 10))


def test_two_runs_at_once_in_two_threads_match_runs_one_after_the_other(image_set):
    alone = {family: trained(image_set, family, 3).history["quality"] for family in oi.FAMILIES}
    together, errors = {}, []

    def work(family):
        try:
            together[family] = trained(image_set, family, 3).history["quality"]
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(family,)) for family in oi.FAMILIES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and together == alone


def test_samples_per_class_and_latent_map(run):
    samples = run.samples_per_class(5, seed=3)
    assert samples.shape == (2, 5, 28, 28) and samples.dtype == np.uint8
    view = run.latent_map()
    if run.config.family == "vae":
        assert view["kind"] == "encoded" and view["points"].shape == (24, 2) and view["source"] == "images"
        assert set(view["labels"].tolist()) == {0, 1} and run.class_codes.shape == (2, 2, run.config.latent_dim)
    else:
        assert view["kind"] == "walk" and view["images"].shape == (view["side"] ** 2, 28, 28) and view["label"] == 0
    assert run.latent_map() is view  # cached until the next round


def test_the_vae_draws_each_class_from_its_own_gaussian(image_set):
    run = trained(image_set, "vae", 10, round_steps=10)
    samples = run.samples_per_class(40, seed=0).astype(np.float32)
    means = [image_set.images[image_set.labels == c].astype(np.float32).mean(0) for c in (0, 1)]
    for c in (0, 1):  # each class's samples look more like that class's pictures than the other's
        mean = samples[c].mean(0)
        assert np.abs(mean - means[c]).mean() < np.abs(mean - means[1 - c]).mean()


def test_the_store_releases_dropped_runs(image_set):
    store = oi.ModelStore(1)
    first, second = trained(image_set, "vae", 0), trained(image_set, "gan", 0)
    store.put("a", first)
    store.put("b", second)
    assert store.get("a") is None and store.get("b") is second and not first.trainable and second.trainable
    assert oi.ModelStore is model_zip.ModelStore


# --- keep it: export and import ------------------------------------------------------------------
def test_a_saved_model_loaded_again_draws_the_same_samples(run):
    raw = oi.export_zip(run)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert sorted(archive.namelist()) == sorted(oi.FILES)
    loaded = oi.import_zip(raw)
    for n, seed in ((6, 0), (3, 77)):
        assert np.array_equal(loaded.samples_per_class(n, seed), run.samples_per_class(n, seed))
    assert loaded.names == run.names and loaded.config.family == run.config.family and not loaded.trainable
    assert loaded.rounds == run.rounds and loaded.history["quality"] == run.history["quality"]
    assert loaded.history["losses"] == run.history["losses"] and loaded.quality_floor == run.quality_floor
    assert all(np.array_equal(a, b) for a, b in zip(loaded.history["samples"], run.history["samples"], strict=True))
    assert loaded.parameters == run.parameters and loaded.latent_map()["kind"] == run.latent_map()["kind"]
    assert code_of(loaded.train_round)[0] == "not_trainable"
    assert oi.export_zip(loaded)  # a loaded model saves again


def files_of(run) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(oi.export_zip(run))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def with_config(run, change) -> bytes:
    files = files_of(run)
    config = json.loads(files["config.json"])
    change(config)
    return zip_of({**files, "config.json": json.dumps(config).encode()})


def with_tensors(run, change) -> bytes:
    from safetensors.torch import load, save

    files = files_of(run)
    tensors = load(files["model.safetensors"])
    change(tensors)
    return zip_of({**files, "model.safetensors": save(tensors)})


def _set(config, path, value):
    *keys, last = path.split(".")
    for key in keys:
        config = config[key]
    config[last] = value


BAD_MODELS = {
    "empty": (lambda r: b"", "zip_empty"),
    "not a zip": (lambda r: b"PK but no zip" * 9, "not_zip"),
    "extra file": (lambda r: zip_of({**files_of(r), "README.txt": b"hi"}), "zip_files"),
    "missing weights": (lambda r: zip_of({"config.json": files_of(r)["config.json"]}), "zip_files"),
    "folder": (lambda r: zip_of({f"m/{k}": v for k, v in files_of(r).items()}), "zip_name"),
    "path traversal": (lambda r: zip_of({"../config.json": b"{}", "model.safetensors": b""}), "zip_name"),
    "zip bomb": (lambda r: zip_of({**files_of(r), "config.json": b" " * 900_000}), "zip_bomb"),
    "encrypted": (lambda r: corpus.flag_encrypted(oi.export_zip(r)), "zip_encrypted"),
    "config not JSON": (lambda r: zip_of({**files_of(r), "config.json": b"{nope"}), "bad_json"),
    "own-text model": (lambda r: with_config(r, lambda c: c.update(format="genai-lab-own-text")), "bad_format"),
    "newer version": (lambda r: with_config(r, lambda c: c.update(version=2)), "bad_format"),
    "unknown family": (lambda r: with_config(r, lambda c: c.update(family="diffusion")), "bad_config"),
    "huge model": (lambda r: with_config(r, lambda c: c["model"].update(
        {k: ([4096, 4096] if k.endswith("channels") else 4096) for k in c["model"]})), "bad_config"),
    "one class": (lambda r: with_config(r, lambda c: c.update(names=["a"])), "bad_config"),
    "duplicate names": (lambda r: with_config(r, lambda c: c.update(names=["a", "A"])), "bad_config"),
    "HTML in a name": (lambda r: with_config(r, lambda c: c.update(names=["<script>", "b"])), "bad_config"),
    "seed not a number": (lambda r: with_config(r, lambda c: c.update(seed="0")), "bad_config"),
    "curve too short": (lambda r: with_config(r, lambda c: _set(c, "training.quality", [0.1])), "bad_config"),
    "rounds below zero": (lambda r: with_config(r, lambda c: _set(c, "training.rounds", -1)), "bad_config"),
    "NaN in a loss": (lambda r: with_config(r, lambda c: c["training"]["losses"][next(iter(c["training"]["losses"]))]
                                              .__setitem__(0, float("nan"))), "bad_config"),
    "pickle named safetensors": (lambda r: zip_of({**files_of(r), "model.safetensors": b"\x80\x04K\x01."}),
                                 "bad_weights"),
    "a tensor missing": (lambda r: with_tensors(r, lambda t: t.pop(next(iter(t)))), "bad_weights"),
    "a tensor too many": (lambda r: with_tensors(r, lambda t: t.update(extra=torch.zeros(1))), "bad_weights"),
    "a NaN weight": (lambda r: with_tensors(r, lambda t: next(v for v in t.values() if v.is_floating_point())
                                            .view(-1)[:1].fill_(float("nan"))), "bad_weights"),
    "another shape": (lambda r: with_tensors(r, lambda t: t.update(samples=t["samples"][:1])), "bad_weights"),
    "another type": (lambda r: with_tensors(r, lambda t: t.update(samples=t["samples"].float())), "bad_weights"),
}


@pytest.mark.parametrize("case", list(BAD_MODELS))
def test_bad_model_files_are_refused_with_their_code(run, case):
    make, code = BAD_MODELS[case]
    assert code_of(oi.import_zip, make(run))[0] == code
