"""Your own pictures, the Streamlit side: the pictures a user collects, the live training loop, the figures.

What the user brings lives in ``st.session_state`` and survives every rerun and every refused input:

* ``oi_name_<i>`` — the text box of class slot *i* (0 ≤ i < ``MAX_CLASSES``); ``oi_k`` how many slots show.
  A hidden slot keeps its name and pictures (showing it again brings them back).
* :data:`PICS` — slot → list of uint8 (28, 28) pictures, in the order they were added. Slots, not names,
  hold them: renaming a class keeps its pictures.
* :data:`NOTES` — the messages of the last action (added, converted, refused: ``(kind, key, params)``),
  shown until the next action. Callbacks write them; the page only reads them.

Every input arrives through a callback (the uploaders' ``on_change``, the buttons' ``on_click``) that
first checks everything and changes the collection only when nothing was refused, so a bad file or
zip leaves what the user had. A refused upload among good ones is skipped with its own message.

The session's model is an :class:`models.image.own_images.OwnImagesRun` in :data:`STORE`, a
process-wide store of at most ``GENAI_LAB_OWN_MODELS`` models (least recently used dropped first);
the session keeps its key. Training runs in rounds of about a second, each waiting for one of the
server's training slots and running on a low-priority worker thread (:mod:`dashboard.serving`), like
Train your own; the five stages redraw after every round; Stop ends the loop between two rounds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import uuid

import numpy as np
import streamlit as st

from dashboard import serving
from dashboard.apps.pipeline_view import evolution_epochs, show_evolution
from dashboard.core import charts, exports, pictures, user_model, widgets
from dashboard.core.i18n import LANGS, lang, strings, t
from dashboard.serving import SETTINGS
from models.image import own_images

K, PICS, NOTES = "oi_k", "oi_pics", "oi_notes"
KEY, RUNNING, NEW_SET, RUN_ID, SCOPE = "oi_key", "oi_running", "oi_new_set", "oi_run_id", "own_images"
GEN = "oi_gen"                   # slot → generation of its canvas and uploader (a new key empties them)
DRAWN = "oi_drawn"               # slot → the canvas's last drawing, converted (None: blank)
ZIP_GEN, MODEL_GEN = "oi_zip_gen", "oi_model_gen"
NAMES_LANG = "oi_names_lang"     # the language the default names were written in
CANVAS_PX = 224
STRIP = 10                       # pictures shown per class in its strip (the latest) …
STRIP_COLS, STRIP_TILE_PX = 5, 64  # … five a row, each shown at 64 px (the layout tests' smallest tile)
SAMPLES = 8                      # samples per class in the key figure
DATA_COLS = 6                    # pictures per class in stage 1 (≥ 64 px a tile in the stage's column)
EVOLUTION_SHOWN = 8              # rounds shown in stage 4 at most (evenly picked, the latest always)
STAGES = ("data", "loss", "latent", "samples", "quality")
UPLOAD_TYPES = ["png", "jpg", "jpeg", "mpo", "heic", "heif", "gif", "webp"]  # as dashboard.core.image_picker
CONFIG = own_images.OwnImagesConfig()  # the networks and their training (tests may swap in a smaller one)
STORE = own_images.ModelStore(SETTINGS.own_models)


# --- messages ------------------------------------------------------------------------------------
def error_text(exc: own_images.OwnImagesError) -> str:
    return t(f"ownimages.error.{exc.code}", **_shown(exc.params))


USER_TEXT = ("file", "name", "names", "chars", "field")  # message parameters that hold the user's text


def _shown(params: dict) -> dict:
    """Parameters of a message made safe for Markdown (file and class names are the user's text)."""
    return {k: widgets.md_escape(v) if k in USER_TEXT else v for k, v in params.items()}


def _note(kind: str, key: str, **params) -> None:
    st.session_state.setdefault(NOTES, []).append((kind, key, params))


def _refused(exc: own_images.OwnImagesError) -> None:
    _note("warning", f"ownimages.error.{exc.code}", **exc.params)


def notes() -> list[tuple[str, str]]:
    """The last action's messages as (kind, translated text): kind is info, success or warning."""
    return [(kind, t(key, **_shown(params))) for kind, key, params in st.session_state.get(NOTES, [])]


def _new_action() -> None:
    st.session_state[NOTES] = []


# --- the collection --------------------------------------------------------------------------------
def defaults() -> list[str]:
    """The default class names in the page's language (two shapes first: they are easy to draw)."""
    return t("ownimages.default_names").split("|")[:own_images.MAX_CLASSES]


def init() -> None:
    """The slots' first names and the class count, once per session. After a language switch, a name
    still at the old language's default for its slot follows the switch (a name the user typed stays)."""
    if K not in st.session_state:
        st.session_state[K] = own_images.MIN_CLASSES
    before = st.session_state.get(NAMES_LANG)
    old = strings(before)["ownimages.default_names"].split("|") if before in LANGS else []
    for i, default in enumerate(defaults()):
        key = f"oi_name_{i}"
        if key not in st.session_state or (i < len(old) and st.session_state[key] == old[i]):
            st.session_state[key] = default
    st.session_state[NAMES_LANG] = lang()
    st.session_state.setdefault(PICS, {})


def k() -> int:
    return int(st.session_state.get(K, own_images.MIN_CLASSES))


def name(slot: int) -> str:
    return str(st.session_state.get(f"oi_name_{slot}", ""))


def pics(slot: int) -> list[np.ndarray]:
    return st.session_state.setdefault(PICS, {}).setdefault(slot, [])


def total() -> int:
    return sum(len(pics(i)) for i in range(k()))


def gen(slot: int | str, state=None) -> int:
    """How often the canvas or uploader ``slot`` was emptied; ``state``: a session state other than this
    run's (a test's)."""
    state = st.session_state if state is None else state
    gens = state[GEN] if GEN in state else {}
    return gens.get(slot, 0)


def _bump(slot: int | str) -> None:
    st.session_state.setdefault(GEN, {})[slot] = gen(slot) + 1


def upload_key(slot: int, state=None) -> str:
    return f"oi_up_{slot}_{gen(slot, state)}"


def canvas_key(slot: int, state=None) -> str:
    return f"oi_canvas_{slot}_{gen(slot, state)}"


def zip_key(state=None) -> str:
    return f"oi_zip_{gen(ZIP_GEN, state)}"


def model_key(state=None) -> str:
    return f"oi_model_{gen(MODEL_GEN, state)}"


def _room(adding: int) -> bool:
    """True when ``adding`` more pictures fit under the limit; else a message (nothing is added)."""
    if total() + adding <= own_images.MAX_IMAGES:
        return True
    _note("warning", "ownimages.full", n=adding, have=total(), maximum=own_images.MAX_IMAGES)
    return False


def _read_files(files) -> tuple[list[np.ndarray], int]:
    """Uploaded files → their pictures and how many were converted; each refused file gets its message."""
    images, converted = [], 0
    for file in files:
        try:
            picture = own_images.read_image(file.getvalue(), file.name)
        except own_images.OwnImagesError as exc:
            _refused(exc)
            continue
        images.append(picture.image)
        converted += bool(picture.converted)
    return images, converted


def add_uploads(slot: int) -> None:
    """The uploader of ``slot`` got files: the readable ones join the class, then the uploader empties."""
    _new_action()
    files = st.session_state.get(upload_key(slot)) or []
    if not files:
        return
    images, converted = _read_files(files)
    _bump(slot)  # an empty uploader for the next batch; the pictures are in the class now
    if images and _room(len(images)):
        pics(slot).extend(images)
        _added(slot, len(images), converted)


def _added(slot: int, n: int, converted: int) -> None:
    _note("success", "ownimages.added", n=n, name=name(slot) or str(slot + 1))
    if converted:
        _note("info", "ownimages.converted", n=converted)


def remember_drawing(slot: int, rgba: np.ndarray | None) -> np.ndarray | None:
    """The canvas of ``slot`` as it is now, converted (the "Add drawing" click reads it); None while blank."""
    drawn = None if rgba is None else own_images.read_canvas(np.asarray(rgba))
    st.session_state.setdefault(DRAWN, {})[slot] = drawn
    return drawn


def add_drawing(slot: int) -> None:
    _new_action()
    drawn = st.session_state.get(DRAWN, {}).get(slot)
    if drawn is None:
        _note("warning", "ownimages.blank")
        return
    if _room(1):
        pics(slot).append(drawn)
        st.session_state[DRAWN][slot] = None
        _bump(slot)  # a fresh canvas for the next drawing
        _note("success", "ownimages.added", n=1, name=name(slot) or str(slot + 1))


def remove_last(slot: int) -> None:
    _new_action()
    if pics(slot):
        pics(slot).pop()


def clear(slot: int) -> None:
    _new_action()
    pics(slot).clear()


def _read_once(key: str, slot: str, read):
    """The file just uploaded to ``key`` through ``read``, or None (none, or refused: its message is
    noted). The uploader then empties (``slot``'s generation moves on), so a file is read once."""
    _new_action()
    upload = st.session_state.get(key)
    if upload is None:
        return None
    _bump(slot)
    try:
        return read(upload.getvalue())
    except own_images.OwnImagesError as exc:
        _refused(exc)
        return None


def add_zip() -> None:
    """A zip of class folders: each folder's pictures join the class of that name (a new class when
    there is room), all or nothing; a zip with anything else in it is refused whole."""
    folders = _read_once(zip_key(), ZIP_GEN, own_images.read_images_zip)
    if folders is None:
        return
    slots = {name(i).strip(): i for i in range(k()) if name(i).strip()}
    count, plan = k(), []
    for folder, pictures_ in folders:
        slot = slots.get(folder)
        if slot is None:  # a new class: the first shown slot without name or pictures, else one more slot
            free = [i for i in range(count) if not name(i).strip() and not pics(i) and i not in dict(plan).values()]
            if free:
                slot = free[0]
            elif count < own_images.MAX_CLASSES:
                slot, count = count, count + 1
            else:
                _note("warning", "ownimages.error.too_many_classes", n=len(folders) + len(slots),
                      maximum=own_images.MAX_CLASSES)
                return
            slots[folder] = slot
        plan.append((folder, slot, pictures_))
    if not _room(sum(len(p) for _, _, p in plan)):
        return
    for i in range(k(), count):  # slots shown again start empty (a hidden slot's old pictures go)
        pics(i).clear()
    st.session_state[K] = count
    for folder, slot, pictures_ in plan:
        st.session_state[f"oi_name_{slot}"] = folder
        pics(slot).extend(p.image for p in pictures_)
        _added(slot, len(pictures_), sum(bool(p.converted) for p in pictures_))


def chosen_slots() -> list[int]:
    """The shown slots Train uses: those with pictures (a named class without any is left out, and
    one class with pictures is then "one class only"); all shown slots when none has any."""
    filled = [i for i in range(k()) if pics(i)]
    return filled or list(range(k()))


def classes(slots: list[int]) -> list[tuple[str, list[np.ndarray]]]:
    """What Train sends to :func:`models.image.own_images.build_set`: these slots' names and pictures."""
    return [(name(i), list(pics(i))) for i in slots]


# --- the session's model ---------------------------------------------------------------------------
MODEL = user_model.SessionModel(KEY, RUN_ID, "ownimages", lambda: STORE)
session_run, lost, run_id = MODEL.held, MODEL.lost, MODEL.run_id  # the session's model; its name in line


def _digest(data: own_images.ImageSet) -> str:
    h = hashlib.sha256(np.ascontiguousarray(data.images).tobytes())
    h.update(np.ascontiguousarray(data.labels).tobytes())
    h.update("\x00".join(data.names).encode("utf-8"))
    return h.hexdigest()


def start(family: str, seed: int) -> None:
    """Train: the collected pictures, checked (a refusal says why and changes nothing). The same
    pictures, family and seed go on from where the model is; anything else starts a new model."""
    _new_action()
    slots = chosen_slots()
    try:
        data = own_images.build_set(classes(slots))
    except own_images.OwnImagesError as exc:
        if isinstance(exc.params.get("position"), int) and 0 < exc.params["position"] <= len(slots):
            exc.params["position"] = slots[exc.params["position"] - 1] + 1  # its number on the page
        _refused(exc)
        return
    left_out = [name(i).strip() or str(i + 1) for i in range(k()) if i not in slots]
    if left_out:
        _note("info", "ownimages.left_out", names=", ".join(left_out))
    run = session_run()
    if (run is None or not run.trainable or getattr(run, "digest", None) != _digest(data)
            or run.config.family != family or run.config.seed != seed):
        st.session_state[NEW_SET] = (data, family, seed)
    st.session_state[RUNNING] = True
    serving.clear_idle(SCOPE)


def stop() -> None:
    st.session_state[RUNNING] = False
    serving.release_training(run_id())


def prepare() -> own_images.OwnImagesRun | None:
    """A new run for the pictures the Train button accepted (model built, round 0 measured), stored."""
    chosen = st.session_state.pop(NEW_SET, None)
    if chosen is None:
        return session_run()
    data, family, seed = chosen
    with st.spinner(t("ownimages.preparing")):
        run = own_images.OwnImagesRun.create(data, dataclasses.replace(CONFIG, family=family, seed=seed))
    run.digest = _digest(data)
    _keep(run)
    return run


def _keep(run: own_images.OwnImagesRun) -> None:
    MODEL.keep(f"ownimages-{uuid.uuid4().hex[:12]}", run)


def load_zip() -> None:
    """A model zip just uploaded: checked and loaded, or a message (the model held so far stays)."""
    run = _read_once(model_key(), MODEL_GEN, own_images.import_zip)
    if run is None:
        return
    stop()
    _keep(run)
    _note("success", "ownimages.loaded", names=", ".join(run.names), family=t(f"pipeline.family.{run.config.family}"))


def train_live(run: own_images.OwnImagesRun, budget_s: float, status, slots: dict) -> None:
    """Train round by round until ``budget_s`` training seconds or Stop, redrawing the stages after each."""
    serving.train_until(lambda: run.seconds, budget_s, run.train_round,
                        lambda: draw_stages(run, slots, tag=f"live{run.rounds}"),
                        running=lambda: bool(st.session_state.get(RUNNING)), stop=stop, scope=SCOPE,
                        run_id=run_id(), status=status,
                        text=lambda: t("ownimages.progress", s=f"{run.seconds:.0f}", total=f"{budget_s:.0f}",
                                       rounds=run.rounds))


# --- drawing -----------------------------------------------------------------------------------------
def plot_name(text: str) -> str:
    """A user's class name for a plotly label: plotly reads a subset of HTML and ``%{…}`` in hover
    templates, so both are made plain text."""
    return html.escape(str(text)).replace("%", "&#37;")


def data_grid(names: list[str], groups: list[list[np.ndarray]], per_class: int = 6):
    """Up to ``per_class`` pictures of every class, one row each, the class name over its first tile."""
    rows, titles = [], []
    for label, group in zip(names, groups, strict=True):
        shown = list(group[:per_class]) + [np.zeros((28, 28), np.uint8)] * (per_class - min(per_class, len(group)))
        rows += shown
        titles += [label] + [""] * (per_class - 1)
    return np.stack(rows), titles


def draw_data(slot, data: own_images.ImageSet | None, tag: str = "") -> None:
    """Stage 1: the pictures the run trains on (before any run: the ones collected so far)."""
    if data is None:
        names, groups = [name(i) for i in range(k())], [pics(i) for i in range(k())]
    else:
        names = list(data.names)
        groups = [list(data.images[data.labels == c]) for c in range(len(names))]
    with slot.container():
        if not any(groups):
            st.info(t("ownimages.data.empty"), icon="🖍️")
            return
        grid, titles = data_grid(names, groups, DATA_COLS)
        pictures.show_grid(grid, DATA_COLS, key=f"ownimages_data{tag}", titles=titles,
                           caption=t("ownimages.data.caption", n=sum(len(g) for g in groups), k=len(names)),
                           file_name=pictures.file_name("own_images", "data"))


def draw_stages(run: own_images.OwnImagesRun | None, slots: dict, tag: str = "") -> None:
    """Stages 1–5 with the run's real artifacts; ``tag`` keeps chart keys unique within one script run."""
    draw_data(slots["data"], None if run is None else run.data, tag)
    if run is None:
        for stage in STAGES[1:]:
            slots[stage].info(t("ownimages.not_trained"), icon="⏳")
        return
    h = run.history
    seconds = list(h["seconds"])
    if run.rounds:
        series = {t(f"pipeline.loss.{n}"): values for n, values in h["losses"].items()}
        xs = seconds[-len(next(iter(series.values()))):] if series else None
        slots["loss"].plotly_chart(charts.curves(series, t("ownimages.seconds_axis"),
                                                 t(f"pipeline.loss.y.{run.config.family}"), x=xs, height=300),
                                   key=f"ownimages_loss{tag}")
    else:
        slots["loss"].info(t("ownimages.not_trained"), icon="⏳")
    names = [plot_name(n) for n in run.names]
    view = run.latent_map()
    with slots["latent"].container():
        if view["kind"] == "encoded":
            fig = charts.latent_scatter(view["points"], view["labels"], names, height=360,
                                        axis_titles=("PC 1", "PC 2"))
            st.plotly_chart(fig, key=f"ownimages_latent{tag}")
            st.caption(t(f"ownimages.latent.vae_caption.{view.get('source', 'images')}", n=len(view["labels"]),
                         rounds=run.rounds))
        else:
            shown_name = widgets.md_escape(run.names[view["label"]])
            pictures.show_grid(view["images"], view["side"], key=f"ownimages_latent{tag}",
                               caption=t("ownimages.latent.gan_caption", name=shown_name, rounds=run.rounds),
                               file_name=pictures.file_name("own_images", "latent", fam=run.config.family,
                                                            rounds=run.rounds))
    with slots["samples"].container():
        show_evolution(h["samples"], evolution_epochs(run.rounds, EVOLUTION_SHOWN), "ownimages.round_n",
                       key=f"ownimages_samples{tag}", caption=t(f"ownimages.samples.caption.{run.config.family}"),
                       file_name=pictures.file_name("own_images", "rounds", fam=run.config.family, rounds=run.rounds))
    quality = {t("ownimages.quality.model"): h["quality"],
               t("ownimages.quality.floor"): [run.quality_floor] * len(h["quality"])}
    with slots["quality"].container():
        st.plotly_chart(charts.curves(quality, t("ownimages.seconds_axis"), t("ownimages.quality.y"),
                                      x=seconds[:len(h["quality"])], height=300), key=f"ownimages_quality{tag}")
        halved = ("—" if run.halved_at is None else f"{run.halved_at:.0f}")
        st.caption(t("ownimages.quality.caption", first=f"{h['quality'][0]:.3f}", last=f"{h['quality'][-1]:.3f}",
                     floor=f"{run.quality_floor:.3f}", halved=halved))


def draw_samples(run: own_images.OwnImagesRun | None, seed: int, slot) -> None:
    """The key figure: ``SAMPLES`` new pictures of every class, one row each, with their PNG download."""
    if run is None:
        slot.info(t("ownimages.samples.none"), icon="⏳")
        return
    images = run.samples_per_class(SAMPLES, seed)
    titles = [n if j == 0 else "" for n in run.names for j in range(SAMPLES)]
    with slot.container():
        pictures.show_grid(images.reshape(-1, 28, 28), SAMPLES, key="ownimages_per_class", titles=titles,
                           caption=t("ownimages.samples.caption", seed=seed,
                                     names=", ".join(widgets.md_escape(n) for n in run.names)),
                           file_name=pictures.file_name("own_images", "samples", fam=run.config.family,
                                                        rounds=run.rounds, seed=seed))


def summary(run: own_images.OwnImagesRun) -> None:
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("ownimages.metric.rounds"), f"{run.rounds:,}")
    m2.metric(t("ownimages.metric.seconds"), f"{run.seconds:.0f} s")
    q = run.history["quality"]
    m3.metric(t("ownimages.metric.quality"), f"{q[-1]:.3f}", delta=f"{q[-1] - q[0]:+.3f}", delta_color="inverse")
    m4.metric(t("ownimages.metric.halved"), "—" if run.halved_at is None else f"{run.halved_at:.0f} s")


def export_bytes(run: own_images.OwnImagesRun) -> bytes:
    """The model's zip, made once per trained state (kept in the session)."""
    return MODEL.export(run.rounds, lambda: own_images.export_zip(run))


def model_file_name(run: own_images.OwnImagesRun) -> str:
    return exports.file_name("own_images_model", "zip", fam=run.config.family, rounds=run.rounds,
                             seed=run.config.seed, lang=lang())


def model_card(run: own_images.OwnImagesRun) -> None:
    widgets.model_card([
        (t("card.data"), t("ownimages.card.data", n=len(run.data.images) if getattr(run, "data", None) is not None
                           else "—", k=len(run.names))),
        (t("card.models"), t(f"ownimages.card.model_{run.config.family}", p=f"{run.parameters:,}")),
        (t("card.training"), t("ownimages.card.training", s=f"{run.seconds:.0f}", rounds=run.rounds)),
        (t("card.metrics"), t("ownimages.card.metrics", name=run.quality_name)),
        (t("card.limits"), t("ownimages.card.limits")),
    ])
