"""Real browser: Debian's Chromium driven by Playwright against `streamlit run app.py`."""

from playwright.sync_api import expect

from benchmarks.browser import streamlit_server, wait_rendered
from tests.browser.conftest import assert_no_exception, heading, save_screenshot


def test_language_switch_and_navigation(server, page):
    page.goto(server)
    wait_rendered(page)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot, [data-testid=stImage]').length >= 4",
                           timeout=60_000)
    assert heading(page) == "생성형 AI란?"
    assert "lang=ko" in page.url
    assert_no_exception(page)
    save_screenshot(page, "browser-overview-ko.png")

    page.get_by_role("radio", name="English", exact=True).click()
    page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').innerText.includes('What is')")
    wait_rendered(page)
    assert heading(page) == "What is generative AI?"
    page.wait_for_url("**lang=en**")
    assert_no_exception(page)

    page.get_by_role("link", name="Glossary").click()
    page.wait_for_url("**/glossary**lang=en**")
    wait_rendered(page)
    assert heading(page) == "Glossary"  # the language survived sidebar navigation
    assert_no_exception(page)
    save_screenshot(page, "browser-glossary-en.png")

    page.reload()
    wait_rendered(page)
    assert heading(page) == "Glossary"  # and the link opens in the language it was copied in


def test_generate_button_and_shared_link(server, page):
    page.goto(f"{server}/?lang=en&cls=8&seed=5")
    wait_rendered(page)
    page.wait_for_selector("text=New images sampled from p(x | Bag)", timeout=60_000)
    page.get_by_role("button", name="New", exact=True).click()
    page.wait_for_url("**seed=6**")
    wait_rendered(page)
    assert_no_exception(page)
    save_screenshot(page, "browser-overview-en.png", full_page=True)


def test_deep_link_on_a_fresh_server_uses_the_app_navigation(browser):
    """The first visit of a new server goes straight to a page: app.py's navigation must still apply."""
    with streamlit_server() as (url, _proc):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/latent_map?lang=en")
        # The first run may be the file-name fallback that reruns itself through app.py, so
        # wait (bounded) for the app's own navigation instead of reading the first render.
        nav = page.locator('[data-testid="stSidebarNav"]')
        expect(nav).to_contain_text("Basics", timeout=60_000)  # not the file-name fallback
        expect(nav).to_contain_text("What is generative AI?")
        expect(nav).not_to_contain_text("compare")
        wait_rendered(page)
        assert page.get_by_role("radio", name="English").count() == 1  # the language switch is there
        assert heading(page) == "The latent map: 10,000 images in two numbers"
        assert page.get_by_text("Page not found").count() == 0  # no dialog over the page
        assert_no_exception(page)
        page.close()


def test_the_sidebar_lists_every_page_in_the_course_order(server, page):
    """Every page is in the sidebar, none folded behind "View N more", in the order of the page table."""
    from dashboard.core import navigation
    from dashboard.core.i18n import strings

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server}/?lang=en")
    wait_rendered(page)
    links = page.locator('[data-testid="stSidebarNavLink"]')
    expect(links).to_have_count(len(navigation.PAGES))
    shown = [links.nth(i).inner_text().strip().split("\n")[-1] for i in range(links.count())]  # after the icon
    assert shown == [strings("en")[p.title] for p in navigation.PAGES]
    assert page.get_by_text("View more").count() == 0 and page.get_by_text("View less").count() == 0
