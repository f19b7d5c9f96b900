"""The share control: which address a link starts with, the QR code, and a scanned link restoring the view."""

import io
from urllib.parse import parse_qsl, urlsplit

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from dashboard.lesson import share_link
from tests.conftest import ROOT

PUBLIC = "https://lab.example.org"


@pytest.mark.parametrize(("header", "expected"), [
    ("lab.example.org", ("lab.example.org", None)),
    ("Lab.Example.org:8501", ("lab.example.org", 8501)),
    ("user-genai-lab.hf.space", ("user-genai-lab.hf.space", None)),
    ("192.168.1.20:8501", ("192.168.1.20", 8501)),
    ("[2001:db8::1]:8501", ("[2001:db8::1]", 8501)),
    ("[fe80::1]", ("[fe80::1]", None)),
    ("localhost:8501", ("localhost", 8501)),
])
def test_valid_hosts(header, expected):
    assert share_link.parse_host(header) == expected


@pytest.mark.parametrize("header", [
    "evil.com/<script>", "evil.com/<script>alert(1)</script>", "evil.com?x=1", "evil.com#a", "user@evil.com",
    "evil.com:0", "evil.com:65536", "evil.com:80x", "evil.com:", "evil .com", "evil.com\r\nX-A: b", "-evil.com",
    "evil-.com", "a..b", "[2001:db8::1", "[not:an:ip]", "2001:db8::1", "[::1]x", "ev<il>.com", "é.com", "",
    "a" * 64 + ".com", ".".join(["a" * 60] * 5), "javascript:alert(1)", '"><img src=x>',
])
def test_spoofed_or_malformed_hosts_are_refused(header):
    assert share_link.parse_host(header) is None


@pytest.mark.parametrize(("host", "loopback"), [
    ("localhost", True), ("app.localhost", True), ("127.0.0.1", True), ("127.8.9.1", True), ("[::1]", True),
    ("0.0.0.0", True), ("[::]", True), ("192.168.1.20", False), ("[2001:db8::1]", False), ("lab.example.org", False),
    ("localhost.example.org", False),
])
def test_loopback_hosts(host, loopback):
    assert share_link.is_loopback(host) is loopback


def test_request_base_prefers_the_proxy_host_and_proto_and_drops_default_ports():
    base = share_link.request_base({"Host": "10.0.0.5:8501", "X-Forwarded-Host": "lab.example.org",
                                    "X-Forwarded-Proto": "https"})
    assert base == "https://lab.example.org"
    assert share_link.request_base({"host": "lab.example.org:443", "x-forwarded-proto": "https"}) == PUBLIC
    assert share_link.request_base({"Host": "lab.example.org:8501"}, "/class/") == "http://lab.example.org:8501/class"
    assert share_link.request_base({"Host": "lab.example.org", "X-Forwarded-Proto": "javascript"}) == \
        "http://lab.example.org"
    assert share_link.request_base({"Host": "evil.com/<script>"}) is None
    assert share_link.request_base({"Host": "lab.example.org", "X-Forwarded-Host": "evil.com/<script>"}) is None
    assert share_link.request_base({}) is None


@pytest.mark.parametrize(("value", "expected"), [
    (PUBLIC, (PUBLIC, False)), (PUBLIC + "/", (PUBLIC, False)), ("http://lab.example.org:8080/class", (
        "http://lab.example.org:8080/class", False)), ("", (None, False)),
    ("ftp://lab.example.org", (None, True)), ("https://user:pw@lab.example.org", (None, True)),
    ("https://lab.example.org/?x=1", (None, True)), ("https://evil.com/<script>", (None, True)),
    ("lab.example.org", (None, True)), ("https://lab.example.org:99999", (None, True)),
    ("http://localhost:8501", (None, True)), ("http://127.0.0.1", (None, True)), ("http://[::1]:8501", (None, True)),
])
def test_configured_public_address(value, expected):
    assert share_link.public_base({share_link.PUBLIC_URL_ENV: value}) == expected


def test_view_link_leaves_presenter_mode_out_and_quotes_values():
    link = share_link.view_link(PUBLIC, "music", {"lang": "ko", "present": "1", "start": "C5 D5&x=1"})
    assert link == f"{PUBLIC}/music?lang=ko&start=C5%20D5%26x%3D1"
    assert dict(parse_qsl(urlsplit(link).query)) == {"lang": "ko", "start": "C5 D5&x=1"}


def open_link(page: str, query: dict[str, str]) -> AppTest:
    """A fresh session opening ``/page?query`` (as a scanned link does: straight to the page)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py")
    return at.run()


def decode(png: bytes) -> str:
    import zxingcpp

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1
    return found[0].text


def test_qr_is_big_sharp_and_decodes_to_the_link():
    link = f"{PUBLIC}/diffusion?lang=ko&img=3&t=999&cls=7&sampler=1&seed=123456789&steps=50&w=30&room=ACDEF"
    for px in (share_link.QR_MIN_PX, share_link.QR_BIG_PX):
        png = share_link.qr_png(link, px)
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width == image.height >= px
        assert len(set(image.convert("L").getdata())) == 2  # whole-pixel modules: black and white only
        assert decode(png) == link


def test_the_share_control_shows_the_views_link_and_its_qr_restores_the_view(monkeypatch):
    """Open a view with settings, take the QR the sidebar shows, decode it, open that link: same settings."""
    monkeypatch.setenv(share_link.PUBLIC_URL_ENV, PUBLIC)
    shown: list[tuple[str, bytes]] = []
    real = share_link.qr_png
    monkeypatch.setattr(share_link, "qr_png", lambda link, *a: shown.append((link, real(link, *a))) or shown[-1][1])
    settings = {"t": "777", "cls": "4", "sampler": "1", "seed": "42", "steps": "30", "w": "35", "img": "5"}
    at = open_link("diffusion", {"lang": "en", **settings, "present": "1"})
    assert not at.exception
    links = [c.value for c in at.sidebar.code]
    assert len(links) == 1 and shown and shown[-1][0] == links[0]
    link = decode(shown[-1][1])
    assert link == links[0]
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC and parts.path == "/diffusion"
    query = dict(parse_qsl(parts.query))
    assert "present" not in query and query["lang"] == "en"
    assert {k: query[k] for k in settings} == settings

    again = open_link("diffusion", query)  # a student's fresh session opens the scanned link
    assert not again.exception
    assert again.slider(key="_url_t").value == 777
    assert again.number_input(key="_url_seed").value == 42
    assert {k: again.query_params[k][-1] if isinstance(again.query_params[k], list) else again.query_params[k]
            for k in settings} == settings
    assert again.session_state["lang"] == "en"


def test_a_loopback_only_server_says_so_and_never_links_localhost(monkeypatch):
    monkeypatch.delenv(share_link.PUBLIC_URL_ENV, raising=False)
    monkeypatch.setattr(share_link, "lan_address", lambda: None)
    at = open_link("glossary", {"lang": "en"})
    assert not at.exception and not at.sidebar.code
    assert any(share_link.PUBLIC_URL_ENV in c.value for c in at.sidebar.caption)
    monkeypatch.setattr(share_link, "lan_address", lambda: "192.168.1.20")
    at = open_link("glossary", {"lang": "ko"})
    assert [c.value for c in at.sidebar.code] == ["http://192.168.1.20:8501/glossary?lang=ko"]
