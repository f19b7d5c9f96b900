"""Shared page helpers: set-up, URL-synced controls, friendly load errors, model cards."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

import streamlit as st

from dashboard.core import pictures, presenter, url_state
from dashboard.core.i18n import init_lang, lang, strings, t
from dashboard.core.loaders import LOAD_ERRORS
from models.core import data
from models.image import zoo

T = TypeVar("T")
_PREFIX = "_url_"


def setup_page() -> str:
    """Call first on every page: settles the language even when the page runs on its own, and sets
    torch's thread count once for the whole process (:func:`models.core.device.configure_threads`; a
    flag check after the first call) before any page does tensor work, and offline mode for the
    hub libraries unless the optional hub model is configured (:func:`models.language.hub.configure_offline`,
    once, before any loader imports them), and the static CSS that keeps enlarged pictures crisp
    (:data:`dashboard.core.pictures.CSS`).

    It also finishes importing pandas before the page draws anything: plotly uses pandas only if
    ``sys.modules`` already holds it, so while one session is halfway through importing it (its
    first table), another session's chart would meet a half-initialised module ("partially
    initialized module 'pandas'"). ``import`` waits for the other thread's import to finish; after
    the first page of a process it costs nothing (0.38 s once, measured on the 2-core machine)."""
    import pandas  # noqa: F401  (see above)

    from models.core.device import configure_threads
    from models.language import hub

    _leave_legacy_navigation()
    hub.configure_offline()
    configure_threads()
    pictures.inject_css()
    return init_lang()


def key_figure():
    """The container of the page's key figure (one per page): ``with widgets.key_figure(): ...``.
    Its DOM class ``st-key-key_figure`` is what presenter mode and the layout tests look for."""
    return st.container(key="key_figure")


def _leave_legacy_navigation() -> None:
    """Make a deep link on a fresh server go through ``app.py``'s ``st.navigation``.

    Streamlit marks an app with a ``pages/`` folder as a legacy (v1) multipage app until the
    first ``st.navigation`` call; a first visit straight to ``/diffusion`` would then run the
    page script alone, with file-name navigation and no language switch. Clearing the flag
    and rerunning runs ``app.py``, which resolves the same URL path to the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and st.runtime.exists():
        PagesManager.uses_pages_directory = False
        st.rerun()


def class_names() -> list[str]:
    return list(data.CLASS_NAMES[lang()])


def family_name(family: str) -> str:
    """An image family's translated name (its row in :data:`models.image.zoo.FAMILIES`)."""
    return t(zoo.FAMILIES[family].name_key) if family in zoo.FAMILIES else family


def sampler_name(sampler: str) -> str:
    """A diffusion sampler's display name (its row in :data:`models.image.zoo.SAMPLERS`)."""
    return t(zoo.SAMPLERS[sampler].name_key) if sampler in zoo.SAMPLERS else sampler


def url_notice(name: str, value: object, key: str = "common.url_clamped") -> None:
    """The short notice that a link's ``?name=`` was changed to ``value`` (or ignored)."""
    st.toast(t(key, name=md_escape(name), value=md_escape(str(value))), icon="⚠️")


def _seed_from_url(name: str, kind: str, default, parse: Callable[[str], tuple[object, bool]],
                   notice: str = "common.url_clamped", shown: Callable[[object], object] = lambda v: v) -> str:
    """The session-state key of control ``name``. On the session's first run its value comes from
    ``?name=``: ``parse(text)`` gives ``(value, adjusted)``, a ``None`` value means unusable (the
    default is used); an adjusted value gets a notice showing ``shown(value)``. Later runs only check
    that the page declares ``name`` (:data:`dashboard.core.url_state.PAGES`)."""
    key = _PREFIX + name
    if key in st.session_state:
        url_state.check_declared(name, kind)
        return key
    text = url_state.raw(name, kind)
    value, adjusted = (default, False) if text is None else parse(text)
    st.session_state[key] = default if value is None else value
    if adjusted:
        url_notice(name, shown(st.session_state[key]), notice)
    return key


def set_url_value(name: str, value: int) -> None:
    """Change a synced control from a callback (e.g. a "random" button)."""
    st.session_state[_PREFIX + name] = value


def reseed_from_url(names: Sequence[str]) -> None:
    """Let the synced controls ``names`` take their value from the URL again on this run (a link that
    preloads settings, such as a lesson step, opened in a session that already has those controls)."""
    for name in names:
        st.session_state.pop(_PREFIX + name, None)


def synced_int(widget: Callable[..., T], label: str, name: str, default: int, lo: int, hi: int,
               cast: Callable[[str], int | float] = int, **kwargs) -> T:
    """Draw ``widget`` whose value starts from ``?name=`` and is written back to the URL.

    ``name`` must be declared for the page in :data:`dashboard.core.url_state.PAGES`. Bad or
    out-of-range URL values are clamped or ignored with a short notice, never an error.
    """
    kind = "choice" if "options" in kwargs else "float" if cast is float else "int"
    key = _seed_from_url(name, kind, default, lambda text: url_state.parse_number(text, lo, hi, cast))
    if getattr(widget, "__name__", "") in ("number_input", "slider"):
        kwargs.update(min_value=lo, max_value=hi)
    value = widget(label, key=key, **kwargs)
    url_state.write(name, value)
    return value


def synced_index(widget: Callable[..., T], label: str, name: str, labels: Sequence[str], default: int = 0,
                 **kwargs) -> int:
    """:func:`synced_int` for one choice among ``labels`` (radio, select box, select slider): the URL
    holds the chosen position, clamped to the offered choices; returns that position."""
    return synced_int(widget, label, name, default, 0, len(labels) - 1, options=list(range(len(labels))),
                      format_func=list(labels).__getitem__, **kwargs)


def synced_float(widget: Callable[..., T], label: str, name: str, default: float, lo: float, hi: float,
                 **kwargs) -> T:
    """:func:`synced_int` for a float control (a slider with a ``step``)."""
    return synced_int(widget, label, name, default, lo, hi, cast=float, **kwargs)


def synced_scaled(widget: Callable[..., float], label: str, name: str, default: int, lo: int, hi: int,
                  scale: int, step: int = 1, **kwargs) -> float:
    """A float control that shows the real value (a temperature of 0.70) while the URL keeps an
    integer, the value × ``scale`` (``?temp=70``), so links made before keep working."""
    def parse(text: str) -> tuple[float | None, bool]:
        value, adjusted = url_state.parse_number(text, lo, hi, int)
        return (None if value is None else value / scale), adjusted

    key = _seed_from_url(name, "int", default / scale, parse, shown=lambda v: round(v * scale))
    value = widget(label, key=key, min_value=lo / scale, max_value=hi / scale, step=step / scale, **kwargs)
    url_state.write(name, round(value * scale))
    return value


def synced_text(widget: Callable[..., str], label: str, name: str, default: str, max_chars: int, **kwargs) -> str:
    """A text box whose content starts from ``?name=`` (control characters removed, at most
    ``max_chars``) and is written back to the URL."""
    key = _seed_from_url(name, "text", default, lambda text: url_state.parse_text(text, max_chars),
                         "common.url_cleaned", shown=lambda v: v[:40])
    value = widget(label, key=key, max_chars=max_chars, **kwargs)
    url_state.write(name, value)
    return value


def synced_classes(label: str, name: str, default: Sequence[int], container=st, **kwargs) -> list[int]:
    """A multiselect of classes from ``?name=1,7,8`` on the first run, written back to the URL."""
    key = _seed_from_url(name, "classes", list(default), lambda text: url_state.parse_classes(text, data.NUM_CLASSES),
                         "common.url_cleaned", shown=lambda v: ",".join(map(str, v)))
    names = class_names()
    chosen = container.multiselect(label, list(range(data.NUM_CLASSES)), format_func=names.__getitem__, key=key,
                                   **kwargs)
    url_state.write(name, ",".join(str(c) for c in sorted(chosen)))
    return sorted(chosen)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=&])")
# GFM turns bare addresses into links after escapes are resolved, so escaping cannot stop it: a
# zero-width space inside "://", after "www" and before "@" does (the text looks the same).
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?=@)")


def md_escape(text: str, keep_lines: bool = False) -> str:
    """User, URL or model text made safe to show inside Markdown: every character Markdown (or
    Streamlit's emoji, colour and LaTeX extensions) would interpret is backslash-escaped, so
    ``[x](url)`` shows as text instead of a link, ``![x](url)`` loads nothing and a bare address
    is not made a link. Line breaks become spaces, or with ``keep_lines`` Markdown line breaks
    (never a new block such as a heading)."""
    text = _AUTOLINK.sub("\u200b", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("\n", "  \n") if keep_lines else escaped.replace("\n", " ")


def md_code(text: str) -> str:
    """User text as an inline code span (no Markdown inside; a backtick in it cannot close the span)."""
    return "`" + " ".join(str(text).splitlines()).replace("`", "ˋ") + "`"


def class_select(label: str, name: str, default: int = 0, container=st) -> int:
    return synced_index(container.selectbox, label, name, class_names(), default)


def class_and_two_seeds(names: tuple[str, str, str], defaults: tuple[int, int, int]) -> tuple[int, int, int]:
    """Three controls in a row: a class and the seeds of two latent codes (start and end of a walk)."""
    c1, c2, c3 = st.columns(3)
    label = class_select(t("gan.class"), names[0], default=defaults[0], container=c1)
    seed_a = synced_int(c2.number_input, t("gan.seed_a"), names[1], defaults[1], 0, 2**32 - 1, step=1)
    seed_b = synced_int(c3.number_input, t("gan.seed_b"), names[2], defaults[2], 0, 2**32 - 1, step=1)
    return label, seed_a, seed_b


def seed_input(name: str = "seed", default: int = 0, container=st) -> int:
    return synced_int(container.number_input, t("common.seed"), name, default, 0, 2**32 - 1, step=1,
                      help=t("common.seed_help"))


def load_or_stop(loader: Callable[[], T]) -> T:
    """Run a cached loader; a missing or corrupt file becomes a message, not a traceback."""
    try:
        return loader()
    except LOAD_ERRORS as exc:
        st.error(t("common.load_error", detail=str(exc)), icon="🚫")
        st.stop()


MORE = ".more"  # suffix of a paragraph's details, folded below it (tests/dashboard/test_text_length.py)


def paragraph(key: str, container=st, kind: str = "markdown", **fmt) -> None:
    """The short paragraph ``key`` (drawn as ``kind``: markdown, caption or info); its details
    ``key.more``, where there are any, folded below it in the same style. In presenter mode
    (:mod:`dashboard.core.presenter`) a markdown or info paragraph is folded too, with its details,
    into one expander, so the page's figure comes first; captions stay in view."""
    more = key + MORE in strings("en")
    if kind != "caption" and presenter.is_on():
        box = container.expander(t("presenter.explain"), icon="📖")
        getattr(box, kind)(t(key, **fmt), **({"icon": "ℹ️"} if kind == "info" else {}))
        if more:
            getattr(box, kind)(t(key + MORE, **fmt))
        return
    draw = getattr(container, kind)
    draw(t(key, **fmt), **({"icon": "ℹ️"} if kind == "info" else {}))
    if more:
        getattr(container.expander(t("common.fold"), icon="📖"), kind)(t(key + MORE, **fmt))


def table(data, name: str, settings: dict[str, object] | None = None, static: bool = False, container=st,
          **kwargs) -> None:
    """A table (``st.dataframe``, or with ``static`` ``st.table``) and a button to download it as CSV
    (:func:`dashboard.core.exports.csv_bytes`, UTF-8 with BOM). The file is named after ``name`` (also
    the button's key), the language and ``settings``, e.g. ``tokens_lang-ko_tok-2.csv``. ``kwargs`` go to
    the table call (``hide_index``, ``column_config``, ...)."""
    import pandas as pd

    from dashboard.core import exports

    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    (container.table if static else container.dataframe)(frame, **kwargs)
    container.download_button(t("common.csv"), exports.csv_bytes(frame), mime="text/csv", icon="📄",
                              file_name=exports.file_name(name, "csv", lang=lang(), **(settings or {})),
                              key=f"csv_{name}")


def model_card(rows: Sequence[tuple[str, str]], developer: Sequence[tuple[str, str]] = ()) -> None:
    """A short two-column model card: data, parameters, training time, metrics, limits; then, folded
    apart from it, the ``developer`` rows (commands, files, packages) a student does not need."""
    def table(pairs):
        return "\n".join(["| | |", "|---|---|", *(f"| **{k}** | {v} |" for k, v in pairs)])

    if rows:
        with st.expander(t("common.model_card"), icon="🗂️"):
            st.markdown(table(rows))
    if developer:
        with st.expander(t("common.developer"), icon="🛠️"):
            st.markdown(table(developer))
