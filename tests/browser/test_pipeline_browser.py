"""Train your own in Chromium: a short run fills the five stages; Stop ends a longer run and keeps its epochs."""

import re

from playwright.sync_api import expect

from benchmarks.browser import wait_rendered
from dashboard.core.i18n import strings
from tests.browser.conftest import assert_no_exception, heading, save_screenshot

CHART = '[data-testid="stMain"] :is([data-testid="stPlotlyChart"], [data-testid="stImage"])'  # a stage's figure


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has=page.locator('[data-testid="stMetricLabel"]', has_text=label))
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_short_run_shows_samples_and_fid_per_epoch(server, page):
    page.goto(f"{server}/pipeline?lang=en&classes=1,8&n=0&ep=2")
    wait_rendered(page)
    assert heading(page) == "Train your own generative model"
    expect(page.get_by_text("Appears after the first epoch of training.")).to_have_count(4)  # stages 2-5 wait
    expect(page.locator(CHART)).to_have_count(1)  # only the data batch so far
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text("Trained 2 epochs.").wait_for(timeout=120_000)
    wait_rendered(page)
    assert metric(page, "Epochs trained") == "2 / 2"
    assert float(metric(page, "Domain FID now")) > float(metric(page, "Real vs real")) > 0
    expect(page.locator(CHART)).to_have_count(5)  # data, loss, latent map, samples per epoch, FID per epoch
    expect(page.get_by_text("Appears after the first epoch of training.")).to_have_count(0)
    caption = re.compile(r"^300 samples per epoch\. Untrained: \d+; now: \d+; floor: \d+\.$")
    expect(page.get_by_text(caption)).to_be_visible()
    assert_no_exception(page)
    save_screenshot(page, "browser-pipeline-en.png", full_page=True)


def test_stop_ends_a_longer_run_in_korean_and_keeps_its_epochs(server, page):
    page.goto(f"{server}/pipeline?lang=ko&classes=1,8&n=2&ep=30")  # 100 images per class, 30 epochs
    wait_rendered(page)
    assert heading(page) == "생성 모델 직접 학습하기"
    stop = page.get_by_role("button", name="멈추기")
    expect(stop).to_be_disabled()
    page.get_by_role("button", name="학습", exact=True).click()
    # two epochs done, a later one running: checked on every frame, since an epoch of this run can take
    # well under a second on a quiet machine and its progress text would slip between slower checks
    page.wait_for_function("""() => Array.from(document.querySelectorAll('[data-testid="stProgress"]'))
        .some(p => { const m = p.innerText.match(/에폭 (\\d+)\\/30 학습 중/); return m && +m[1] >= 3; })""",
                           polling="raf", timeout=120_000)
    expect(page.locator(CHART)).to_have_count(5)  # the stages are drawn live, between epochs
    stop.click()
    warning = page.get_by_text(re.compile(r"에폭 30개 중 \d+개에서 멈췄습니다"))
    warning.wait_for(timeout=60_000)
    wait_rendered(page)
    done = int(metric(page, "학습한 에폭").split("/")[0])
    assert 2 <= done < 30
    page.wait_for_timeout(3000)  # several epochs' time: nothing may move now
    wait_rendered(page)
    assert metric(page, "학습한 에폭") == f"{done} / 30"
    expect(warning).to_have_text(strings("ko")["pipeline.stopped"].format(n=done, total=30))
    expect(page.get_by_role("button", name="학습", exact=True)).to_be_enabled()
    expect(stop).to_be_disabled()
    assert_no_exception(page)
    save_screenshot(page, "browser-pipeline-stopped-ko.png", full_page=True)
