"""Start ``streamlit run app.py`` on a free loopback port and drive it with Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("GENAI_LAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
KEY_FIGURE = ".st-key-key_figure"  # widgets.key_figure(): st.container(key="key_figure"), one per page
MAIN_BLOCK = '[data-testid="stMainBlockContainer"]'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        time.sleep(0.05)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout:.0f} s")


@contextlib.contextmanager
def streamlit_server(port: int | None = None, env: dict[str, str] | None = None,
                     script: str | Path = "app.py") -> Iterator[tuple[str, subprocess.Popen]]:
    """Yield ``(base_url, process)`` of a headless Streamlit server on 127.0.0.1 running ``script``
    (default the app; another path, e.g. an empty app, runs with the repository as working folder)."""
    port = port or free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def wait_rendered(page, timeout_ms: int = 90_000) -> None:
    """Wait until the app exists and its script has finished running."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_selector(APP_READY, timeout=timeout_ms)



def page_url(base: str, path: str, lang: str, present: bool = False) -> str:
    """The link of the page at url ``path`` ("" for the default page, which Streamlit serves at ``/``
    only), in ``lang``, with presenter mode (``?present=1``) when asked."""
    return f"{base}/{path}?lang={lang}" + ("&present=1" if present else "")


def menu_paths(page) -> list[str]:
    """The url paths of the sidebar's page links, in menu order, as the app serves them ("" for the
    default page): what a benchmark visits, read from the running app instead of importing its table."""
    hrefs = page.eval_on_selector_all('[data-testid="stSidebarNavLink"]', "links => links.map(a => a.href)")
    return [urllib.parse.urlsplit(href).path.strip("/") for href in hrefs]

def wait_figure(page, timeout_ms: int = 90_000) -> str:
    """Wait until the script finished and the page's key figure is visible; a page without one (not
    declared yet) counts as drawn when its main block is visible. Returns the selector waited for."""
    wait_rendered(page, timeout_ms)
    target = KEY_FIGURE if page.locator(KEY_FIGURE).count() else MAIN_BLOCK
    page.locator(target).first.wait_for(state="visible", timeout=timeout_ms)
    return target
