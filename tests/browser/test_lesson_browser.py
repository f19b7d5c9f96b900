"""The lesson path in Chromium (issue 18): a step's link opens its page with the settings, the try-this box
reveals the answer, and the next-step link carries its own settings over values held from the last page."""

import re

from playwright.sync_api import expect

from benchmarks.browser import wait_rendered
from tests.browser.conftest import assert_no_exception, heading, save_screenshot


def test_lesson_path_next_step_and_try_this(server, page):
    page.goto(f"{server}/lesson?lang=en")
    wait_rendered(page)
    assert heading(page) == "Lesson path: a class through the whole app"
    assert_no_exception(page)
    save_screenshot(page, "browser-lesson-en.png")

    page.get_by_role("link", name="Open step 3 with its settings").click()  # probability, the mixture preloaded
    page.wait_for_url(re.compile(r"/probability\?.*model=1.*step=3"))
    wait_rendered(page)
    expect(page.get_by_role("radio", name="Mixture of two Gaussians", exact=True)).to_be_checked()
    seed = page.get_by_role("spinbutton", name="Seed", exact=True).first
    seed.fill("7")
    seed.press("Enter")
    page.wait_for_url(re.compile(r"seed=7"))
    wait_rendered(page)

    page.get_by_text("A mixture of two Gaussians", exact=True).click()  # the try-this prediction
    page.get_by_text("Show the answer").click()
    expect(page.get_by_text(re.compile(r"^Right: A mixture of two Gaussians"))).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile(r"its best fit scores -\d"))).to_be_visible()
    assert_no_exception(page)

    page.get_by_role("link", name=re.compile(r"^Next: step 4")).click()
    page.wait_for_url(re.compile(r"/gan\?.*step=4"))
    wait_rendered(page)
    assert heading(page).startswith("GAN")
    expect(page.get_by_role("spinbutton", name="Seed", exact=True).last).to_have_value("0")  # the link's seed, not 7
    assert "seed=0" in page.url
    assert page.get_by_role("link", name=re.compile(r"^Next: step 5")).count() == 1
    assert_no_exception(page)
