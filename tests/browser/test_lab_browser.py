"""The 2-D lab in Chromium: training runs live in a fragment, the step counter climbs, Pause stops it."""

import time

from playwright.sync_api import expect

from benchmarks.browser import wait_rendered
from tests.browser.conftest import assert_no_exception, heading, save_screenshot


def steps(page) -> int:
    return int(page.locator('[data-testid="stMetricValue"]').first.inner_text().replace(",", ""))


def test_live_training_climbs_and_pause_stops_it(server, page):
    page.goto(f"{server}/lab_2d?lang=en&family=0&spr=5")
    wait_rendered(page)
    assert heading(page) == "2-D generative lab"
    assert steps(page) == 0
    page.get_by_role("button", name="Start").click()
    seen = [0]
    deadline = time.monotonic() + 90
    while len(set(seen)) < 4 and time.monotonic() < deadline:  # at least three refreshes after the start
        page.wait_for_timeout(100)
        seen.append(steps(page))
    assert len(set(seen)) >= 4, seen
    assert seen == sorted(seen)  # the counter only goes up
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Start")).to_be_enabled(timeout=30_000)
    wait_rendered(page)
    page.wait_for_timeout(500)
    paused = steps(page)
    page.wait_for_timeout(2000)  # ten refresh intervals: nothing may move now
    assert steps(page) == paused > 0
    assert_no_exception(page)
    save_screenshot(page, "browser-lab-2d-paused.png", full_page=True)


def test_probability_page_in_korean_fits_on_click(server, page):
    page.goto(f"{server}/probability?lang=ko")
    wait_rendered(page)
    assert heading(page) == "확률 모델링"
    value = page.locator('[data-testid="stMetricValue"]').first
    before = float(value.inner_text())
    page.get_by_role("button", name="맞추기").click()
    page.get_by_text("최대 가능도 파라미터가").wait_for(timeout=60_000)
    wait_rendered(page)
    assert float(value.inner_text()) > before
    assert_no_exception(page)
    save_screenshot(page, "browser-probability-ko.png", full_page=True)


def drawing_canvas(page, timeout_s: float = 60) -> dict:
    """The bounding box of the drawable canvas (360 × 360 px), once its component has loaded."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for canvas in page.locator("canvas").all():
            box = canvas.bounding_box()
            if box and round(box["width"]) == round(box["height"]) == 360:
                return box
        page.wait_for_timeout(250)
    raise AssertionError("the drawing canvas did not appear")


def test_points_placed_on_the_canvas_become_the_training_data(server, page):
    page.goto(f"{server}/lab_2d?lang=en&data=5&family=1")
    wait_rendered(page)
    page.get_by_text("Until there are valid points").wait_for(timeout=60_000)
    box = drawing_canvas(page)
    for i in range(12):  # two little clusters
        dx, dy = (80 if i % 2 else 260) + 7 * (i % 5), 120 + 9 * (i % 4)
        page.mouse.click(box["x"] + dx, box["y"] + dy)
        page.wait_for_timeout(120)
    page.get_by_text("12 points read").wait_for(timeout=60_000)
    wait_rendered(page)
    page.get_by_role("button", name="One step").click()
    expect(page.locator('[data-testid="stMetricValue"]').first).to_have_text("1", timeout=60_000)
    assert_no_exception(page)
    save_screenshot(page, "browser-lab-2d-canvas.png", full_page=True)


def test_refresh_benchmark_counts_what_the_browser_shows(server, page):
    from benchmarks import refresh

    out = refresh.measure(page, server, family=3, spr=5, seconds=3, warmup_s=1)  # diffusion
    assert out["updates"] >= 2 and out["shown_per_s"] > 0 and out["trained_per_s"] > 0, out
    assert out["median_gap_ms"] <= out["max_gap_ms"]
    expect(page.get_by_role("button", name="Start")).to_be_enabled(timeout=30_000)  # paused again
