"""The landscape page in Chromium, opened by a shared Korean link."""

from playwright.sync_api import expect

from benchmarks.browser import wait_rendered
from dashboard.core.i18n import strings
from tests.browser.conftest import assert_no_exception, heading, save_screenshot


def test_landscape_in_korean(server, page):
    ko = strings("ko")
    page.goto(f"{server}/landscape?lang=ko")
    wait_rendered(page)
    assert heading(page) == ko["landscape.title"]
    assert "lang=ko" in page.url
    page.get_by_text(ko["landscape.table.header"]).wait_for()
    main = page.locator('[data-testid="stMain"]')
    expect(main.locator('[data-testid="stTable"] tbody tr')).to_have_count(7)  # one row per output modality
    assert main.get_by_role("link", name=ko["nav.next_token"]).count() >= 1  # links to the demo pages
    assert_no_exception(page)
    save_screenshot(page, "browser-landscape-ko.png")
    main.get_by_text(ko["landscape.text.here"]).scroll_into_view_if_needed()  # the first cards
    save_screenshot(page, "browser-landscape-ko-cards.png")
