"""Pros & cons in Chromium: the scorecard, a section switch that samples the imbalanced model, a live control run."""

from playwright.sync_api import expect

from benchmarks.browser import wait_rendered
from tests.browser.conftest import assert_no_exception, choose, heading, save_screenshot


def test_scorecard_and_bias_section_in_korean(server, page):
    page.goto(f"{server}/pros_cons?lang=ko")
    wait_rendered(page)
    assert heading(page) == "생성형 AI의 장단점, 숫자로 확인하기"
    for topic in ("창의성(새로움)", "암기와 저작권", "악용과 딥페이크", "편향", "계산 비용"):
        expect(page.get_by_role("cell", name=f"➕ {topic}").or_(page.get_by_role("cell", name=f"➖ {topic}"))
               ).to_have_count(1)
    page.get_by_test_id("stRadio").get_by_text("편향", exact=True).click()
    page.wait_for_url("**sec=3**")
    expect(page.get_by_text("이 모델이 새로 그린 샘플 40장")).to_be_visible(timeout=60_000)
    wait_rendered(page)
    expect(page.locator('[data-testid="stMetricValue"]').first).to_contain_text("×")
    assert_no_exception(page)
    save_screenshot(page, "browser-pros-cons-bias-ko.png", full_page=True)


def test_control_failures_for_a_hard_class_in_english(server, page):
    page.goto(f"{server}/pros_cons?lang=en&sec=4&cfam=1&ccls=0")
    wait_rendered(page)
    expect(page.get_by_text("Judge agrees it is “T-shirt/top” (these 48)")).to_be_visible(timeout=60_000)
    choose(page, "Ask for", "Shirt")
    expect(page.get_by_text("Judge agrees it is “Shirt” (these 48)")).to_be_visible(timeout=60_000)
    wait_rendered(page)
    page.wait_for_url("**ccls=6**")
    assert page.locator('.js-plotly-plot, [data-testid="stImage"]').count() >= 2  # spread + worst samples (+ failures)
    assert_no_exception(page)
    save_screenshot(page, "browser-pros-cons-control-en.png", full_page=True)
