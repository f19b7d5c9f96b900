"""Your own pictures: draw or upload pictures of 2–5 classes you name, a small VAE or GAN learns them live.

Checks, conversion, training, the quality measure and the model file: :mod:`models.image.own_images`; the
collected pictures, the session's model, the live loop and the figures: :mod:`dashboard.image.own_images_view`.
"""

import streamlit as st

from dashboard import serving
from dashboard.apps.pipeline_view import stage_slots
from dashboard.core import pictures, presenter, widgets
from dashboard.core.i18n import t
from dashboard.image import own_images_view as view
from models.image import own_images

widgets.setup_page()
st.title(t("ownimages.title"))
widgets.paragraph("ownimages.intro")
st.markdown(t("ownimages.flow"))
view.init()
top = st.container() if presenter.is_on() else None  # presenter mode: the samples first, above the fold

# 1. Your classes ----------------------------------------------------------------------------------
st.header(t("ownimages.classes.header"))
widgets.paragraph("ownimages.classes.body", minimum=own_images.MIN_CLASSES, maximum=own_images.MAX_CLASSES,
                  chars=own_images.MAX_NAME_CHARS)
c0, *name_columns = st.columns([1] + [1] * own_images.MAX_CLASSES)
c0.number_input(t("ownimages.count"), min_value=own_images.MIN_CLASSES, max_value=own_images.MAX_CLASSES, step=1,
                key=view.K)
for i, column in enumerate(name_columns[:view.k()]):
    column.text_input(t("ownimages.name", n=i + 1), key=f"oi_name_{i}", max_chars=own_images.MAX_NAME_CHARS + 1)

# 2. Your pictures ---------------------------------------------------------------------------------
st.header(t("ownimages.pictures.header"))
widgets.paragraph("ownimages.pictures.body", minimum=own_images.MIN_IMAGES, maximum=own_images.MAX_IMAGES,
                  per_class=own_images.MIN_PER_CLASS)
st.container(key="oi_zip_box").file_uploader(t("ownimages.zip"), type=["zip"], key=view.zip_key(),
                                            on_change=view.add_zip, help=t("ownimages.zip_help"))
try:
    from streamlit_drawable_canvas import st_canvas
except Exception:  # the optional component is missing or broken: uploads still work
    st_canvas = None
for i in range(view.k()):
    label = view.name(i).strip() or t("ownimages.unnamed", n=i + 1)
    with st.container(border=True, key=f"oi_class_{i}"):
        st.subheader(t("ownimages.class_header", name=widgets.md_escape(label), n=len(view.pics(i))))
        draw, upload, strip = st.columns([2, 2, 3])
        if st_canvas is None:
            draw.warning(t("picker.no_canvas"), icon="⚠️")
        else:
            with draw:
                st.caption(t("ownimages.draw_help"))
                result = st_canvas(stroke_width=16, stroke_color="#FFFFFF", background_color="#000000",
                                   height=view.CANVAS_PX, width=view.CANVAS_PX, drawing_mode="freedraw",
                                   return_image_data=True, key=view.canvas_key(i))
            try:
                pixels = result.image_data
            except Exception:  # nothing sent back yet (first run, or AppTest without a browser)
                pixels = None
            if view.remember_drawing(i, pixels) is not None:
                draw.caption(t("ownimages.drawn"))
            draw.button(t("ownimages.add_drawing"), icon="➕", key=f"oi_add_{i}", on_click=view.add_drawing, args=(i,))
        upload.file_uploader(t("ownimages.upload"), type=view.UPLOAD_TYPES, accept_multiple_files=True,
                             key=view.upload_key(i), on_change=view.add_uploads, args=(i,),
                             help=t("ownimages.upload_help"))
        held = view.pics(i)
        if held:
            shown = held[-view.STRIP:]
            strip.image(pictures.png_bytes(shown, view.STRIP_COLS), output_format="PNG",
                        width=min(len(shown), view.STRIP_COLS) * view.STRIP_TILE_PX,  # a tile stays small
                        caption=t("ownimages.strip", n=len(held), shown=len(shown)))
        else:
            strip.caption(t("ownimages.strip_empty"))
        b1, b2 = strip.columns(2)
        b1.button(t("ownimages.remove_last"), icon="↩️", key=f"oi_pop_{i}", on_click=view.remove_last, args=(i,),
                  disabled=not held)
        b2.button(t("ownimages.clear"), icon="🗑️", key=f"oi_clear_{i}", on_click=view.clear, args=(i,),
                  disabled=not held)
st.caption(t("ownimages.total", n=view.total(), minimum=own_images.MIN_IMAGES, maximum=own_images.MAX_IMAGES))

# 3. Train -----------------------------------------------------------------------------------------
st.header(t("ownimages.train.header"))
widgets.paragraph("ownimages.train.body")
c1, c2, c3 = st.columns([2, 3, 2])
families = own_images.FAMILIES
family_names = [t(f"pipeline.family.{f}") for f in families]  # lists, not t() in a lambda: AppTest formats later
family = families[widgets.synced_index(c1.radio, t("pipeline.family"), "fam", family_names)]
offered = [s for s in own_images.SECONDS if s <= serving.cap("ownimages.seconds", own_images.MAX_SECONDS)]
budget = offered[widgets.synced_index(c2.select_slider, t("ownimages.seconds"), "secs",
                                      [t("ownimages.seconds_n", n=s) for s in offered],
                                      offered.index(60) if 60 in offered else len(offered) - 1,
                                      help=t("ownimages.seconds_help"))]
seed = widgets.seed_input(container=c3)
running = bool(st.session_state.get(view.RUNNING))
b1, b2 = c3.columns(2)
b1.button(t("ownimages.train"), icon="🏋️", type="primary", key="oi_train", on_click=view.start,
          args=(family, seed), disabled=running)
b2.button(t("ownimages.stop"), icon="⏹️", key="oi_stop", on_click=view.stop, disabled=not running)
serving.touch(view.SCOPE)
for kind, text in view.notes():  # what the last action did: added, converted, refused (and why)
    getattr(st, kind)(text, icon={"warning": "⚠️", "info": "ℹ️", "success": "✅"}[kind])
if view.lost():
    st.info(t("ownimages.lost"), icon="🧹")
status = st.empty()
overview = st.container()

st.subheader(t("ownimages.stages.header"))
slots = stage_slots(st.container(), "ownimages", view.STAGES)  # Train your own's five stages, on your pictures
run = view.session_run()
if running:
    run = view.prepare()
    if run is not None and run.trainable:
        view.train_live(run, budget, status, slots)
    else:
        view.stop()
view.draw_stages(run, slots)
if run is not None:
    with overview:
        view.summary(run)
        if not running and run.trainable and run.seconds:
            st.caption(t("ownimages.stopped" if run.seconds < budget else "ownimages.done", s=f"{run.seconds:.0f}"))

# 4. Samples per class, keep the model -------------------------------------------------------------
st.header(t("ownimages.samples.header"))
widgets.paragraph("ownimages.samples.body")
with top if top is not None else st.container(), widgets.key_figure():  # new pictures of every class you named
    view.draw_samples(run, seed, st.empty())
if run is not None:
    st.download_button(t("ownimages.download"), view.export_bytes(run), icon="💾", key="oi_download",
                       file_name=view.model_file_name(run), mime="application/zip", disabled=running)
st.container(key="oi_model_box").file_uploader(t("ownimages.load"), type=["zip"], key=view.model_key(),
                                              on_change=view.load_zip, help=t("ownimages.load_help"))
if run is not None:
    view.model_card(run)
