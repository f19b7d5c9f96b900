"""The music page in Chromium: a playable audio element and a piano roll, no exception."""

from benchmarks.browser import wait_rendered
from tests.browser.conftest import assert_no_exception, heading, save_screenshot


def test_music_page_has_audio_and_a_piano_roll(server, page):
    page.goto(f"{server}/music?lang=en&bars=4&seed=2")
    wait_rendered(page)
    assert heading(page).startswith("Music")
    page.wait_for_function("document.querySelectorAll('audio').length >= 4", timeout=90_000)
    wait_rendered(page)
    assert page.locator("audio").count() == 4  # the generated melody, then real / generated / unigram
    duration = page.evaluate(
        "async () => { const a = document.querySelector('audio');"
        " if (a.readyState < 1) await new Promise(r => a.addEventListener('loadedmetadata', r, {once: true}));"
        " return a.duration; }")
    assert abs(duration - 4 * 4 * 60 / 96) < 0.1  # 4 bars of 4 beats at the default 96 bpm
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 4
    assert_no_exception(page)
    save_screenshot(page, "browser-music-en.png", full_page=True)


def test_markdown_from_a_link_is_shown_as_text(server, page):
    """``?start=`` echoed in the page's notices shows as text: no working link, no remote image."""
    from urllib.parse import quote

    start = "[Log in again](https://example.org) ![x](https://example.org/x.png)"
    page.goto(f"{server}/music?lang=en&bars=4&start={quote(start)}")
    wait_rendered(page)
    notice = page.locator('[data-testid="stAlert"]', has_text="again](https:")
    notice.first.wait_for(timeout=60_000)  # the words that are not notes, shown as typed
    assert "![x](https://example.org/x.png)" in notice.first.inner_text().replace("\u200b", "")
    assert page.locator('a[href*="example.org"]').count() == 0
    assert page.locator('img[src*="example.org"]').count() == 0
    assert_no_exception(page)
