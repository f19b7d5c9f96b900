"""The link to share a view: which address it starts with, and its QR code. No Streamlit import.

The address is the configured public one (``$GENAI_LAB_PUBLIC_URL``, e.g. a Space's
``https://user-lab.hf.space``) or the host the visitor's browser used (``X-Forwarded-Host`` behind
a proxy, else ``Host``). Header text is untrusted: only ``hostname[:port]`` (DNS name, IPv4, or
a bracketed IPv6 literal) passes. A loopback host (``localhost``, 127.x, ``::1``) never goes
into a link: a student's phone would open itself; the machine's LAN address is offered instead.
"""

from __future__ import annotations

import io
import ipaddress
import math
import os
import re
import socket
from functools import lru_cache
from urllib.parse import quote, urlencode, urlsplit

PUBLIC_URL_ENV = "GENAI_LAB_PUBLIC_URL"
QR_MIN_PX = 320              # the sidebar's QR; the projector's is :data:`QR_BIG_PX`
QR_BIG_PX = 640
NEVER_SHARED = ("present",)  # students open the normal view, not presenter mode

_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?", re.ASCII)
_PORT = re.compile(r"[0-9]{1,5}", re.ASCII)
_PATH = re.compile(r"(?:/[A-Za-z0-9._~-]+)*/?", re.ASCII)


def parse_host(text: str | None) -> tuple[str, int | None] | None:
    """``"host[:port]"`` from a header as ``(host, port)`` (an IPv6 host keeps its brackets), or
    ``None`` for anything else: paths, user info, spaces, markup, bad ports, over-long names."""
    if not text or len(text) > 262:
        return None
    text = text.strip()
    port: int | None = None
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            return None
        inner, rest = text[1:end], text[end + 1:]
        try:
            ipaddress.IPv6Address(inner)
        except ValueError:
            return None
        host = f"[{inner.lower()}]"
    else:
        host, sep, rest = text.partition(":")
        rest = sep + rest
        if len(host) > 253 or not _HOSTNAME.fullmatch(host):
            return None
        host = host.lower().rstrip(".")
    if rest:
        if not rest.startswith(":") or not _PORT.fullmatch(rest[1:]) or not 0 < int(rest[1:]) < 65536:
            return None
        port = int(rest[1:])
    return host, port


def is_loopback(host: str) -> bool:
    """Whether ``host`` (as :func:`parse_host` gives it) names this machine only."""
    bare = host.strip("[]")
    if bare == "localhost" or bare.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def netloc(host: str, port: int | None, scheme: str) -> str:
    default = {"http": 80, "https": 443}[scheme]
    return host if port in (None, default) else f"{host}:{port}"


def public_base(env: dict[str, str] | None = None) -> tuple[str | None, bool]:
    """The configured public address as ``scheme://host[:port][/path]`` (no trailing slash), and
    whether one was set but refused (not http(s), a bad host or path, user info, a query, loopback)."""
    text = (os.environ if env is None else env).get(PUBLIC_URL_ENV, "").strip()
    if not text:
        return None, False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError:
        return None, True
    parsed = parse_host(parts.netloc) if "@" not in parts.netloc else None
    if parts.scheme not in ("http", "https") or parsed is None or parts.query or parts.fragment \
            or not _PATH.fullmatch(parts.path) or is_loopback(parsed[0]):
        return None, True
    return f"{parts.scheme}://{netloc(*parsed, parts.scheme)}{parts.path.rstrip('/')}", False


def request_base(headers: dict[str, str], base_path: str = "") -> str | None:
    """``scheme://host[:port][/base]`` from the request headers, ``None`` when no valid host is known.
    A loopback host is returned too (the caller checks :func:`is_loopback` via :func:`base_host`)."""
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    forwarded = lowered.get("x-forwarded-host", "").split(",")[0].strip()
    parsed = parse_host(forwarded) if forwarded else parse_host(lowered.get("host"))
    if parsed is None:
        return None
    proto = lowered.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    scheme = proto if proto in ("http", "https") else "http"
    path = "/" + base_path.strip("/") if base_path.strip("/") and _PATH.fullmatch("/" + base_path.strip("/")) else ""
    return f"{scheme}://{netloc(*parsed, scheme)}{path}"


def base_host(base: str) -> str:
    """The host of a base address made by :func:`public_base` or :func:`request_base`."""
    parsed = parse_host(urlsplit(base).netloc)
    return "" if parsed is None else parsed[0]


def lan_address() -> str | None:
    """This machine's address on its local network (the interface a packet out would take; nothing
    is sent), or ``None`` when it has only loopback or a public address nobody configured."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("192.0.2.1", 9))  # TEST-NET-1: routing decides the interface, no packet leaves
            address = ipaddress.ip_address(sock.getsockname()[0])
    except OSError:
        return None
    return str(address) if address.is_private and not address.is_loopback else None


def view_link(base: str, stem: str, params: dict[str, str]) -> str:
    """``base/stem?params`` with the parameters in the given order, :data:`NEVER_SHARED` left out."""
    query = urlencode([(k, v) for k, v in params.items() if k not in NEVER_SHARED], quote_via=quote)
    return f"{base}/{quote(stem)}" + (f"?{query}" if query else "")


@lru_cache(maxsize=256)  # drawn in the sidebar on every run of every page: ~8 ms each, the same link again and again
def qr_png(link: str, min_px: int = QR_MIN_PX) -> bytes:
    """The QR code of ``link`` as a PNG at least ``min_px`` wide: whole pixels per module (sharp
    edges, no smoothing) and the standard 4-module quiet zone; error correction M (a smudged screen)."""
    import segno

    code = segno.make(link, error="m", boost_error=False)
    width, _ = code.symbol_size(scale=1, border=4)
    out = io.BytesIO()
    code.save(out, kind="png", scale=max(1, math.ceil(min_px / width)), border=4)
    return out.getvalue()
