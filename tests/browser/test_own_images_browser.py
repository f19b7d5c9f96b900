"""Your own pictures in Chromium: drawings made with the mouse on the canvas and real file uploads train a
model live in Korean; its zip loads again in another browser and draws the same samples; in English, bad
files and a bad collection get their messages and keep what the user had, and a drawn cross joins its class."""

import io
import re
import zipfile

from playwright.sync_api import expect

from benchmarks.browser import wait_rendered
from dashboard.core.i18n import strings
from models.image import own_images
from tests.browser.conftest import assert_no_exception, heading, save_screenshot
from tests.pages.test_own_images import _gif, _heic, _odd_zip, shape

UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'


def box(page, slot: int):
    """The bordered box of class ``slot`` (its canvas, uploader, strip and buttons)."""
    return page.locator(f".st-key-oi_class_{slot}")


def upload(target, files: list[tuple[str, bytes, str]]) -> None:
    target.locator(UPLOAD).first.set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data} for name, data, mime in files])


def pngs(kind: str, n: int, start: int = 0, **kwargs) -> list[tuple[str, bytes, str]]:
    return [(f"{kind}-{i}.png", shape(kind, start + i, **kwargs), "image/png") for i in range(n)]


def draw(page, slot: int, strokes) -> None:
    """Drag the mouse over the canvas of class ``slot``: each stroke a list of points (fractions of its size)."""
    canvas = box(page, slot).locator("canvas.upper-canvas").first
    canvas.wait_for(timeout=60_000)
    canvas.scroll_into_view_if_needed()  # the mouse reaches only what is inside the window
    area = canvas.bounding_box()
    for points in strokes:
        page.mouse.move(area["x"] + points[0][0] * area["width"], area["y"] + points[0][1] * area["height"])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(area["x"] + x * area["width"], area["y"] + y * area["height"], steps=6)
        page.mouse.up()


def header(page, slot: int) -> str:
    return box(page, slot).locator("h3").first.inner_text().strip()


def png_download(page) -> bytes:
    """The key figure's PNG (the samples per class), downloaded as a user would."""
    with page.expect_download() as info:
        page.locator(".st-key-key_figure").get_by_role("button", name=strings("ko")["common.png"]).click()
    return open(info.value.path(), "rb").read()


def test_drawings_and_uploads_train_in_korean_and_the_model_loads_again(server, page, browser):
    ko = strings("ko")
    page.goto(f"{server}/own_images?lang=ko&secs=0&fam=0")  # the VAE, 15 s
    wait_rendered(page)
    assert heading(page) == ko["ownimages.title"]
    # three circles drawn with the mouse, one after the other, each added to class 1 ("동그라미")
    for i in range(3):
        r = 0.25 + 0.05 * i
        ring = [(0.5 + r * c, 0.5 + r * s) for c, s in ((1, 0), (0.7, 0.7), (0, 1), (-0.7, 0.7), (-1, 0),
                                                        (-0.7, -0.7), (0, -1), (0.7, -0.7), (1, 0))]
        draw(page, 0, [ring])
        box(page, 0).get_by_text(ko["ownimages.drawn"]).wait_for(timeout=60_000)  # the drawing reached the server
        wait_rendered(page)
        box(page, 0).get_by_role("button", name=ko["ownimages.add_drawing"]).click()
        expect(box(page, 0).locator("h3").first).to_have_text(re.compile(rf"그림 {i + 1}장"), timeout=60_000)
        wait_rendered(page)
    # and uploads: more circles, and the crosses (two of them colour photos of another size)
    upload(box(page, 0), pngs("circle", 7))
    expect(box(page, 0).locator("h3").first).to_have_text(re.compile("그림 10장"), timeout=60_000)
    wait_rendered(page)
    upload(box(page, 1), pngs("cross", 8) + pngs("cross", 2, start=40, size=90, mode="RGB"))
    expect(box(page, 1).locator("h3").first).to_have_text(re.compile("그림 10장"), timeout=60_000)
    expect(page.get_by_text(ko["ownimages.converted"].format(n=2))).to_be_visible()
    wait_rendered(page)
    assert_no_exception(page)
    page.get_by_role("button", name=ko["ownimages.train"], exact=True).click()
    page.get_by_text(re.compile(r"초 동안 학습했습니다")).wait_for(timeout=180_000)
    wait_rendered(page)
    expect(page.get_by_text(ko["ownimages.not_trained"])).to_have_count(0)  # all five stages drawn
    expect(page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"]')).to_have_count(3)
    expect(page.locator(".st-key-key_figure [data-testid='stImage']")).to_have_count(1)
    assert_no_exception(page)
    save_screenshot(page, "browser-own-images-ko.png", full_page=True)
    samples = png_download(page)
    with page.expect_download() as info:
        page.get_by_role("button", name=ko["ownimages.download"]).click()
    data = open(info.value.path(), "rb").read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(own_images.FILES)
    # another visitor loads it: the same seed draws the same samples, byte for byte
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = context.new_page()
    try:
        other.goto(f"{server}/own_images?lang=ko")
        wait_rendered(other)
        upload(other.locator(".st-key-oi_model_box"), [("내 모델.zip", data, "application/zip")])
        other.get_by_text(re.compile("모델을 불러왔습니다")).wait_for(timeout=60_000)
        wait_rendered(other)
        assert_no_exception(other)
        assert png_download(other) == samples
        save_screenshot(other, "browser-own-images-loaded-ko.png", full_page=True)
    finally:
        context.close()


def test_bad_input_gets_messages_in_english_and_keeps_the_pictures(server, page):
    en = strings("en")
    page.goto(f"{server}/own_images?lang=en")
    wait_rendered(page)
    upload(box(page, 0), pngs("circle", 4))
    expect(box(page, 0).locator("h3").first).to_have_text("circle · pictures: 4", timeout=60_000)
    wait_rendered(page)
    cases = [
        (box(page, 0), [("IMG_0042.HEIC", _heic(), "image/heic")], "ownimages.error.heic"),
        (box(page, 1), [("dance.gif", _gif(), "image/gif")], "ownimages.error.animated"),
        (page.locator(".st-key-oi_zip_box"), [("mixed.zip", _odd_zip(), "application/zip")],
         "ownimages.error.zip_unknown"),
    ]
    for target, files, key in cases:
        upload(target, files)
        page.locator('[data-testid="stAlert"]', has_text=en[key].split("{")[0][:12]).first.wait_for(timeout=60_000)
        wait_rendered(page)
        assert_no_exception(page)
        assert header(page, 0) == "circle · pictures: 4" and header(page, 1) == "cross · pictures: 0"
    # one class only, then too few pictures: Train says why and trains nothing
    page.get_by_role("button", name=en["ownimages.train"], exact=True).click()
    page.get_by_text(en["ownimages.error.one_class"].format(minimum=2)).wait_for(timeout=60_000)
    draw(page, 1, [[(0.2, 0.2), (0.5, 0.5), (0.8, 0.8)], [(0.8, 0.2), (0.5, 0.5), (0.2, 0.8)]])  # a cross
    box(page, 1).get_by_text(en["ownimages.drawn"]).wait_for(timeout=60_000)
    wait_rendered(page)
    box(page, 1).get_by_role("button", name=en["ownimages.add_drawing"]).click()
    expect(box(page, 1).locator("h3").first).to_have_text("cross · pictures: 1", timeout=60_000)
    expect(box(page, 1).get_by_text(en["ownimages.drawn"])).to_have_count(0)  # a fresh canvas
    wait_rendered(page)
    upload(box(page, 1), pngs("cross", 2))
    expect(box(page, 1).locator("h3").first).to_have_text("cross · pictures: 3", timeout=60_000)
    wait_rendered(page)
    page.get_by_role("button", name=en["ownimages.train"], exact=True).click()
    page.get_by_text(en["ownimages.error.too_few"].format(n=7, minimum=own_images.MIN_IMAGES)).wait_for(
        timeout=60_000)
    wait_rendered(page)
    expect(page.get_by_text(en["ownimages.samples.none"])).to_be_visible()  # nothing half-made
    assert_no_exception(page)
    save_screenshot(page, "browser-own-images-bad-en.png", full_page=True)
