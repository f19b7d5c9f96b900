"""Chromium: the instructor opens a room in one browser context, two students answer from two others.

The waits on polled updates are generous (60 s for a 2-4 s poll): under the full suite the two cores also
serve other browser tests, and one fragment rerun has taken longer than 15 s there."""

from urllib.parse import urlsplit

import pytest

from benchmarks.browser import free_port, streamlit_server, wait_rendered
from tests.browser.conftest import assert_no_exception, save_screenshot

PAGE = "diffusion"  # the page whose question record is present on this branch


@pytest.fixture(scope="module")
def public_server():
    """A server whose configured public address is a name the test resolves to it (links never say localhost)."""
    port = free_port()
    with streamlit_server(port, env={"GENAI_LAB_LANG": "en",
                                     "GENAI_LAB_PUBLIC_URL": f"http://class.example:{port}"}) as (url, _proc):
        yield url


def sidebar_share(page):
    """Unfold the sidebar (presenter mode starts with it folded) and open the share control."""
    opener = page.get_by_test_id("stExpandSidebarButton")
    opener.wait_for(timeout=120_000)
    opener.click()
    sidebar = page.locator('[data-testid="stSidebar"]')
    expander = sidebar.get_by_text("Share this view")
    expander.wait_for(timeout=120_000)  # drawn after the page: a fresh server loads its model first
    expander.click()
    return sidebar


def test_a_room_with_two_students(public_server, browser):
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    contexts.append(browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True))  # a phone
    try:
        host, *students = (c.new_page() for c in contexts)
        host.goto(f"{public_server}/{PAGE}?lang=en&seed=3&present=1")
        wait_rendered(host)
        sidebar = sidebar_share(host)
        sidebar.get_by_role("button", name="Open a room for the class").click()
        sidebar.get_by_role("button", name="Close the room").wait_for(timeout=90_000)
        wait_rendered(host)
        code_box = sidebar.locator('[data-testid="stCode"]')
        code_box.wait_for(timeout=90_000)
        link = code_box.inner_text().strip()
        parts = urlsplit(link)
        assert parts.netloc.startswith("class.example:") and "room=" in parts.query and "present" not in parts.query
        qr = sidebar.locator(".st-key-share_qr img")
        size = qr.evaluate("img => [img.naturalWidth, img.getBoundingClientRect().width]")
        assert size[0] >= 320, size
        assert qr.evaluate("img => getComputedStyle(img).imageRendering") == "pixelated"
        host.get_by_text("0 answers so far").wait_for(timeout=90_000)
        sidebar.get_by_role("button", name="Show big, for the projector").click()
        big = host.locator(".st-key-share_qr_big img")
        big.wait_for(timeout=90_000)
        assert big.evaluate("img => img.getBoundingClientRect().width") >= 600  # scannable from the back row
        save_screenshot(host, "browser-room-qr-big.png")
        host.keyboard.press("Escape")
        big.wait_for(state="detached", timeout=60_000)

        for student, pick in zip(students, (2, 1), strict=True):
            student.goto(f"{public_server}{parts.path}?{parts.query}")  # the scanned link, on this test's server
            wait_rendered(student)
            button = student.locator(f".st-key-room_pick_{PAGE}_{pick} button")
            button.wait_for(timeout=90_000)
            button.click()
            student.get_by_text("Your answer is in").wait_for(timeout=90_000)
            assert_no_exception(student)
        save_screenshot(students[1], "browser-room-student-phone.png")

        host.get_by_text("2 answers so far").wait_for(timeout=60_000)  # the projector's chart polls by itself
        bars = host.locator(".st-key-room_chart .js-plotly-plot")
        assert bars.count() == 1
        host.get_by_role("button", name="Reveal the answer").click()
        host.locator('[data-testid="stAlertContentSuccess"]').first.wait_for(timeout=90_000)
        assert_no_exception(host)
        save_screenshot(host, "browser-room-projector.png")
        students[0].locator('[data-testid="stAlertContentSuccess"]').first.wait_for(timeout=60_000)  # theirs too
    finally:
        for context in contexts:
            context.close()
