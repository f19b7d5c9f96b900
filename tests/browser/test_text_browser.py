"""Text pages in Chromium: streaming generation with a stop button that stops, tokens typed live."""

from benchmarks.browser import wait_rendered
from tests.browser.conftest import assert_no_exception, heading, save_screenshot


def test_stop_button_stops_streaming_and_keeps_the_text(server, page):
    page.goto(f"{server}/next_token?lang=en&max_new=400&seed=3")
    wait_rendered(page)
    assert heading(page) == "Next-token lab"
    page.get_by_role("button", name="Generate").click()
    page.get_by_text("Prompt:").first.wait_for(timeout=60_000)
    page.wait_for_timeout(700)
    page.get_by_role("button", name="Stop").click()
    stopped = page.get_by_text("Stopped after")
    stopped.wait_for(timeout=60_000)
    wait_rendered(page)
    n = int(stopped.inner_text().split("after")[1].split()[0])
    assert 0 < n < 400
    assert page.get_by_text("tokens per second").count() == 1
    assert_no_exception(page)
    save_screenshot(page, "browser-next-token-stopped.png", full_page=True)


def test_tokens_page_in_korean_shows_byte_tokens_for_emoji(server, page):
    page.goto(f"{server}/tokens?lang=ko")
    wait_rendered(page)
    assert heading(page).startswith("토큰")
    box = page.get_by_label("아무 텍스트나 입력하세요 (한국어, 영어, 이모지 …)")
    box.fill("안녕하세요 🙂")
    box.press("Control+Enter")
    page.get_by_text("<0xF0>").first.wait_for(timeout=60_000)
    wait_rendered(page)
    assert_no_exception(page)
    save_screenshot(page, "browser-tokens-ko.png", full_page=True)
