"""Your own text: paste or upload a text, a small GPT learns it live, then use it in the next-token lab.

Checks, training, the baseline and the model file: :mod:`models.language.own_text`; the session's
model, the live loop and the figures: :mod:`dashboard.language.own_view`.
"""

import streamlit as st

from dashboard import serving
from dashboard.core import exports, widgets
from dashboard.core.i18n import t
from dashboard.language import own_view as view
from models.language import own_text

widgets.setup_page()
st.title(t("owntext.title"))
widgets.paragraph("owntext.intro")

# 1. Your text, and how long to train on it --------------------------------------------------------
st.header(t("owntext.input.header"))
widgets.paragraph("owntext.input.body", n=f"{own_text.MIN_CHARS:,}", maximum=f"{own_text.MAX_CHARS:,}")
c1, c2, c3 = st.columns([2, 3, 2])
c1.file_uploader(t("owntext.upload"), type=["txt"], key=view.UPLOAD, help=t("owntext.upload_help"),
                 on_change=view.forget_error)
if (note := view.upload_note()) is not None:
    c1.caption(note)
s1, s2 = c1.columns(2)
s1.button(t("owntext.sample_ko"), icon="🇰🇷", key="own_sample_ko", on_click=view.use_sample, args=("ko",))
s2.button(t("owntext.sample_en"), icon="📜", key="own_sample_en", on_click=view.use_sample, args=("en",))
c2.text_area(t("owntext.paste"), key=view.PASTE, height=160, max_chars=own_text.MAX_CHARS + 1,  # longer: refused
             placeholder=t("owntext.paste_placeholder"))
offered = [s for s in view.SECONDS if s <= serving.cap("owntext.seconds", max(view.SECONDS))]
budget = offered[widgets.synced_index(c3.select_slider, t("owntext.seconds"), "secs",
                                      [t("owntext.seconds_n", n=s) for s in offered],
                                      offered.index(120) if 120 in offered else len(offered) - 1,
                                      help=t("owntext.seconds_help"))]
seed = widgets.seed_input(container=c3)
view.load_zip()  # a model zip uploaded below: checked and loaded before anything is drawn
running = bool(st.session_state.get(view.RUNNING))
run = view.session_run()
b1, b2 = c3.columns(2)
b1.button(t("owntext.train"), icon="🏋️", type="primary", key="own_train", on_click=view.start, args=(seed,),
          disabled=running)
b2.button(t("owntext.stop"), icon="⏹️", key="own_stop", on_click=view.stop, disabled=not running)
serving.touch(view.SCOPE)
error = st.session_state.get(view.ERROR)
if error is not None:  # the text or file could not be used: say why; the model held so far stays
    st.warning(view.error_text(error), icon="⚠️")
if view.lost():
    st.info(t("owntext.lost"), icon="🧹")
if st.session_state.pop("own_loaded", False):
    st.success(t("owntext.loaded"), icon="📦")
status = st.empty()
with widgets.key_figure():  # the held-out loss against the text's own bigram table, and a fresh sample
    slots = {"curve": st.empty(), "sample": st.empty()}
if running:
    run = view.prepare(seed)
    if run is not None and run.trainable:
        view.train_live(run, budget, status, slots)
    else:
        view.stop()
view.draw(run, slots)
if run is not None and not running and run.trainable and run.seconds:
    st.caption(t("owntext.stopped" if run.seconds < budget else "owntext.done", s=f"{run.seconds:.0f}"))

# 2. What the curve says ----------------------------------------------------------------------------
st.header(t("owntext.train.header"))
widgets.paragraph("owntext.train.body")

# 3. Use it, keep it ------------------------------------------------------------------------------
st.header(t("owntext.use.header"))
widgets.paragraph("owntext.use.body")
if run is not None:
    st.page_link("pages/next_token.py", label=t("owntext.to_lab"), icon="✍️")
    st.download_button(t("owntext.download"), view.export_bytes(run), icon="💾", key="own_download",
                       file_name=exports.file_name("own_text_model", "zip", steps=run.step, seed=run.config.seed),
                       mime="application/zip", disabled=running)
st.file_uploader(t("owntext.load"), type=["zip"], key=view.ZIP, help=t("owntext.load_help"))
if run is not None:
    view.model_card(run)
