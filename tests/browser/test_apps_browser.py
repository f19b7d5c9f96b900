"""Applications and data augmentation in Chromium: a brushed mask is filled, a live training run ends."""

from playwright.sync_api import expect

from benchmarks.browser import wait_rendered
from tests.browser.conftest import assert_no_exception, draw_stroke, heading, save_screenshot


def test_brushed_mask_is_filled(server, page):
    page.goto(f"{server}/applications?lang=en&app=0&mask=1")
    wait_rendered(page)
    assert heading(page).startswith("Applications")
    expect(page.get_by_text("Nothing is hidden yet")).to_be_visible(timeout=60_000)  # no stroke yet
    draw_stroke(page, (0.2, 0.5), (0.8, 0.5))
    page.get_by_role("columnheader", name="PSNR").first.wait_for(timeout=90_000)  # the quality table: it was filled
    wait_rendered(page)
    expect(page.get_by_text("Nothing is hidden yet")).to_have_count(0)
    assert_no_exception(page)
    save_screenshot(page, "browser-inpainting-brush.png", full_page=True)


def test_live_augmentation_run_in_korean(server, page):
    page.goto(f"{server}/augmentation?lang=ko&fam=1&real=0&synth=0")
    wait_rendered(page)
    assert heading(page) == "생성한 이미지로 하는 데이터 증강"
    page.get_by_role("button", name="두 분류기 학습하기").click()
    metric = page.locator('[data-testid="stMetricLabel"]', has_text="실제 + VAE")
    metric.wait_for(timeout=120_000)
    wait_rendered(page)
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert len(values) == 3 and all(v.strip() for v in values)
    assert_no_exception(page)
    save_screenshot(page, "browser-augmentation-ko.png", full_page=True)
