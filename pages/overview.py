"""What is generative AI? The same data, a discriminative and a generative model."""

import numpy as np
import streamlit as st

from dashboard.basics import loaders as basics_loaders
from dashboard.core import charts, links, loaders, pictures, widgets
from dashboard.core.i18n import t
from models.apps.landscape import MODALITIES
from models.basics.overview import CLASSIFIER, GAUSSIAN
from models.core import data

widgets.setup_page()
st.title(t("overview.title"))
widgets.paragraph("overview.intro")

# 1. Same data, two models ---------------------------------------------------------------
st.header(t("overview.two.header"))
widgets.paragraph("overview.two.intro")
test = widgets.load_or_stop(loaders.test_split)
train = widgets.load_or_stop(loaders.train_subset)
classifier = widgets.load_or_stop(basics_loaders.classifier)
gaussian = widgets.load_or_stop(basics_loaders.gaussian)
names = widgets.class_names()

with widgets.key_figure():  # the same data, two models: the page's point
    left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("overview.disc.header"))
    widgets.paragraph("overview.disc.body")
    pick, shuffle = st.columns([3, 1], vertical_alignment="bottom")
    with pick:
        index = widgets.synced_int(
            st.number_input, t("overview.disc.index", n=len(test) - 1), "img", 0, 0, len(test) - 1, step=1)
    shuffle.button(t("overview.disc.random"), icon="🎲", width="stretch",
                   on_click=widgets.set_url_value,
                   args=("img", int(np.random.default_rng().integers(len(test)))))
    image, truth = test.images[index], int(test.labels[index])
    with classifier as model:
        p_disc = model.predict_proba(image[None])[0]
    with gaussian as model:
        p_gen = model.predict_proba(image[None])[0]
    shown, bars = st.columns([1, 2])
    pictures.show_grid(image[None], 1, caption=t("overview.disc.truth", name=names[truth]), container=shown,
                       key="test_image", file_name=pictures.file_name("overview", "test-image", img=index))
    bars.plotly_chart(charts.probability_bars(
        {t("overview.disc.series_disc"): p_disc, t("overview.disc.series_gen"): p_gen},
        names, highlight=truth, height=340), key="probs")
    guess = int(p_disc.argmax())
    verdict = "overview.disc.right" if guess == truth else "overview.disc.wrong"
    st.markdown(t(verdict, name=names[guess], p=f"{p_disc[guess]:.0%}", truth=names[truth]))

with right:
    st.subheader(t("overview.gen.header"))
    widgets.paragraph("overview.gen.body")
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    label = widgets.class_select(t("overview.gen.class"), "cls", default=0, container=c1)
    seed = widgets.seed_input(container=c2)
    c3.button(t("overview.gen.again"), icon="🔁", width="stretch",
              on_click=widgets.set_url_value, args=("seed", (seed + 1) % 2**32))
    with gaussian as model:
        samples = model.sample(label, 8, seed)
        ll_image, ll_noise = model.log_likelihood(np.stack([image, *data.noise_images(1, seed)]))[:, label]
    pictures.show_grid(samples, 4, caption=t("overview.gen.new", name=names[label]), key="samples",
                       file_name=pictures.file_name("overview", "samples", cls=label, seed=seed))
    real = data.examples(train, label, 8, seed)
    pictures.show_grid(real, 4, caption=t("overview.gen.real", name=names[label]), key="real",
                       file_name=pictures.file_name("overview", "real", cls=label, seed=seed))
    st.markdown(t("overview.gen.likelihood", name=names[label], image=f"{ll_image:,.0f}",
                  noise=f"{ll_noise:,.0f}"))

# 2. What each model can do ----------------------------------------------------------------
st.subheader(t("overview.scores.header"))
m_disc, m_gen = loaders.metrics(CLASSIFIER), loaders.metrics(GAUSSIAN)
a, b, c = st.columns(3)
a.metric(t("overview.scores.disc_acc"), f"{m_disc.get('test_accuracy', float('nan')):.1%}")
b.metric(t("overview.scores.gen_acc"), f"{m_gen.get('bayes_test_accuracy', float('nan')):.1%}")
c.metric(t("overview.scores.data"), f"{m_disc.get('train_images', 0):,} / {len(test):,}")
st.markdown(t("overview.scores.table"))
widgets.model_card([
    (t("card.data"), t("overview.card.data")),
    (t("card.models"), t("overview.card.models", p_disc=f"{m_disc.get('parameters', 0):,}",
                         p_gen=f"{m_gen.get('parameters', 0):,}")),
    (t("card.training"), t("overview.card.training", s_disc=f"{m_disc.get('wall_time_s', 0):.0f}",
                           s_gen=f"{m_gen.get('wall_time_s', 0):.1f}")),
    (t("card.metrics"), t("overview.card.metrics", a_disc=f"{m_disc.get('test_accuracy', 0):.1%}",
                          a_gen=f"{m_gen.get('bayes_test_accuracy', 0):.1%}")),
    (t("card.limits"), t("overview.card.limits")),
], developer=[
    (t("card.retrain"), "`python -m models train overview_classifier` · `python -m models train overview_gaussian`"),
])

# 3. What generative AI makes --------------------------------------------------------------
st.header(t("overview.modalities.header"))
widgets.paragraph("overview.modalities.intro")
for row in (MODALITIES[:4], MODALITIES[4:]):
    for col, m in zip(st.columns(4), row, strict=False):
        with col.container(border=True):
            st.markdown(f"#### {m.icon} {t(f'modality.{m.key}.name')}")
            st.markdown(t(f"modality.{m.key}.what"))
            st.caption(t("overview.modalities.systems", systems=t(f"modality.{m.key}.systems")))
links.page_link("landscape", label=t("overview.modalities.more"), icon="🗺️")

# 4. Traditional vs generative AI ----------------------------------------------------------
st.header(t("overview.trad.header"))
st.markdown(t("overview.trad.table"))
st.info(t("overview.trad.takeaway"), icon="💡")
