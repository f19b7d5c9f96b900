"""The code model in Chromium: pick it in the next-token lab's model box, generate, see code."""

import re

from benchmarks.browser import wait_rendered
from tests.browser.conftest import assert_no_exception, choose, save_screenshot

PROMPT = "def fibonacci(n):"


def test_code_model_writes_python_in_the_next_token_lab(server, page):
    from playwright.sync_api import expect

    page.goto(f"{server}/next_token?lang=en&max_new=30&seed=2")
    wait_rendered(page)
    choose(page, "Model", "Code GPT (Python standard library)")
    box = page.get_by_role("textbox", name="Prompt")
    expect(box).to_have_value(re.compile("^" + re.escape(PROMPT)), timeout=60_000)  # the code prompt
    wait_rendered(page)
    page.get_by_role("button", name="Generate").click()
    page.get_by_text("tokens per second on").first.wait_for(timeout=90_000)
    wait_rendered(page)
    blocks = page.locator('[data-testid="stCode"]').filter(has_text=PROMPT)  # the run, then the three compared
    assert blocks.count() >= 2
    written = blocks.first.inner_text()
    assert written.startswith(PROMPT) and len(written) > len(PROMPT) + 5, written
    assert_no_exception(page)
    save_screenshot(page, "browser-next-token-code.png", full_page=True)
