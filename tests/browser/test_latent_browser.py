"""Latent-space pages in Chromium: uploads (bad and odd files), drawing on the canvas, the map."""

import io

import numpy as np
import pytest
from PIL import Image

from benchmarks.browser import wait_rendered
from models.core import data
from tests.browser.conftest import assert_no_exception, draw_stroke, heading, save_screenshot


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def boot() -> np.ndarray:
    return data.load_shipped("test").images[0]


UPLOADS = {
    "not-an-image": ("notes.png", b"these are lecture notes, not a picture", "not a picture we can read"),
    "huge": ("huge.png", png(Image.new("L", (5000, 4000))), "5000 × 4000 pixels"),
    "16-bit": ("deep.png", png(Image.fromarray(np.kron(boot().astype(np.uint16) * 257, np.ones((4, 4), np.uint16)))),
               "Converted from 112 × 112 pixels (I;16"),
    "rgba": ("cutout.png", png(Image.fromarray(np.dstack([np.zeros((60, 40, 3), np.uint8),
                                                          np.pad(np.full((40, 20), 255, np.uint8), 10)]), "RGBA")),
             "Converted from 40 × 60 pixels (RGBA) and inverted"),
}


@pytest.mark.parametrize("case", list(UPLOADS))
def test_upload_gives_a_message_and_the_page_keeps_working(server, page, case):
    name, raw, expected = UPLOADS[case]
    page.goto(f"{server}/interpolation?lang=en&asrc=1")
    wait_rendered(page)
    assert heading(page) == "Interpolation and latent arithmetic"
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        files=[{"name": name, "mimeType": "image/png", "buffer": raw}])
    page.get_by_text(expected).first.wait_for(timeout=60_000)
    wait_rendered(page)
    assert_no_exception(page)
    # the rest of the page still works: the walk is drawn and the GAN section is there
    assert page.locator('[data-testid="stImage"]', has_text="Walk through the VAE latent space").count() == 1
    assert page.get_by_text("The GAN's latent space, for comparison").count() == 1


def test_drawing_on_the_canvas_is_used(server, page):
    page.goto(f"{server}/interpolation?lang=en&bsrc=2")
    wait_rendered(page)
    draw_stroke(page, (0.5, 0.15), (0.5, 0.85))
    page.get_by_text("From A (test image #0 (Ankle boot)) to B (your drawing)").wait_for(timeout=60_000)
    wait_rendered(page)
    assert_no_exception(page)
    save_screenshot(page, "browser-interpolation-drawn.png", full_page=True)


def test_latent_map_and_encoder_pages(server, page):
    page.goto(f"{server}/latent_map?lang=ko")
    wait_rendered(page)
    assert heading(page).startswith("잠재 공간 지도")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot, [data-testid=stImage]').length >= 5",
                           timeout=60_000)
    assert_no_exception(page)
    save_screenshot(page, "browser-latent-map-ko.png")
    # clicking a dot moves the decoded point there (the sliders follow, and so does the URL)
    before = page.url
    x, y = page.evaluate("""() => { const gd = document.querySelectorAll('.js-plotly-plot')[0];
        const fl = gd._fullLayout, tr = gd._fullData[3], i = Math.floor(tr.x.length / 2);
        return [fl.xaxis.l2p(tr.x[i]) + fl._size.l, fl.yaxis.l2p(tr.y[i]) + fl._size.t]; }""")
    box = page.locator(".js-plotly-plot").first.bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(lambda url: url != before, timeout=60_000)
    wait_rendered(page)
    assert_no_exception(page)
    page.goto(f"{server}/autoencoder?lang=en&beta=2")
    wait_rendered(page)
    assert heading(page) == "Encoder, decoder and reconstruction"
    assert_no_exception(page)
