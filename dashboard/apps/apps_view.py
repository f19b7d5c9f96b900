"""The applications page's sections: inpainting, super-resolution, editing, text → image, image → video and
style transfer (our closest demonstration of it).

Each section: a short explanation, its controls, one cached call into :mod:`models.apps.editing` (through
:mod:`dashboard.apps.loaders`) and a figure with the measured quality. Bad masks and descriptions become
translated messages.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
from PIL import Image

from dashboard.apps import loaders as apps_loaders
from dashboard.core import charts, exports, loaders, pictures, widgets
from dashboard.core.i18n import lang, t
from dashboard.core.image_picker import pick_image
from dashboard.image import loaders as image_loaders
from dashboard.latent import loaders as latent_loaders
from models.apps import editing, prompt_to_class, style
from models.core import data
from models.image import zoo
from models.latent.autoencoders import MAIN_VAE

SECTIONS = ("inpaint", "superres", "edit", "text", "video", "style")  # ?app= holds the position: append only
MASK_MODES = ("rect", "brush")
CANVAS_PX = 224
HOLE = 128                      # how the hidden pixels are shown: mid grey
STRENGTHS = (0.2, 0.4, 0.6, 0.8, 1.0)
PER_CLASS = 6                   # text → image: samples per named class
MAX_CLASSES = 3
STYLE_IMAGE, STYLE_TARGET = 0, 7  # style transfer opens on an ankle boot turned into a sneaker
EXAMPLES = {"en": ("a red striped dress", "black ankle boots and a T-shirt", "a cat wearing a hat"),
            "ko": ("빨간 줄무늬 원피스", "검은 앵클부츠와 티셔츠", "모자를 쓴 고양이")}


def _error(exc: editing.EditError | prompt_to_class.PromptError) -> None:
    st.error(t(f"apps.error.{exc.code}", **exc.params), icon="🚫")


def _quality_table(quality: dict[str, dict[str, float]], seconds: float | None = None) -> None:
    rows = [f"| {t(f'apps.method.{name}')} | {q['psnr']:.1f} dB | {q['ssim']:.3f} |" for name, q in quality.items()]
    st.markdown("\n".join([f"| {t('apps.method')} | PSNR | SSIM |", "|---|---|---|", *rows]))
    if seconds is not None:
        st.caption(t("apps.seconds", s=f"{seconds:.2f}", steps=editing.EDIT_STEPS))


def _class_for(label: int | None, name: str, container=st) -> int:
    """The class to condition on: the test image's own, which the user may change."""
    return widgets.class_select(t("apps.condition"), name, 0 if label is None else label, container=container)


def _image_and_controls(name: str, index: int, class_key: str):
    """Left column: the picture, the class to condition on and the seed; returns the right column too."""
    left, right = st.columns([1, 2], gap="large")
    image, caption, label = pick_image(name, index, container=left)
    cls = _class_for(label, class_key, left)
    seed = widgets.seed_input(container=left)
    return right, image, caption, cls, seed


# --- inpainting -----------------------------------------------------------------------------------


def _brush_mask(image: np.ndarray, container) -> np.ndarray:
    try:
        from streamlit_drawable_canvas import st_canvas
    except Exception:  # the optional component is missing or broken
        container.warning(t("apps.no_canvas"), icon="⚠️")
        return np.zeros(data.IMAGE_SHAPE, dtype=bool)
    background = Image.fromarray(image).resize((CANVAS_PX, CANVAS_PX), Image.Resampling.NEAREST).convert("RGB")
    with container:
        st.caption(t("apps.inpaint.brush_help"))
        result = st_canvas(stroke_width=20, stroke_color="rgba(255, 80, 40, 0.8)", background_image=background,
                           height=CANVAS_PX, width=CANVAS_PX, drawing_mode="freedraw", return_image_data=True,
                           key="apps_mask_canvas")
    try:
        pixels = result.image_data
    except Exception:  # nothing sent back yet (first run, or AppTest without a browser)
        pixels = None
    return editing.mask_from_drawing(pixels)


def inpainting() -> None:
    widgets.paragraph("apps.inpaint.body")
    right, image, caption, cls, seed = _image_and_controls("a", 0, "icls")
    modes = [t(f"apps.inpaint.mode.{m}") for m in MASK_MODES]
    mode = MASK_MODES[widgets.synced_index(right.radio, t("apps.inpaint.mode"), "mask", modes, horizontal=True)]
    if mode == "rect":
        c1, c2 = right.columns(2)
        top, bottom = c1.slider(t("apps.inpaint.rows"), 0, 28, (8, 20), key="apps_rows")
        lft, rgt = c2.slider(t("apps.inpaint.cols"), 0, 28, (4, 24), key="apps_cols")
        mask = editing.rect_mask(top, lft, bottom, rgt)
    else:
        mask = _brush_mask(image, right)
    with right:
        try:
            result = apps_loaders.inpainting(image, editing.check_mask(mask), cls, seed)
        except editing.EditError as exc:
            _error(exc)
            return
        shown = np.stack([image, np.where(mask, HOLE, image), result["images"]["diffusion"], result["images"]["vae"]])
        titles = [t("apps.original"), t("apps.masked", share=f"{mask.mean():.0%}"), t("apps.method.diffusion"),
                  t("apps.method.vae")]
        pictures.show_grid(shown.astype(np.uint8), 4, titles=titles, caption=t("apps.inpaint.alt"),
                           key="inpaint", file_name=pictures.file_name("applications", "inpainting", mask=mode,
                                                                       cls=cls, seed=seed))
        _quality_table(result["quality"], result["seconds"])
        st.caption(t("apps.inpaint.caption", source=caption))


# --- super-resolution ------------------------------------------------------------------------------


def super_resolution() -> None:
    widgets.paragraph("apps.sr.body")
    right, image, caption, cls, seed = _image_and_controls("b", 1, "scls")
    factor_names = [t("apps.sr.factor_option", f=f, n=28 // f) for f in editing.SR_FACTORS]
    factor = editing.SR_FACTORS[widgets.synced_index(right.radio, t("apps.sr.factor"), "factor", factor_names, 1,
                                                     horizontal=True)]
    result = apps_loaders.super_resolution(image, factor, cls, seed)
    small = np.asarray(Image.fromarray(result["small"]).resize((28, 28), Image.Resampling.NEAREST))
    shown = np.stack([small, result["images"]["bicubic"], result["images"]["diffusion"], image])
    titles = [t("apps.sr.input", n=28 // factor), t("apps.method.bicubic"), t("apps.method.diffusion"),
              t("apps.original")]
    with right:
        pictures.show_grid(shown, 4, titles=titles, caption=t("apps.sr.alt", n=28 // factor), key="superres",
                           file_name=pictures.file_name("applications", "super-resolution", x=factor, cls=cls,
                                                        seed=seed))
        _quality_table(result["quality"], result["seconds"])
        st.caption(t("apps.sr.caption", source=caption))


# --- editing -------------------------------------------------------------------------------------


def editing_section() -> None:
    widgets.paragraph("apps.edit.body")
    names = widgets.class_names()
    left, right = st.columns([1, 2], gap="large")
    image, caption, label = pick_image("c", 2, container=left)
    default_target = 3 if label != 3 else 4
    target = widgets.class_select(t("apps.edit.target"), "target", default_target, container=left)
    seed = widgets.seed_input(container=left)
    result = apps_loaders.sdedit_strengths(image, target, STRENGTHS, seed)
    titles = [f"{s:.0%} (t={ts})" for s, ts in zip(STRENGTHS, result["t_start"], strict=True)]
    with right:
        pictures.show_grid(np.concatenate([image[None], result["images"]]), len(STRENGTHS) + 1, key="sdedit",
                           titles=[t("apps.original"), *titles], caption=t("apps.edit.row", name=names[target]),
                           gif=np.concatenate([image[None], result["images"]]),
                           file_name=pictures.file_name("applications", "edit", target=target, seed=seed))
        st.plotly_chart(charts.curves({t("apps.edit.p_target", name=names[target]): result["p_target"],
                                       t("apps.edit.ssim"): result["ssim"]},
                                      t("apps.edit.strength"), t("apps.edit.score"), x=list(STRENGTHS), height=280),
                        key="sdedit_curve")
        st.caption(t("apps.edit.caption", source=caption))


# --- text → image --------------------------------------------------------------------------------


def text_to_image() -> None:
    widgets.paragraph("apps.text.body")
    names = widgets.class_names()
    examples = EXAMPLES["ko" if lang() == "ko" else "en"]
    choice = st.pills(t("apps.text.examples"), examples, key="apps_text_example")
    text = st.text_input(t("apps.text.prompt"), value=choice or examples[0], max_chars=prompt_to_class.MAX_CHARS,
                         key=f"apps_text_{choice}")
    seed = widgets.seed_input()
    try:
        parsed = prompt_to_class.parse(text)
    except prompt_to_class.PromptError as exc:
        _error(exc)
        known = ", ".join(prompt_to_class.class_words(k, lang())[0] for k in range(data.NUM_CLASSES))
        st.info(t("apps.text.known", words=known), icon="ℹ️")
        return
    st.markdown(t("apps.text.understood", classes=", ".join(names[k] for k in parsed.labels),
                  words=", ".join(widgets.md_code(w) for w in parsed.matched)))
    if parsed.ignored:
        st.warning(t("apps.text.ignored", words=", ".join(widgets.md_code(w) for w in parsed.ignored)), icon="⚠️")
    labels = [k for k in parsed.labels[:MAX_CLASSES] for _ in range(PER_CLASS)]
    try:
        images, seconds = image_loaders.generate("diffusion", labels, seed)
    except loaders.LOAD_ERRORS as exc:
        st.error(t("common.load_error", detail=str(exc)), icon="🚫")
        return
    pictures.show_grid(images, PER_CLASS, titles=[names[k] if i % PER_CLASS == 0 else "" for i, k in enumerate(labels)],
                       caption=t("apps.text.alt", classes=", ".join(names[k] for k in parsed.labels[:MAX_CLASSES])),
                       key="text_images", file_name=pictures.file_name(
                           "applications", "text", cls="-".join(str(k) for k in parsed.labels[:MAX_CLASSES]),
                           seed=seed))
    st.caption(t("apps.seconds_plain", s=f"{seconds:.2f}"))


# --- image → video --------------------------------------------------------------------------------


def video() -> None:
    widgets.paragraph("apps.video.body")
    names = widgets.class_names()
    c1, c2 = st.columns(2)
    label = widgets.class_select(t("apps.video.class"), "vcls", 9, container=c1)
    seed = widgets.seed_input(container=c2)
    d = zoo.DIFFUSION  # the diffusion family's default sampler, steps and guidance
    trajectory = image_loaders.diffusion_trajectory(label, seed, d["sampler"], d["steps"], d["guidance"], 1)
    frames = np.concatenate([trajectory["x0"][:, 0], trajectory["images"]])
    left, right = st.columns(2)
    film = exports.gif_bytes(frames, scale=8, ms_per_frame=200, bounce=False)
    left.image(film, caption=t("apps.video.denoise", name=names[label], n=len(frames) - 1, steps=d["steps"]))
    left.download_button(t("apps.video.download"), film, file_name="denoising.gif", mime="image/gif", icon="🎞️",
                         key="gif_denoise")
    try:
        walk = image_loaders.gan_walk(label, seed, (seed + 1) % 2**32, 16)
    except loaders.LOAD_ERRORS as exc:
        right.warning(t("common.load_error", detail=str(exc)), icon="⚠️")
        return
    film = exports.gif_bytes(walk, scale=8, ms_per_frame=120)
    right.image(film, caption=t("apps.video.walk", name=names[label]))
    right.download_button(t("apps.video.download"), film, file_name="latent-walk.gif", mime="image/gif", icon="🎞️",
                          key="gif_walk")
    st.caption(t("apps.video.caption"))


# --- style transfer (the closest our models come) ----------------------------------------------


def style_transfer() -> None:
    widgets.paragraph("apps.style.body")
    widgets.paragraph("apps.style.ours", kind="info")
    names = widgets.class_names()
    left, right = st.columns([1, 2], gap="large")
    image, caption, label = pick_image("d", STYLE_IMAGE, container=left)
    source = label if label is not None else apps_loaders.judged_class(image)
    target = widgets.class_select(t("apps.style.target"), "sto", STYLE_TARGET if source != STYLE_TARGET else 9,
                                  container=left)
    strength = widgets.synced_float(left.slider, t("apps.style.strength"), "strength", 0.6, *style.STRENGTH_RANGE,
                                    step=0.1, help=t("apps.style.strength_help"))
    seed = widgets.seed_input(container=left)
    means = latent_loaders.latent_class_means(MAIN_VAE)
    result = apps_loaders.style_transfer(image, means, source, target, strength, seed)
    test = loaders.test_split()
    reference = test.images[int(np.flatnonzero(test.labels == target)[0])]
    shown = np.stack([image, result["images"]["sdedit"], result["images"]["vae"], reference])
    titles = [t("apps.style.source", name=names[source]), t("apps.style.method.sdedit"), t("apps.style.method.vae"),
              t("apps.style.reference", name=names[target])]
    with right:
        pictures.show_grid(shown, 4, titles=titles, key="style",
                           caption=t("apps.style.alt", source=names[source], target=names[target],
                                     strength=f"{strength:.0%}"),
                           file_name=pictures.file_name("applications", "style", target=target, strength=strength,
                                                        seed=seed))
        rows = [f"| {t(f'apps.style.method.{m}')} | {s['p_target']:.0%} | {s['ssim']:.3f} |"
                for m, s in result["scores"].items()]
        st.markdown("\n".join([t("apps.style.table_head", name=names[target]), "|---|---|---|", *rows]))
        st.caption(t("apps.style.caption", source=caption, s=f"{result['seconds']:.2f}"))
    widgets.paragraph("apps.style.reading")


SECTION_VIEWS = {"inpaint": inpainting, "superres": super_resolution, "edit": editing_section,
                 "text": text_to_image, "video": video, "style": style_transfer}
