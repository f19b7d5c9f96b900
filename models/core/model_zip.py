"""Reading a user's zip safely, and the checks of the JSON inside it (own text, own images).

:func:`read_members` is the one zip reader of every upload the app unpacks. Before anything is
decompressed it checks the whole file's size, that it is a zip at all, every member's name (UTF-8
or plain ASCII; no absolute paths, ``..``, backslashes, drive letters, hidden files or control
characters; folders only where the caller allows them, at most ``folders`` deep), the list of names
(``files``: exactly these, or a caller's ``check``), and per member that it is not encrypted and
cannot unpack to more than its limit or ``max_ratio`` × its compressed size (a zip bomb); while a
member is read it is cut off at its limit, so a lying header costs nothing either. Errors come from
the caller's ``error(code, message, **params)`` factory, so each page keeps its own error class and
i18n keys: ``zip_empty``, ``zip_size``, ``not_zip``, ``zip_name``, ``zip_files``, ``zip_encrypted``,
``zip_bomb`` (and ``bad_json`` from :func:`json_of`).

:class:`ModelStore` bounds how many user models one server keeps in memory. No Streamlit import.
"""

from __future__ import annotations

import io
import json
import math
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

ErrorFactory = Callable[..., Exception]   # error(code, message, **params) -> an exception to raise
MAX_RATIO = 200                           # uncompressed ÷ compressed size a member may have
R = TypeVar("R")


def shown_name(name: str) -> str:
    """A member's name as it may be shown: ASCII-escaped, at most 80 characters."""
    return ascii(name)[1:-1][:80]


def bad_name(name: str, utf8: bool, folders: int = 0) -> bool:
    """Whether a member name is refused: not UTF-8-flagged yet not ASCII, absolute, ``..``, ``\\``, ``:``,
    control characters, a part starting with a dot, or more than ``folders`` folder levels."""
    parts = name.rstrip("/").split("/")
    return (not utf8 and not name.isascii()) or "\\" in name or ".." in name or ":" in name \
        or name.startswith("/") or any(ord(c) < 32 for c in name) or len(parts) > folders + 1 \
        or any(not part or part.startswith(".") for part in parts)


def read_members(data: bytes, *, error: ErrorFactory, max_bytes: int, limit: Callable[[str], int],
                 files: tuple[str, ...] | None = None, folders: int = 0,
                 check: Callable[[list[str]], None] | None = None,
                 skip: Callable[[str], bool] = lambda name: False, max_ratio: int = MAX_RATIO,
                 max_total: int | None = None) -> dict[str, bytes]:
    """The files of an uploaded zip by name, each checked before and while it is read (module docstring).

    ``files``: the zip must hold exactly these names (else ``zip_files``); ``check`` is called with
    the member names instead, to refuse a list its own way. ``folders``: how deep members may sit
    (0: no folders); folder entries themselves are not returned. ``skip``: names ignored silently
    (e.g. ``__MACOSX/``). ``limit(name)``: the most bytes that member may unpack to; ``max_total``: all
    members together (``zip_bomb``)."""
    if not data:
        raise error("zip_empty", "the file is empty")
    if len(data) > max_bytes:
        raise error("zip_size", f"{len(data):,} bytes, at most {max_bytes:,}", n=f"{len(data):,}",
                    maximum=f"{max_bytes:,}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise error("not_zip", "not a zip file") from None
    kept = []
    for info in infos:
        name = info.filename
        if skip(name):
            continue
        if bad_name(name, bool(info.flag_bits & 0x800), folders) or (info.is_dir() and not folders):
            raise error("zip_name", f"a file name that is not allowed: {shown_name(name)}", name=shown_name(name))
        if not info.is_dir():
            kept.append(info)
    names = [info.filename for info in kept]
    if files is not None and sorted(names) != sorted(files):
        extra = sorted(set(names) - set(files)) + [n for n in set(names) if names.count(n) > 1]
        missing = sorted(set(files) - set(names))
        raise error("zip_files", f"the zip must hold exactly {', '.join(files)}; extra {extra}, missing {missing}",
                    files=", ".join(files), extra=", ".join(shown_name(n) for n in extra) or "—",
                    missing=", ".join(missing) or "—")
    if check is not None:
        check(names)
    if max_total is not None and sum(info.file_size for info in kept) > max_total:
        raise error("zip_bomb", f"the files would unpack to more than {max_total:,} bytes", name="*",
                    n=f"{sum(info.file_size for info in kept):,}")
    out = {}
    for info in kept:
        most = limit(info.filename)
        if info.flag_bits & 0x1:
            raise error("zip_encrypted", "the zip is encrypted")
        if info.file_size > most or info.file_size > max_ratio * max(info.compress_size, 1) + 4096:
            raise error("zip_bomb", f"{info.filename} would unpack to {info.file_size:,} bytes",
                        name=shown_name(info.filename), n=f"{info.file_size:,}")
        try:
            with archive.open(info) as member:
                body = member.read(most + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError) as exc:
            raise error("not_zip", f"{info.filename} cannot be read ({type(exc).__name__})") from None
        if len(body) > most:
            raise error("zip_bomb", f"{info.filename} unpacks to more than {most:,} bytes",
                        name=shown_name(info.filename), n=f"> {most:,}")
        out[info.filename] = body
    return out


def limits(table: Mapping[str, int]) -> Callable[[str], int]:
    """``limit`` for :func:`read_members` from a table name → bytes."""
    return table.__getitem__


def json_of(body: bytes, name: str, error: ErrorFactory):
    """The JSON value of a member; ``bad_json`` when it is not UTF-8 JSON."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise error("bad_json", f"{name} is not valid JSON", name=name) from None


def number(value, low: float, high: float, integer: bool = False) -> bool:
    """A finite number (not a bool) in [low, high]; an ``int`` when ``integer``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    return (not integer or isinstance(value, int)) and low <= value <= high


class ModelStore(Generic[R]):
    """At most ``capacity`` user models in one server's memory, least recently used dropped first.

    Sessions hold only a key; a session whose model was dropped gets ``None`` and says so. A dropped
    model's ``release()`` (if it has one) is called: it frees what only training needs."""

    def __init__(self, capacity: int):
        self.capacity = max(1, capacity)
        self._lock = threading.Lock()
        self._runs: OrderedDict[str, R] = OrderedDict()

    def put(self, key: str, run: R) -> None:
        with self._lock:
            self._runs[key] = run
            self._runs.move_to_end(key)
            while len(self._runs) > self.capacity:
                _, dropped = self._runs.popitem(last=False)
                release = getattr(dropped, "release", None)
                if release is not None:
                    release()

    def get(self, key: str | None) -> R | None:
        with self._lock:
            run = self._runs.get(key) if key else None
            if run is not None:
                self._runs.move_to_end(key)
            return run

    def drop(self, key: str | None) -> None:
        with self._lock:
            self._runs.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._runs)
