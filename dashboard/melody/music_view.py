"""Pieces of the music page: the piano-roll figure, a melody's player, notices about the start notes."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from dashboard.core import widgets
from dashboard.core.charts import _layout
from dashboard.core.i18n import t
from models.melody import music
from models.melody.melody_corpus import LOWEST, STEPS_PER_BAR

#: roll values → colour: silence, sustained (model), sustained (given), onset (model), onset (given)
#: (the palette's indigo and green; a sustained sixteenth is the same colour, lighter)
ROLL_COLORS = ["rgba(0,0,0,0)", "rgba(51,34,136,0.42)", "rgba(17,119,51,0.42)", "#332288", "#117733"]


def piano_roll_figure(roll: np.ndarray, height: int = 300) -> go.Figure:
    """Pitch (rows, named) over time in bars; a note's first sixteenth is darker, so repeats show."""
    used = np.flatnonzero(roll.any(axis=1))
    lo, hi = (used.min(), used.max()) if used.size else (0, roll.shape[0] - 1)
    lo, hi = max(lo - 2, 0), min(hi + 2, roll.shape[0] - 1)
    z = roll[lo:hi + 1].astype(float)
    names = [music.note_name(LOWEST + i) for i in range(lo, hi + 1)]
    steps = np.arange(roll.shape[1]) / STEPS_PER_BAR + 1
    scale = [[v / 4, c] for v, c in enumerate(ROLL_COLORS)]  # the values are whole numbers: exact colours
    fig = go.Figure(go.Heatmap(z=z, x=steps, y=names, zmin=0, zmax=4, colorscale=scale, showscale=False,
                               hovertemplate="%{y} · " + t("music.roll.bar") + " %{x:.2f}<extra></extra>", ygap=1))
    for bar in range(1, roll.shape[1] // STEPS_PER_BAR + 1):
        fig.add_vline(x=bar + 1 - 0.5 / STEPS_PER_BAR, line=dict(color="#bbb", width=1))
    fig.update_xaxes(title=t("music.roll.bar"), dtick=1)
    naturals = [name for name in names if "#" not in name]  # label the white keys only, like a keyboard
    fig.update_yaxes(title=None, type="category", tickmode="array", tickvals=naturals, ticktext=naturals)
    return _layout(fig, height)


def player(result: dict, name: str, key: str, roll_height: int = 300) -> None:
    """Piano roll, audio player, WAV download and a one-line summary of one melody."""
    st.plotly_chart(piano_roll_figure(result["roll"], roll_height), key=f"roll_{key}")
    st.audio(result["wav"], format="audio/wav")
    stats = result["stats"]
    st.caption(t("music.stats", notes=stats["notes"], scale=f"{stats['in_scale']:.0%}", range=stats["range"],
                 seconds=f"{result['duration']:.1f}"))
    st.download_button(t("music.download"), result["wav"], file_name=f"{name}.wav", mime="audio/wav",
                       icon="⬇️", key=f"download_{key}")


def start_notices(problems: list[tuple[str, str]]) -> None:
    """One short message per kind of change made to the start notes."""
    shown: dict[str, list[str]] = {}
    for code, detail in problems:
        shown.setdefault(code, []).append(detail)
    for code, details in shown.items():
        st.warning(t(f"music.start.{code}", words=widgets.md_escape(", ".join(dict.fromkeys(details))[:120]),
                     steps=music.MAX_START_STEPS), icon="✏️")
