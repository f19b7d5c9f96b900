"""Your own text in Chromium with real file uploads: a Korean .txt trains live and Stop keeps it, the model
downloads as a zip that loads again in another tab and works in the next-token lab; bad files get messages."""

import io
import re
import zipfile

from playwright.sync_api import expect

from benchmarks.browser import wait_rendered
from dashboard.core.i18n import strings
from models.language import corpus, own_text
from tests.browser.conftest import assert_no_exception, choose, heading, save_screenshot

UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'


def upload(page, index: int, name: str, data: bytes, mime: str = "text/plain") -> None:
    page.locator(UPLOAD).nth(index).set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])


def test_korean_file_trains_live_stops_downloads_and_loads_again(server, page, browser):
    ko = strings("ko")
    page.goto(f"{server}/own_text?lang=ko&secs=6")  # 600 s asked for: Stop ends it long before
    wait_rendered(page)
    assert heading(page) == ko["owntext.title"]
    expect(page.get_by_text(ko["owntext.not_trained"])).to_be_visible()
    upload(page, 0, "내 일기.txt", corpus.load("ko", "valid")[:6000].encode("utf-8"))
    # the server has the file (its caption comes from the script), so Train below trains on it
    page.get_by_text(re.compile(r"내 일기\.txt: [\d,]+자를 읽었습니다")).wait_for(timeout=60_000)
    wait_rendered(page)
    page.get_by_role("button", name=ko["owntext.train"], exact=True).click()
    # trained live: the curve and a fresh sample appear while the run goes on
    page.get_by_text(re.compile(r"\d+번째 단계 뒤의 예문")).first.wait_for(timeout=180_000)
    page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
    expect(page.get_by_role("button", name=ko["owntext.stop"])).to_be_enabled()
    save_screenshot(page, "browser-own-text-ko-live.png")
    page.get_by_role("button", name=ko["owntext.stop"]).click()
    stopped = page.get_by_text(re.compile(r"초 학습한 뒤 멈췄습니다"))
    stopped.wait_for(timeout=60_000)
    wait_rendered(page)
    steps = page.locator('[data-testid="stMetric"]', has_text=ko["owntext.metric.steps"]) \
        .locator('[data-testid="stMetricValue"]').inner_text()
    page.wait_for_timeout(3000)  # stopped means stopped: nothing moves now
    wait_rendered(page)
    assert page.locator('[data-testid="stMetric"]', has_text=ko["owntext.metric.steps"]) \
        .locator('[data-testid="stMetricValue"]').inner_text() == steps and int(steps.replace(",", "")) > 0
    assert_no_exception(page)
    save_screenshot(page, "browser-own-text-ko.png", full_page=True)
    # download the model: one zip, the three files
    with page.expect_download() as info:
        page.get_by_role("button", name=ko["owntext.download"]).click()
    data = open(info.value.path(), "rb").read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(own_text.FILES)
    own_text.import_zip(data)  # valid by the page's own rules
    # another visitor (a fresh browser context) loads it, and the next-token lab writes with it
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = context.new_page()
    try:
        other.goto(f"{server}/own_text?lang=ko")
        wait_rendered(other)
        upload(other, 1, "genai-lab-own_text_model.zip", data, "application/zip")
        other.get_by_text(ko["owntext.loaded"]).wait_for(timeout=60_000)
        wait_rendered(other)
        assert_no_exception(other)
        other.get_by_role("link", name=ko["owntext.to_lab"]).click()
        wait_rendered(other)
        choose(other, strings("ko")["text.model"], ko["owntext.model"])
        other.get_by_text(ko["owntext.lab_halluc"]).wait_for(timeout=60_000)
        wait_rendered(other)
        assert_no_exception(other)
        expect(other.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"]').first).to_be_visible()
        save_screenshot(other, "browser-own-text-lab-ko.png")
    finally:
        context.close()


BAD_FILES = {
    "binary": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "owntext.error.binary"),
    "cp949": ("메모.txt", ("가나다라마바사 " * 400).encode("cp949"), "owntext.error.not_utf8"),
    "short": ("short.txt", b"hello there", "owntext.error.too_short"),
}


def test_bad_files_get_a_message_in_english(server, page):
    en = strings("en")
    page.goto(f"{server}/own_text?lang=en")
    wait_rendered(page)
    for name, data, key in BAD_FILES.values():
        upload(page, 0, name, data)
        # the server has this file: the line under the uploader names it and says why it will not do
        arrived = en["owntext.upload_bad"].format(name=name, why="").strip()
        page.get_by_text(re.compile(re.escape(arrived))).wait_for(timeout=60_000)
        wait_rendered(page)
        page.get_by_role("button", name=en["owntext.train"], exact=True).click()
        expected = en[key].split("{")[0][:25]
        page.locator('[data-testid="stAlert"]', has_text=expected).wait_for(timeout=60_000)
        wait_rendered(page)
        assert_no_exception(page)
        expect(page.get_by_text(en["owntext.not_trained"])).to_be_visible()  # nothing half-made
    upload(page, 1, "model.zip", b"PK\x03\x04 not really", "application/zip")
    page.locator('[data-testid="stAlert"]', has_text=en["owntext.error.not_zip"]).wait_for(timeout=60_000)
    wait_rendered(page)
    assert_no_exception(page)
    save_screenshot(page, "browser-own-text-bad-en.png")
