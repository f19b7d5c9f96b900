"""Start-up: process start → first page fully rendered in Chromium, as a ratio to `import torch`.

"Fully rendered" means Streamlit's script has finished and the overview page's four plotly
figures are drawn. The browser is launched before the clock starts; the Streamlit server is
started inside the timed region. Both measurements come from the same run on the same machine.
"""

from __future__ import annotations

import subprocess
import sys
import time

from benchmarks.browser import launch_chromium, streamlit_server, wait_rendered
from benchmarks.common import repeat, save

TARGET_RATIO = 3.0


def time_torch_import() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True)
    return time.perf_counter() - start


def time_app_start(browser) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    start = time.perf_counter()
    with streamlit_server() as (url, _proc):
        page.goto(f"{url}/?lang=ko")
        wait_rendered(page)
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=120_000)
        elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def run(repeats: int = 5) -> dict:
    from playwright.sync_api import sync_playwright

    time_torch_import()  # warm the file cache for both measurements alike
    torch_import = repeat(time_torch_import, repeats)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        app = repeat(lambda: time_app_start(browser), repeats)
        browser.close()
    ratio = app["median_s"] / torch_import["median_s"]
    payload = {"torch_import": torch_import, "app_first_render": app, "ratio": ratio, "target_ratio": TARGET_RATIO}
    save("startup", payload, [
        ("`python -c \"import torch\"` (median)", f"{torch_import['median_s']:.2f} s"),
        ("process start → overview rendered (median)", f"{app['median_s']:.2f} s "
                                                      f"(min {app['min_s']:.2f}, max {app['max_s']:.2f})"),
        ("ratio (target ≤ 3×)", f"{ratio:.2f}×"),
    ])
    return payload
