"""Your own pictures (issue 23) through app.py: pictures uploaded, drawn or zipped train a VAE or GAN live in
both languages; a downloaded model uploaded again draws the same samples; every bad input gets its translated
warning and leaves the pictures, the names and the model as they were."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image, ImageDraw

from dashboard.core.i18n import strings
from dashboard.image import own_images_view as view
from models.image import own_images
from tests.pages.conftest import assert_in_language, run_app, ui_texts

PAGE = "pages/own_images.py"


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    """One- and two-second runs and a store of our own: fast and isolated."""
    monkeypatch.setattr(own_images, "SECONDS", (1, 2))
    monkeypatch.setattr(own_images, "MAX_SECONDS", 2)
    monkeypatch.setattr(view, "STORE", own_images.ModelStore(4))


def shape(kind: str, i: int, size: int = 28, mode: str = "L", fmt: str = "PNG") -> bytes:
    """A drawing as a user would upload it: a circle or a cross, dark on light, a little different each time."""
    rng = np.random.default_rng(i)
    image = Image.new("L", (size, size), 255)
    pen = ImageDraw.Draw(image)
    a, b = int(size * rng.uniform(0.15, 0.3)), int(size * rng.uniform(0.7, 0.85))
    width = max(2, int(rng.integers(2, 5)) * size // 28)
    if kind == "circle":
        pen.ellipse((a, a, b, b), outline=0, width=width)
    else:
        pen.line((a, a, b, b), fill=0, width=width)
        pen.line((a, b, b, a), fill=0, width=width)
    out = io.BytesIO()
    image.convert(mode).save(out, fmt)
    return out.getvalue()


def files(kind: str, n: int, start: int = 0, **kwargs) -> list[tuple[str, bytes, str]]:
    return [(f"{kind}{i}.png", shape(kind, start + i, **kwargs), "image/png") for i in range(n)]


def upload(at, slot: int, items) -> None:
    at.file_uploader(key=view.upload_key(slot, at.session_state)).set_value(items).run()


def collected(at, n: int = 8, lang: str = "en"):
    """A session with ``n`` circles and ``n`` crosses uploaded (RGB and odd sizes among them)."""
    at = at or run_app(lang, PAGE)
    upload(at, 0, files("circle", n))
    upload(at, 1, files("cross", n - 2) + files("cross", 2, start=50, size=90, mode="RGB"))
    assert not at.exception, [e.value for e in at.exception]
    return at


def counts(at) -> list[int]:
    held = at.session_state[view.PICS]
    return [len(held.get(i, [])) for i in range(at.session_state[view.K])]


def session_run(at) -> own_images.OwnImagesRun | None:
    return view.STORE.get(at.session_state[view.KEY]) if view.KEY in at.session_state else None


def warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def prefix(lang: str, key: str) -> str:
    return strings(lang)[key].split("{")[0][:20]


def trained(lang: str = "en", family: int = 0):
    at = collected(None, lang=lang)
    if family:
        at.radio(key="_url_fam").set_value(family).run()
    at.button(key="oi_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning, warnings(at)
    return at


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_page_waits_for_pictures_with_default_names(lang):
    s = strings(lang)
    at = run_app(lang, PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert [at.text_input(key=f"oi_name_{i}").value for i in range(2)] == s["ownimages.default_names"].split("|")[:2]
    assert s["ownimages.not_trained"] in [i.value for i in at.info]
    assert s["ownimages.samples.none"] in [i.value for i in at.info]
    assert at.button(key="oi_stop").disabled and not at.button(key="oi_train").disabled
    assert_in_language(ui_texts(at), lang)


@pytest.mark.parametrize(("lang", "family"), [("ko", 0), ("en", 1)])
def test_uploaded_pictures_train_live_and_give_samples_per_class(lang, family):
    s = strings(lang)
    at = collected(None, lang=lang)
    assert counts(at) == [8, 8]
    assert s["ownimages.converted"].format(n=2) in [i.value for i in at.info]  # the RGB 90×90 ones
    at.text_input(key="oi_name_1").set_value("별_#1 (b)" if lang == "ko" else "star_#1 (b)").run()
    if family:
        at.radio(key="_url_fam").set_value(family).run()
    at.button(key="oi_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning, warnings(at)
    run = session_run(at)
    assert run is not None and run.rounds >= 1 and run.seconds >= 2 - 0.5
    assert run.config.family == own_images.FAMILIES[family]
    second = "별_#1 (b)" if lang == "ko" else "star_#1 (b)"  # Markdown characters: shown as typed
    assert list(run.names) == [s["ownimages.default_names"].split("|")[0], second]
    assert any(second in img.caption.replace("\\", "") for e in at.main.get("image") for img in e.proto.imgs)
    assert not at.session_state[view.RUNNING]
    # the five stages are drawn: loss and quality curves, the latent map, the data and the rounds' samples
    assert len(at.get("plotly_chart")) == (3 if run.config.family == "vae" else 2)
    captions = " ".join(c.value for c in at.caption)
    assert s["ownimages.done"].format(s=f"{run.seconds:.0f}") in captions
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[s["ownimages.metric.rounds"]] == f"{run.rounds:,}"
    # the key figure: eight samples of every class, with a PNG download and the model's zip
    assert any(img.caption.startswith(s["ownimages.samples.caption"].split("(")[0].split("{")[0])
               for element in at.main.get("image") for img in element.proto.imgs)
    assert at.button(key="oi_train").disabled is False
    assert [b for b in at.get("download_button") if b.proto.label == s["ownimages.download"]]


def test_a_drawing_joins_its_class_and_the_canvas_starts_again():
    at = run_app("en", PAGE)
    before = view.canvas_key(0, at.session_state)
    drawing = np.zeros((28, 28), np.uint8)
    drawing[6:22, 13:15] = 255
    at.session_state[view.DRAWN] = {0: drawing}  # what the canvas sent (the browser test draws for real)
    at.button(key="oi_add_0").click().run()
    assert not at.exception and counts(at) == [1, 0]
    assert np.array_equal(at.session_state[view.PICS][0][0], drawing)
    assert view.canvas_key(0, at.session_state) != before  # a fresh canvas for the next drawing
    at.button(key="oi_add_0").click().run()  # nothing drawn on the fresh canvas: a message, nothing added
    assert warnings(at) == [strings("en")["ownimages.blank"]] and counts(at) == [1, 0]
    at.button(key="oi_pop_0").click().run()
    assert counts(at) == [0, 0]


def test_a_zip_of_class_folders_fills_the_classes():
    at = run_app("en", PAGE)
    upload(at, 0, files("circle", 2))
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        for i in range(5):
            archive.writestr(f"circle/c{i}.png", shape("circle", 100 + i))
            archive.writestr(f"cross/x{i}.png", shape("cross", 100 + i))
            archive.writestr(f"wave/w{i}.png", shape("cross", 200 + i, size=40))
    at.file_uploader(key=view.zip_key(at.session_state)).set_value(("shapes.zip", raw.getvalue(),
                                                                         "application/zip")).run()
    assert not at.exception and not at.warning, warnings(at)
    assert at.session_state[view.K] == 3 and at.text_input(key="oi_name_2").value == "wave"
    assert counts(at) == [7, 5, 5]  # the circles joined the two uploaded before


def _heic() -> bytes:
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)


def _gif() -> bytes:
    frames = [Image.new("L", (20, 20), v) for v in (0, 128, 255)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def _odd_zip() -> bytes:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        archive.writestr("circle/c0.png", shape("circle", 0))
        archive.writestr("notes.txt", "these are my lecture notes")
    return raw.getvalue()


# what the user does (on a session that has 8 circles, 8 crosses and a trained model) → the warning's key
BAD_FILES = {
    "heic photo": (0, ("IMG_0001.HEIC", _heic(), "image/heic"), "heic"),
    "animated gif": (1, ("dance.gif", _gif(), "image/gif"), "animated"),
    "not a picture": (0, ("notes.png", b"these are lecture notes", "image/png"), "not_image"),
    "empty file": (1, ("empty.png", b"", "image/png"), "empty"),
}


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_refused_picture_gets_its_message_and_keeps_everything(case, lang):
    slot, item, code = BAD_FILES[case]
    at = trained(lang)
    before, had = session_run(at), counts(at)
    upload(at, slot, [item, files("circle", 1, start=77)[0]])  # one bad file among good ones
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.warning) == 1 and at.warning[0].value.startswith(prefix(lang, f"ownimages.error.{code}"))
    assert widgets_escape(item[0]) in at.warning[0].value or item[0] in at.warning[0].value  # it names the file
    expected = list(had)
    expected[slot] += 1  # the good file was added
    assert counts(at) == expected and session_run(at) is before


def widgets_escape(text: str) -> str:
    from dashboard.core.widgets import md_escape

    return md_escape(text)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_zip_with_unknown_contents_is_refused_whole(lang):
    at = collected(None, lang=lang)
    had = counts(at)
    at.file_uploader(key=view.zip_key(at.session_state)).set_value(("mixed.zip", _odd_zip(),
                                                                         "application/zip")).run()
    assert not at.exception
    assert len(at.warning) == 1 and at.warning[0].value.startswith(prefix(lang, "ownimages.error.zip_unknown"))
    assert counts(at) == had and at.session_state[view.K] == 2


def _set_names(at, names):
    for i, value in enumerate(names):
        at.text_input(key=f"oi_name_{i}").set_value(value)
    at.run()


BAD_SETS = {  # how the collection is made bad before Train → the warning's key
    "too few pictures": (lambda at: [at.button(key="oi_pop_0").click().run() for _ in range(5)]
                         and [at.button(key="oi_pop_1").click().run() for _ in range(5)], "too_few"),
    "one class only": (lambda at: at.button(key="oi_clear_1").click().run(), "one_class"),
    "empty class name": (lambda at: _set_names(at, ["   "]), "name_empty"),
    "duplicate class names": (lambda at: _set_names(at, ["cat", "Cat"]), "name_duplicate"),
    "a symbol in a name": (lambda at: _set_names(at, ["circle", "star ★"]), "name_chars"),
    "a class too small": (lambda at: [at.button(key="oi_pop_1").click().run() for _ in range(7)], "class_small"),
}


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("case", list(BAD_SETS))
def test_a_bad_collection_is_refused_at_train_and_the_model_stays(case, lang):
    spoil, code = BAD_SETS[case]
    at = trained(lang)
    before = session_run(at)
    rounds = before.rounds
    spoil(at)
    had, names = counts(at), [at.text_input(key=f"oi_name_{i}").value for i in range(2)]
    at.button(key="oi_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.warning) == 1 and at.warning[0].value.startswith(prefix(lang, f"ownimages.error.{code}")), (
        warnings(at))
    assert session_run(at) is before and before.rounds == rounds and not at.session_state[view.RUNNING]
    assert counts(at) == had and [at.text_input(key=f"oi_name_{i}").value for i in range(2)] == names


def test_a_downloaded_model_uploaded_again_draws_the_same_samples():
    at = trained("en", family=1)
    run = session_run(at)
    data = view.export_bytes(run)
    fresh = run_app("en", PAGE)  # another session, later: no pictures, nothing trained
    fresh.file_uploader(key=view.model_key(fresh.session_state)).set_value(
        ("genai-lab-own_images_model.zip", data, "application/zip")).run()
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert [x.value for x in fresh.success] == [strings("en")["ownimages.loaded"].format(
        family=strings("en")["pipeline.family.gan"], names=", ".join(run.names))]
    loaded = session_run(fresh)
    assert loaded is not run and not loaded.trainable and list(loaded.names) == list(run.names)
    assert np.array_equal(loaded.samples_per_class(view.SAMPLES, 0), run.samples_per_class(view.SAMPLES, 0))
    # the key figure of both sessions shows the same picture
    ours = [img.url for e in at.main.get("image") for img in e.proto.imgs if img.caption.startswith("Eight new")]
    theirs = [img.url for e in fresh.main.get("image") for img in e.proto.imgs if img.caption.startswith("Eight new")]
    assert len(ours) == len(theirs) == 1 and ours == theirs  # the media URL is the picture's hash
    assert view.pictures.png_bytes(loaded.samples_per_class(view.SAMPLES, 0).reshape(-1, 28, 28), view.SAMPLES) == \
        view.pictures.png_bytes(run.samples_per_class(view.SAMPLES, 0).reshape(-1, 28, 28), view.SAMPLES)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_bad_model_zip_gets_its_message_and_keeps_the_model(lang):
    at = trained(lang)
    before, had = session_run(at), counts(at)
    at.file_uploader(key=view.model_key(at.session_state)).set_value(
        ("model.zip", b"not a zip at all", "application/zip")).run()
    assert not at.exception
    assert warnings(at) == [strings(lang)["ownimages.error.not_zip"]]
    assert session_run(at) is before and counts(at) == had


def test_hosted_runs_are_capped(monkeypatch):
    import dataclasses

    from dashboard.serving import ui

    monkeypatch.setattr(own_images, "SECONDS", (15, 30, 60, 120, 300))
    monkeypatch.setattr(own_images, "MAX_SECONDS", 300)
    at = run_app("en", PAGE)
    assert at.select_slider(key="_url_secs").options[-1] == "300 s"
    monkeypatch.setattr(ui, "SETTINGS", dataclasses.replace(ui.SETTINGS, hosted=True))
    at = run_app("en", PAGE, query={"secs": "4"})
    assert not at.exception and at.select_slider(key="_url_secs").options[-1] == "120 s"


def test_default_names_follow_the_language_switch_and_typed_names_stay():
    from dashboard.core import i18n

    at = run_app("en", PAGE)
    at.text_input(key="oi_name_1").set_value("moon").run()
    upload(at, 0, files("circle", 3))
    at.session_state[i18n._STATE] = "ko"  # what the sidebar's language switch does
    at.query_params["lang"] = "ko"
    at.run()
    assert not at.exception
    assert [at.text_input(key=f"oi_name_{i}").value for i in range(2)] == ["동그라미", "moon"]
    assert counts(at) == [3, 0]  # the pictures stay with their class


def test_stop_keeps_what_was_learned(monkeypatch):
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    monkeypatch.setattr(own_images, "SECONDS", (60,))  # a run far from its end when it is stopped
    monkeypatch.setattr(own_images, "MAX_SECONDS", 60)
    at = collected(None)
    train_round = own_images.OwnImagesRun.train_round

    def cut_after_two_rounds(run):
        if run.rounds >= 2:  # end the script as the Stop click's rerun would
            raise StopException
        return train_round(run)

    with monkeypatch.context() as patch:
        patch.setattr(own_images.OwnImagesRun, "train_round", cut_after_two_rounds)
        at.button(key="oi_train").click().run()
    run = session_run(at)
    assert at.session_state[view.RUNNING] and run.rounds == 2
    quality = list(run.history["quality"])
    at.button(key="oi_stop").click().run()
    assert not at.exception and not at.session_state[view.RUNNING]
    assert session_run(at) is run and run.rounds == 2 and run.history["quality"] == quality  # nothing lost
    assert strings("en")["ownimages.stopped"].format(s=f"{run.seconds:.0f}") in [c.value for c in at.caption]
    with monkeypatch.context() as patch:  # Train again: the same model goes on (a new seed would start anew)
        patch.setattr(own_images.OwnImagesRun, "train_round", cut_after_two_rounds)
        at.button(key="oi_train").click().run()
        assert session_run(at) is run
        at.button(key="oi_stop").click().run()
        at.number_input(key="_url_seed").set_value(1).run()
        at.button(key="oi_train").click().run()
        assert session_run(at) is not run and session_run(at).config.seed == 1


def test_the_server_keeps_at_most_n_models(monkeypatch):
    monkeypatch.setattr(view, "STORE", own_images.ModelStore(1))
    first = trained("en")
    trained("ko")
    first.run()
    assert strings("en")["ownimages.lost"] in [i.value for i in first.info]
    assert counts(first) == [8, 8]  # the pictures are still there to train again


def test_more_pictures_than_the_limit_are_refused_and_nothing_is_added(monkeypatch):
    monkeypatch.setattr(own_images, "MAX_IMAGES", 12)
    at = run_app("en", PAGE)
    upload(at, 0, files("circle", 8))
    upload(at, 1, files("cross", 5))
    assert warnings(at) == [strings("en")["ownimages.full"].format(n=5, have=8, maximum=12)]
    assert counts(at) == [8, 0]
