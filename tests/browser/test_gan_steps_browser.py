"""The 2-D lab's step-by-step GAN mode in Chromium: D step and G step each update both losses."""

from playwright.sync_api import expect

from benchmarks.browser import wait_rendered
from tests.browser.conftest import assert_no_exception, heading, save_screenshot


def metric(page, label: str):
    return page.locator('[data-testid="stMetric"]', has_text=label).locator('[data-testid="stMetricValue"]')


def value(page, label: str) -> float:
    return float(metric(page, label).inner_text())


def test_d_step_and_g_step_update_both_losses(server, page):
    page.goto(f"{server}/lab_2d?lang=en&family=0&mode=1&k=2")
    wait_rendered(page)
    assert heading(page) == "2-D generative lab"
    figure = page.locator(".st-key-key_figure")
    expect(figure.locator(".js-plotly-plot")).to_have_count(2, timeout=60_000)  # D(x) with the points, the losses
    expect(metric(page, "Updates: D / G")).to_have_text("0 / 0")
    d0, g0 = value(page, "Discriminator loss"), value(page, "Generator loss")

    page.get_by_role("button", name="D step ×2").click()
    expect(metric(page, "Updates: D / G")).to_have_text("2 / 0", timeout=60_000)
    wait_rendered(page)
    d1, g1 = value(page, "Discriminator loss"), value(page, "Generator loss")
    assert d1 < d0 and g1 != g0  # a D step: D's loss falls, G's moves because D changed

    page.get_by_role("button", name="G step", exact=True).click()
    expect(metric(page, "Updates: D / G")).to_have_text("2 / 1", timeout=60_000)
    wait_rendered(page)
    d2, g2 = value(page, "Discriminator loss"), value(page, "Generator loss")
    assert g2 < g1 and d2 != d1  # a G step: G's loss falls, D's moves because the samples moved
    page.get_by_text("G step ×1: the generator's loss").wait_for(timeout=30_000)
    assert_no_exception(page)
    save_screenshot(page, "browser-lab-2d-gan-steps.png", full_page=True)
