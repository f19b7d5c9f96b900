"""Music: a melody is a token sequence too, and a small GPT continues it one sixteenth note at a time."""

import pandas as pd
import streamlit as st

from dashboard.core import loaders, widgets
from dashboard.core.i18n import t
from dashboard.language import text_view
from dashboard.melody import loaders as melody_loaders
from dashboard.melody import music_view
from models.melody import melody_corpus, music

widgets.setup_page()
st.title(t("music.title"))
widgets.paragraph("music.intro")

widgets.load_or_stop(melody_loaders.melody_model)
held_out = widgets.load_or_stop(lambda: melody_loaders.melodies("valid"))

# 1. Music as tokens -------------------------------------------------------------------------
st.header(t("music.tokens.header"))
widgets.paragraph("music.tokens.body")
example = music.melody_tokens(held_out[0])[: 2 * melody_corpus.STEPS_PER_BAR + 1]
widgets.key_figure().markdown(  # a melody as tokens
    text_view.token_html([(i, music.token_name(i)) for i in example], show_ids=True), unsafe_allow_html=True)
st.caption(t("music.tokens.caption", title=held_out[0].title or held_out[0].name,
             vocab=music.VOCAB_SIZE, low=music.note_name(melody_corpus.LOWEST),
             high=music.note_name(melody_corpus.HIGHEST)))
st.latex(r"p(x_1, \dots, x_T) = \prod_{t=1}^{T} p(x_t \mid x_{<t})")
widgets.paragraph("music.tokens.chain")

# 2. Controls --------------------------------------------------------------------------------
st.header(t("music.write.header"))
widgets.paragraph("music.write.body")
c1, c2, c3, c4, c5 = st.columns(5)
mode_labels = [t(f"music.mode.{m}") for m in melody_corpus.MODES]
mode_index = widgets.synced_index(c1.radio, t("music.mode"), "mode", mode_labels, help=t("music.mode_help"))
mode = melody_corpus.MODES[mode_index]
bars = widgets.synced_int(c2.slider, t("music.bars"), "bars", 8, 1, music.MAX_BARS, help=t("music.bars_help"))
temperature = widgets.synced_float(c3.slider, t("music.temperature"), "temp", 1.0, 0.1, 2.0, step=0.05,
                                   help=t("music.temperature_help"))
seed = widgets.seed_input(container=c4)
bpm = widgets.synced_int(c5.slider, t("music.bpm"), "bpm", 96, 50, 180, step=2, help=t("music.bpm_help"))

raw_start = widgets.synced_text(st.text_input, t("music.start"), "start", "E5 D5:2 C5:2 D5 E5", max_chars=400,
                               help=t("music.start_help"), placeholder="C5 D5:2 E5:2 r:4")
pattern = music.parse_start(raw_start)
music_view.start_notices(pattern.problems)
if pattern.notes:
    st.caption(t("music.start.read", notes=music.format_notes(pattern.notes),
                 steps=sum(d for _, d in pattern.notes)))
start_steps = sum(d for _, d in pattern.notes)
if start_steps >= bars * melody_corpus.STEPS_PER_BAR:
    st.info(t("music.start.fills", bars=bars), icon="ℹ️")

# 3. One call: sample, render, draw ----------------------------------------------------------
result = melody_loaders.melody(mode, bars, temperature, seed, tuple(pattern.notes), bpm)
st.subheader(t("music.result.header"))
st.markdown(t("music.result.legend"))
music_view.player(result, f"melody_{mode}_{bars}bars_seed{seed}", "generated")
st.caption(t("music.result.speed", tokens=len(result["tokens"]) - 1, seconds=f"{result['seconds']:.2f}",
             device=loaders.device()))
with st.expander(t("music.result.tokens")):
    st.markdown(text_view.token_html([(i, music.token_name(i)) for i in result["tokens"]], show_ids=False,
                                     highlight_from=1 + start_steps), unsafe_allow_html=True)

# 4. Real vs generated vs a table of token counts ------------------------------------------
st.header(t("music.compare.header"))
widgets.paragraph("music.compare.body")
titles = [f"{m.title or m.name} ({m.name}, {t('music.mode.' + m.mode)})" for m in held_out]
tune = widgets.synced_index(st.selectbox, t("music.compare.tune"), "tune", titles)
refs = melody_loaders.melody_references(tune, mode, bars, seed, bpm)
columns = st.columns(3)
for column, (key, shown) in zip(columns, (("real", refs["real"]), ("model", result), ("unigram", refs["unigram"])),
                                strict=True):
    with column:
        st.subheader(t(f"music.compare.{key}"))
        st.caption(t(f"music.compare.{key}_caption"))
        music_view.player(shown, f"{key}_{bars}bars", f"compare_{key}", roll_height=240)
widgets.paragraph("music.compare.listen")

# 5. Measured: did the model learn something? -----------------------------------------------
st.header(t("music.measured.header"))
m = loaders.metrics(music.NAME)
if m:
    rows = [(t("music.measured.uniform"), m["uniform_nats_per_token"], m["uniform_nats_per_token"]),
            (t("music.measured.unigram"), m["baselines"]["unigram"]["nats_per_token"],
             m["baselines"]["unigram"]["nats_per_onset"]),
            (t("music.measured.bigram"), m["baselines"]["bigram"]["nats_per_token"],
             m["baselines"]["bigram"]["nats_per_onset"]),
            (t("music.measured.gpt"), m["valid_nats_per_token"], m["valid_nats_per_onset"])]
    widgets.table(pd.DataFrame(rows, columns=[t("music.measured.model"), t("music.measured.per_token"),
                                              t("music.measured.per_onset")]), "music-measured",
                  hide_index=True, width="stretch",
                  column_config={c: st.column_config.NumberColumn(format="%.3f")
                                 for c in (t("music.measured.per_token"), t("music.measured.per_onset"))})
    widgets.paragraph("music.measured.body", tunes=m["valid_melodies"], tokens=f"{m['valid_tokens']:,}",
                      gpt=f"{m['valid_nats_per_token']:.3f}",
                      bigram=f"{m['baselines']['bigram']['nats_per_token']:.3f}",
                      onset=f"{m['valid_nats_per_onset']:.2f}",
                      bigram_onset=f"{m['baselines']['bigram']['nats_per_onset']:.2f}")
else:
    st.info(t("music.measured.missing"), icon="ℹ️")

widgets.model_card([
    (t("card.data"), t("music.card.data", train=m.get("train_melodies", 0), valid=m.get("valid_melodies", 0),
                       tokens=f"{m.get('train_tokens', 0):,}")),
    (t("card.models"), t("music.card.model", p=f"{m.get('parameters', 0):,}", vocab=music.VOCAB_SIZE)),
    (t("card.training"), t("music.card.training", steps=m.get("steps", 0), epochs=f"{m.get('epochs', 0):.0f}",
                           minutes=f"{m.get('wall_time_s', 0) / 60:.1f}")),
    (t("card.metrics"), t("music.card.metrics", loss=f"{m.get('valid_nats_per_token', float('nan')):.3f}",
                          ppl=f"{m.get('valid_perplexity', float('nan')):.2f}")),
    (t("card.limits"), t("music.card.limits")),
], developer=[
    (t("card.retrain"), "`python -m models melodies` · `python -m models train melody_gpt`"),
])
