"""Applications and data augmentation in Chromium: every application section works, a live training run ends."""

from playwright.sync_api import expect

from benchmarks.browser import wait_rendered
from tests.browser.conftest import assert_no_exception, choose, draw_stroke, heading, save_screenshot


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


def _plot_traces(page) -> list[dict]:
    """Name and y values of every plotly line trace on the page (image grids have no name)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .flatMap(p => (p.data || []).filter(d => d.type === 'scatter')
        .map(d => ({name: d.name, y: Array.from(d.y)})))""")


def _picture(page, text: str):
    """A picture (an image grid drawn by dashboard.core.pictures) whose caption contains ``text``."""
    return page.locator('[data-testid="stImage"]', has_text=text)


def test_super_resolution_measures_bicubic_and_diffusion(server, page):
    page.goto(f"{server}/applications?lang=en&app=1&factor=1")
    wait_rendered(page)
    assert heading(page, "h2") == "Super-resolution"
    page.get_by_role("columnheader", name="SSIM").first.wait_for(timeout=90_000)
    expect(_picture(page, "the 7×7 input")).to_have_count(1)
    wait_rendered(page)
    rows = page.locator("table tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows] == ["bicubic", "diffusion"]
    assert all(r.count("dB") == 1 for r in rows)
    before = rows
    page.get_by_text("14×14 (×2)").click()  # the other input size, through the UI
    expect(_picture(page, "the 14×14 input")).to_have_count(1, timeout=90_000)
    wait_rendered(page)
    assert "factor=0" in page.url
    rows = page.locator("table tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows] == ["bicubic", "diffusion"] and rows != before
    expect(page.get_by_text("Diffusion time for this image")).to_be_visible()
    assert_no_exception(page)
    save_screenshot(page, "browser-superres-en.png", full_page=True)


def test_sdedit_follows_the_target_class_in_korean(server, page):
    page.goto(f"{server}/applications?lang=ko&app=2")
    wait_rendered(page)
    assert heading(page, "h2") == "이미지 편집"
    expect(_picture(page, "드레스 쪽으로")).to_have_count(1, timeout=90_000)  # the default target: a dress
    wait_rendered(page)  # the first run is over: a click now is not lost to it
    p_dress = {tr["name"]: tr["y"] for tr in _plot_traces(page)}["판정 분류기의 P(드레스)"]
    choose(page, "바꿀 클래스", "가방")
    expect(_picture(page, "가방 쪽으로")).to_have_count(1, timeout=90_000)
    wait_rendered(page)
    assert "target=8" in page.url
    traces = {tr["name"]: tr["y"] for tr in _plot_traces(page)}
    assert set(traces) == {"판정 분류기의 P(가방)", "입력과의 SSIM"}
    p_bag, ssim = traces["판정 분류기의 P(가방)"], traces["입력과의 SSIM"]
    assert len(p_bag) == len(ssim) == 5 and all(0 <= p <= 1 for p in p_bag) and p_bag != p_dress
    assert p_bag[-1] > 0.5 and p_bag[-1] > p_bag[0]  # at full strength the judge sees a bag, at 20 % hardly
    assert ssim[0] > ssim[-1]  # ... and the picture has moved away from the input
    assert_no_exception(page)
    save_screenshot(page, "browser-sdedit-ko.png", full_page=True)


def test_text_to_image_in_korean_maps_words_and_refuses_a_cat(server, page):
    page.goto(f"{server}/applications?lang=ko&app=3")
    wait_rendered(page)
    assert heading(page, "h2") == "텍스트 → 이미지"
    expect(page.get_by_text("알아들은 것:")).to_contain_text("드레스", timeout=90_000)  # the default example
    wait_rendered(page)
    box = page.get_by_role("textbox", name="설명")
    box.fill("빨간 운동화")
    box.press("Enter")
    understood = page.get_by_text("알아들은 것:")
    expect(understood).to_contain_text("운동화", timeout=90_000)
    wait_rendered(page)
    ignored = page.locator('[data-testid="stAlert"]', has_text="무시됨")
    expect(ignored).to_contain_text("빨간")
    expect(ignored).not_to_contain_text("줄무늬")  # the default example's word is gone
    expect(_picture(page, "생성한 이미지: 운동화")).to_have_count(1)  # the row of generated sneakers
    box.fill("귀여운 고양이")
    box.press("Enter")
    error = page.locator('[data-testid="stAlert"]', has_text="모델이 아는 클래스를 가리키는 낱말이 없습니다")
    expect(error).to_contain_text("고양이", timeout=90_000)
    wait_rendered(page)
    expect(page.get_by_text("모델이 아는 낱말:")).to_be_visible()
    drawn = page.locator('[data-testid="stImage"]', has_text="생성한 이미지:")
    expect(drawn).to_have_count(0)  # nothing drawn for a cat
    assert_no_exception(page)
    save_screenshot(page, "browser-text-to-image-ko.png", full_page=True)


def test_video_gifs_play_and_download(server, page):
    import io

    from PIL import Image

    page.goto(f"{server}/applications?lang=en&app=4&vcls=7")
    wait_rendered(page)
    assert heading(page, "h2") == "Image → video"
    images = page.locator('[data-testid="stMain"] [data-testid="stImage"] img')  # not the sidebar's QR code
    expect(images).to_have_count(2, timeout=90_000)
    expect(page.get_by_text("Denoising film of a Sneaker")).to_be_visible()
    for img in images.all():  # both are animated GIFs of 28×28 frames enlarged 8×
        film = Image.open(io.BytesIO(page.request.get(img.get_attribute("src")).body()))
        assert film.format == "GIF" and film.n_frames >= 5 and film.size == (224, 224)
    buttons = page.get_by_role("button", name="Download GIF")
    expect(buttons).to_have_count(2)
    with page.expect_download() as download:
        buttons.first.click()
    assert download.value.suggested_filename == "denoising.gif"
    assert_no_exception(page)
    save_screenshot(page, "browser-video-en.png", full_page=True)


def test_style_transfer_shows_both_methods_and_follows_the_strength(server, page):
    page.goto(f"{server}/applications?lang=ko&app=5&strength=0.8")
    wait_rendered(page)
    assert heading(page, "h2") == "스타일 전이"
    expect(page.get_by_text("진짜 스타일 전이가 아니라")).to_be_visible(timeout=90_000)  # the honest label
    expect(page.get_by_role("columnheader", name="입력과의 SSIM: 내용이 남은 정도")).to_be_visible(timeout=90_000)
    grid = page.locator('[data-testid="stMain"] [data-testid="stImage"] img')
    expect(grid).to_have_count(2, timeout=90_000)  # the picker's picture and the four-tile result
    expect(page.get_by_text("강도 80%")).to_be_visible()
    assert_no_exception(page)
    save_screenshot(page, "browser-style-transfer-ko.png", full_page=True)
