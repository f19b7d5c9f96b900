"""Train your own: the generation pipeline — data → training → latent space → generation → iterative refinement.

A small VAE or GAN learns the classes the reader picks, live, one epoch at a time; the five stages
below show their real artifacts after every epoch. Tensor work: :mod:`models.apps.pipeline`; the live
run in the session: :mod:`dashboard.apps.pipeline_view`.
"""

import streamlit as st

from dashboard import serving
from dashboard.apps import pipeline_view as view
from dashboard.core import loaders, widgets
from dashboard.core.i18n import t
from models.apps import pipeline

widgets.setup_page()
st.title(t("pipeline.title"))
widgets.paragraph("pipeline.intro")
st.markdown(t("pipeline.flow"))

# Controls: what to train on, which model, how long ------------------------------------------
st.header(t("pipeline.controls.header"))
widgets.paragraph("pipeline.controls.body")
c1, c2 = st.columns([1, 2])
families = pipeline.FAMILIES
family_names = [t(f"pipeline.family.{f}") for f in families]  # lists, not t() in a lambda: AppTest formats later
family = families[widgets.synced_index(c1.radio, t("pipeline.family"), "fam", family_names)]
classes = view.class_multiselect(t("pipeline.classes"), c2)
c3, c4, c5 = st.columns(3)
offered = [n for n in view.PER_CLASS if n <= serving.cap("pipeline.per_class", max(view.PER_CLASS))]
counts = [t("pipeline.count", n=n) for n in offered]
per_class = offered[widgets.synced_index(c3.select_slider, t("pipeline.per_class"), "n", counts,
                                         min(4, len(offered) - 1))]
epochs = widgets.synced_int(c4.slider, t("pipeline.epochs"), "ep", 10, 1, serving.cap("pipeline.epochs",
                                                                                      pipeline.MAX_EPOCHS),
                            help=t("pipeline.epochs_help"))
seed = widgets.seed_input(container=c5)

try:
    config = pipeline.validate(pipeline.PipelineConfig(family=family, classes=tuple(classes), per_class=per_class,
                                                       seed=seed))
except pipeline.PipelineInputError as exc:
    view.stop()  # a run in progress pauses (and is kept) while the choice cannot be trained
    st.warning(view.error_text(exc), icon="⚠️")
    st.stop()

key = view.settings_key(config)
running = view.is_running(key)
run = view.current_run(key)
b1, b2, b3, _ = st.columns([1, 1, 1, 2])
b1.button(t("pipeline.train"), icon="🏋️", type="primary", key="pipeline_train", on_click=view.start, args=(key,),
          disabled=running)
b2.button(t("pipeline.stop"), icon="⏹️", key="pipeline_stop", on_click=view.stop, disabled=not running)
b3.button(t("pipeline.reset"), icon="🔄", key="pipeline_reset", on_click=view.reset, args=(key,),
          disabled=run is None or running)
serving.touch(view.SCOPE)  # the page body runs again only when a widget changed (and says if idle paused it)
status = st.empty()
overview = st.container()

# The five stages, each with its real artifact -------------------------------------------------
st.header(t("pipeline.stages.header"))
slots = view.stage_slots(widgets.key_figure(), "pipeline")  # the key figure: the five stages with their artifacts
view.draw_data(config, slots["data"])

if running:
    try:
        run = run or view.prepare(config)
    except loaders.LOAD_ERRORS as exc:
        view.stop()
        st.error(t("common.load_error", detail=str(exc)), icon="🚫")
        st.stop()
    view.train_live(run, key, epochs, status, slots)
view.draw_stages(run, slots)
if run is None:
    overview.caption(t("pipeline.hint"))
else:
    with overview:
        view.summary(run, epochs, running)
    view.model_card(run)

st.header(t("pipeline.try.header"))
widgets.paragraph("pipeline.try.body")
