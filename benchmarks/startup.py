"""Start-up: process start → first page fully rendered in Chromium, as a ratio to `import torch`.

"Fully rendered" means Streamlit's script has finished, the overview page's key figure (when it
declares one, ``widgets.key_figure()``) is visible and its four plotly figures are drawn. The floor is
an empty Streamlit app (a script that imports streamlit and shows nothing) measured the same way: its
script finished and its main block is visible — no app can start faster on this machine. The browser
is launched before the clock starts; the Streamlit server is started inside the timed region. All
measurements come from the same run on the same machine, interleaved repeat by repeat so that a
change in the machine's load touches them alike.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.browser import launch_chromium, streamlit_server, wait_figure
from benchmarks.common import save, summarise

TARGET_RATIO = 2.0  # issue 17 (3× before)
EMPTY_APP = "import streamlit as st  # an empty app: the floor of any Streamlit start-up\n"


def time_torch_import() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True)
    return time.perf_counter() - start


FIGURES = '[data-testid="stMain"] :is(.js-plotly-plot, [data-testid="stImage"])'  # charts and pictures


def time_app_start(browser, script: str | Path = "app.py", figures: int = 4) -> float:
    """Seconds from starting ``streamlit run script`` to its first page rendered in ``browser``: the
    script finished, the key figure visible and at least ``figures`` charts or pictures drawn (the overview
    shows four: a test image, its class probabilities, generated and real samples)."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    start = time.perf_counter()
    with streamlit_server(script=script) as (url, _proc):
        page.goto(f"{url}/?lang=ko")
        wait_figure(page, 120_000)
        if figures:
            page.wait_for_function(f"document.querySelectorAll('{FIGURES}').length >= {figures}", timeout=120_000)
        elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def measure(browser, repeats: int = 5) -> dict:
    """``import torch``, the app's and the empty app's cold start, ``repeats`` times each, interleaved."""
    time_torch_import()  # warm the file cache for every measurement alike
    times: dict[str, list[float]] = {"torch_import": [], "app_first_render": [], "empty_app_first_render": []}
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty_app.py"
        empty.write_text(EMPTY_APP, encoding="utf-8")
        time_app_start(browser, empty, figures=0)  # the empty app's first start warms streamlit's own files
        for _ in range(repeats):
            times["torch_import"].append(time_torch_import())
            times["app_first_render"].append(time_app_start(browser))
            times["empty_app_first_render"].append(time_app_start(browser, empty, figures=0))
    out = {name: summarise(values) for name, values in times.items()}
    torch_s = out["torch_import"]["median_s"]
    out["ratio"] = out["app_first_render"]["median_s"] / torch_s
    out["empty_ratio"] = out["empty_app_first_render"]["median_s"] / torch_s
    out["target_ratio"] = TARGET_RATIO
    return out


def rows(cold: dict) -> list[tuple[str, str]]:
    app, empty = cold["app_first_render"], cold["empty_app_first_render"]
    return [
        ("`python -c \"import torch\"` (median)", f"{cold['torch_import']['median_s']:.2f} s"),
        ("process start → overview rendered (median)", f"{app['median_s']:.2f} s "
                                                      f"(min {app['min_s']:.2f}, max {app['max_s']:.2f})"),
        ("process start → empty Streamlit app rendered (median; the floor)",
         f"{empty['median_s']:.2f} s (min {empty['min_s']:.2f}, max {empty['max_s']:.2f})"),
        (f"ratio to `import torch` (target ≤ {cold['target_ratio']:g}×)", f"{cold['ratio']:.2f}×"),
        ("empty app's ratio to `import torch` (the floor)", f"{cold['empty_ratio']:.2f}×"),
    ]


def run(repeats: int = 5) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        payload = measure(browser, repeats)
        browser.close()
    save("startup", payload, rows(payload))
    return payload
