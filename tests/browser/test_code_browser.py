"""The code model in Chromium: pick it in the next-token lab's model box, generate, see code."""

from benchmarks.browser import wait_rendered
from tests.browser.conftest import assert_no_exception, choose, save_screenshot


def test_code_model_writes_python_in_the_next_token_lab(server, page):
    page.goto(f"{server}/next_token?lang=en&max_new=30&seed=2")
    wait_rendered(page)
    choose(page, "Model", "Code GPT (Python standard library)")
    wait_rendered(page)
    box = page.get_by_label("Prompt")
    assert box.input_value().startswith("def fibonacci(n):")
    page.get_by_role("button", name="Generate").click()
    page.get_by_text("tokens per second").first.wait_for(timeout=90_000)
    wait_rendered(page)
    code = page.locator('[data-testid="stCode"]').first
    written = code.inner_text()
    assert written.startswith("def fibonacci(n):") and len(written) > len("def fibonacci(n):\n") + 5
    assert_no_exception(page)
    save_screenshot(page, "browser-next-token-code.png", full_page=True)
