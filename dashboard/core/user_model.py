"""A session's own model (Your own text, Your own pictures): held in a process-wide
:class:`models.core.model_zip.ModelStore` of at most ``GENAI_LAB_OWN_MODELS`` models, least recently used
dropped first, while the session keeps only its key in ``st.session_state``. So a class of users never
holds more than N models in memory, and a session whose model was dropped can say so.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class SessionModel:
    key: str                   # session-state key of the model's name in the store
    run_id_key: str            # session-state key of the session's name in the line for training slots
    prefix: str                # of that name
    store: Callable[[], object]  # the page's store, looked up on every call (tests replace it)

    def held(self):
        """The session's model, or None (none yet, or dropped from the server's memory to make room)."""
        return self.store().get(st.session_state.get(self.key))

    def lost(self) -> bool:
        """True when the session had a model that the store has since dropped."""
        return st.session_state.get(self.key) is not None and self.held() is None

    def keep(self, name: str, run) -> None:
        """Make ``run`` (stored as ``name``) the session's model: the one it had leaves the store."""
        old = st.session_state.get(self.key)
        if old:
            self.store().drop(old)
        st.session_state[self.key] = name
        self.store().put(name, run)

    def export(self, progress: object, make: Callable[[], bytes]) -> bytes:
        """The model's file, made by ``make`` once per model and ``progress`` (its trained state), kept in
        the session: a rerun that redraws the download button does not zip the model again."""
        state = (st.session_state.get(self.key), progress)
        cached = st.session_state.get(f"{self.key}_export")
        if cached is None or cached[0] != state:
            cached = (state, make())
            st.session_state[f"{self.key}_export"] = cached
        return cached[1]

    def run_id(self) -> str:
        """This session's name in the line for training slots, made once."""
        return st.session_state.setdefault(self.run_id_key, f"{self.prefix}-{uuid.uuid4().hex}")
