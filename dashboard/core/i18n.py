"""Bilingual UI text: ``t("key")`` over ``assets/i18n/{ko,en}.json`` and ``assets/i18n/{ko,en}/*.json``.

Shared strings live in ``<lang>.json``; each page may keep its own strings in
``<lang>/<page>.json`` (keys prefixed with the page name). A key may be defined only once.

The language lives in ``st.session_state["lang"]`` and is mirrored into the URL
(``?lang=ko`` / ``?lang=en``) on every run, because sidebar navigation drops query
parameters. Precedence on each run: a valid ``?lang`` in the URL, then the session's
language, then ``$GENAI_LAB_LANG``, then Korean.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import streamlit as st

I18N_DIR = Path(__file__).resolve().parents[2] / "assets" / "i18n"
LANGS = ("ko", "en")
LANG_LABELS = {"ko": "한국어", "en": "English"}
ENV_LANG = "GENAI_LAB_LANG"
_STATE = "lang"
_WIDGET = "_lang_switch"


def string_files(lang: str) -> list[Path]:
    return [I18N_DIR / f"{lang}.json", *sorted((I18N_DIR / lang).glob("*.json"))]


@cache
def strings(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in string_files(lang):
        part = json.loads(path.read_text(encoding="utf-8"))
        duplicated = merged.keys() & part.keys()
        if duplicated:
            raise ValueError(f"{path} redefines {sorted(duplicated)[:5]}")
        merged.update(part)
    return merged


def missing(keys) -> dict[str, list[str]]:
    """Per language, the ``keys`` that have no string (e.g. ``missing(models.image.zoo.i18n_keys())``
    names what a new family or sampler row still needs)."""
    return {code: [key for key in keys if key not in strings(code)] for code in LANGS}


@cache
def glossary() -> list[dict[str, str]]:
    return json.loads((I18N_DIR / "glossary.json").read_text(encoding="utf-8"))


def default_lang() -> str:
    env = os.environ.get(ENV_LANG, "").strip().lower()
    return env if env in LANGS else "ko"


def init_lang() -> str:
    """Settle this run's language and write it back to the URL. Safe to call twice."""
    asked = st.query_params.get("lang")
    if asked in LANGS:
        st.session_state[_STATE] = asked
    elif st.session_state.get(_STATE) not in LANGS:
        st.session_state[_STATE] = default_lang()
    lang = st.session_state[_STATE]
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    return lang


def lang() -> str:
    current = st.session_state.get(_STATE)
    return current if current in LANGS else init_lang()


def t(key: str, **fmt) -> str:
    """The UI string ``key`` in the current language (English, then the key, as fallback)."""
    text = strings(lang()).get(key) or strings("en").get(key) or key
    return text.format(**fmt) if fmt else text


def _on_switch() -> None:
    chosen = st.session_state.get(_WIDGET)
    if chosen in LANGS:
        st.session_state[_STATE] = chosen
        st.query_params["lang"] = chosen


def language_switch() -> None:
    """Sidebar control 한국어 / English (label in both languages on purpose)."""
    current = lang()
    if st.session_state.get(_WIDGET) != current:
        st.session_state[_WIDGET] = current
    st.sidebar.segmented_control(
        "🌐 언어 / Language", LANGS, format_func=LANG_LABELS.get, key=_WIDGET, on_change=_on_switch,
        selection_mode="single",
    )


def term(term_id: str) -> str:
    """A glossary term in the current language (one Korean name per concept)."""
    for entry in glossary():
        if entry["id"] == term_id:
            return entry[lang()]
    raise KeyError(term_id)
