"""Pictures at projector size: at 1280×720 with the sidebar open, every 28×28 tile on Compare and GAN is
drawn at least 64 px wide, crisp (``image-rendering: pixelated``), with a caption, inside the key figure.
The sidebar's share QR code is not a tile and is left out."""

import pytest

from benchmarks.browser import wait_rendered
from dashboard.core.pictures import TILE_PX
from tests.browser.conftest import assert_no_exception, save_screenshot

MIN_TILE_PX = 64
IMGS = """document.querySelectorAll('[data-testid="stMain"] [data-testid="stImage"] img')"""


@pytest.mark.parametrize("path", ["compare", "gan"])
def test_every_tile_is_at_least_64_px_at_1280(browser, server, path):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{server}/{path}?lang=en")
        wait_rendered(page)
        page.wait_for_function(f"""() => {{ const imgs = {IMGS};
            return imgs.length >= 4 && [...imgs].every(i => i.complete && i.naturalWidth > 0); }}""", timeout=60_000)
        assert_no_exception(page)
        assert page.locator('[data-testid="stSidebar"]').first.is_visible()  # the sidebar is open
        shown = page.evaluate(f"""() => [...{IMGS}].map(i => ({{
            width: i.clientWidth, natural: i.naturalWidth, rendering: getComputedStyle(i).imageRendering,
            caption: (i.closest('[data-testid="stImage"]').innerText || '').trim()}}))""")
        for img in shown:
            tile = img["width"] / img["natural"] * TILE_PX
            assert tile >= MIN_TILE_PX, (path, img, tile)
            assert img["rendering"] == "pixelated" and img["caption"], img
        figure = page.locator(".st-key-key_figure")
        assert figure.count() == 1 and figure.locator('[data-testid="stImage"]').count() >= 2
        figure.scroll_into_view_if_needed()
        save_screenshot(page, f"browser-pictures-{path}-1280.png")
    finally:
        context.close()
