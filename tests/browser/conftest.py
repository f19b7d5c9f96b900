"""Browser fixtures shared by every browser test file: one server and one Chromium per session."""

import os
from pathlib import Path

import pytest

from benchmarks.browser import ROOT, launch_chromium, streamlit_server

ARTIFACTS = Path(os.environ.get("GENAI_LAB_ARTIFACTS", ROOT / "test-artifacts"))


@pytest.fixture(scope="session")
def server():
    with streamlit_server(env={"GENAI_LAB_LANG": "ko"}) as (url, _proc):
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ko-KR")
    page = context.new_page()
    yield page
    context.close()


def assert_no_exception(page):
    assert page.locator('[data-testid="stException"]').count() == 0


def save_screenshot(page, name: str, full_page: bool = False) -> None:
    """Keep a picture of the page under ``ARTIFACTS`` (created when missing) for a human to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / name, full_page=full_page)


def heading(page, tag: str = "h1") -> str:
    """The text of the first ``tag`` heading: the page title, or with "h2" the first section's."""
    return page.locator(tag).first.inner_text().strip()


def draw_stroke(page, start: tuple[float, float], end: tuple[float, float], points: int = 12) -> None:
    """Drag the mouse across the first drawing canvas from ``start`` to ``end`` (fractions of its size)."""
    import numpy as np

    canvas = page.locator("canvas.upper-canvas").first
    canvas.wait_for(timeout=60_000)
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + start[0] * box["width"], box["y"] + start[1] * box["height"])
    page.mouse.down()
    for frac in np.linspace(0, 1, points):
        x, y = (start[k] + frac * (end[k] - start[k]) for k in (0, 1))
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=2)
    page.mouse.up()


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box ``label``; a click sometimes only focuses it, then ↓ opens the list."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    if box.get_attribute("aria-expanded") != "true":
        box.press("ArrowDown")
    page.get_by_role("option", name=option, exact=True).click()
