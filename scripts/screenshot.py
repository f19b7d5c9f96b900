"""Regenerate docs/screenshot.png (the README's picture): `python scripts/screenshot.py`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from benchmarks.browser import ROOT, launch_chromium, streamlit_server, wait_rendered


def main(lang: str = "ko") -> None:
    with streamlit_server() as (url, _proc), sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1440, "height": 1100}, device_scale_factor=1)
        page.goto(f"{url}/?lang={lang}&img=17&cls=3&seed=7")
        wait_rendered(page)
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=60_000)
        page.wait_for_timeout(500)
        page.screenshot(path=ROOT / "docs" / "screenshot.png")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
