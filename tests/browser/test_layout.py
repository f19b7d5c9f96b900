"""Readable from the back row (issue 17): every page, both languages, presenter mode off and on, on a
1280×720 projector and a 390×844 phone.

Each view is opened once (``/<stem>?lang=..&present=..`` in a fresh session) and measured in one go;
the tests below read that measurement, so each check is its own test id without loading the page
again. Per view: no exception box, no sideways scrolling, exactly one visible key figure box
(``widgets.key_figure()``: ``.st-key-key_figure``); in presenter mode at 1280×720 that box starts above
the fold and spans ≥ 60 % of the content width; at 1280 px every picture shows a 28-px tile at
≥ 64 px. A screenshot of every view is kept under the artifacts folder as
``layout/<stem>-<lang>-<present|normal>-<w>x<h>.png``; ``scripts/check_screenshots.py`` checks them.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks.browser import KEY_FIGURE, MAIN_BLOCK, page_url, wait_rendered
from dashboard.core import navigation
from tests.browser.conftest import ARTIFACTS, save_screenshot

VIEWPORTS = ((1280, 720), (390, 844))
LANGS = ("ko", "en")
MODES = ("normal", "present")
MIN_TILE_PX = 64      # on screen, per 28×28 image, at 1280 px
MIN_FIGURE_SHARE = 0.6  # presenter mode: the key figure's width / the content block's width
FOLD_PX = 720


@dataclass(frozen=True)
class View:
    stem: str
    lang: str
    mode: str
    width: int
    height: int

    @property
    def present(self) -> bool:
        return self.mode == "present"

    @property
    def name(self) -> str:
        return f"{self.stem}-{self.lang}-{self.mode}-{self.width}x{self.height}"

    @property
    def path(self) -> str:
        path = "" if navigation.page(self.stem).default else self.stem  # the default page lives at / only
        return page_url("", path, self.lang, self.present)

    def __str__(self) -> str:
        return (f"page {self.stem!r}, lang={self.lang}, {'presenter' if self.present else 'normal'} mode, "
                f"{self.width}×{self.height}")


def screenshot_name(view: View) -> str:
    return f"layout/{view.name}.png"


#: every view, grouped by viewport so each viewport's page is reused for all its views
VIEWS = [View(p.stem, lang, mode, w, h) for (w, h) in VIEWPORTS for p in navigation.PAGES for lang in LANGS
         for mode in MODES]

# Measured in the page in one evaluation, after the app finished running and its images loaded.
MEASURE = """([keyFigure, mainBlock]) => {
  const scrollers = [document.scrollingElement, ...document.querySelectorAll(
      '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stApp"]')].filter(Boolean);
  for (const el of scrollers) { el.scrollTop = 0; el.scrollLeft = 0; }
  window.scrollTo(0, 0);
  const visible = (el) => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {top: r.top, left: r.left, width: r.width, height: r.height}; };
  const sideways = scrollers.filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => ({
      element: el === document.scrollingElement ? 'document' : el.getAttribute('data-testid'),
      scrollWidth: el.scrollWidth, clientWidth: el.clientWidth}));
  const figures = [...document.querySelectorAll(keyFigure)];
  const main = document.querySelector(mainBlock);
  const images = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stImage"] img')].map((img, i) => ({
      index: i, alt: img.alt || '', naturalWidth: img.naturalWidth, clientWidth: img.clientWidth,
      visible: visible(img)}));
  return {
    exceptions: [...document.querySelectorAll('[data-testid="stException"]')].map((e) => e.innerText.slice(0, 300)),
    docScrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, sideways,
    figures: figures.map((el) => ({visible: visible(el), ...box(el)})),
    main: main ? box(main) : null,
    images,
  };
}"""

IMAGES_LOADED = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stImage"] img')]
    .every((img) => img.complete)"""


class Views:
    """Opens each view once and remembers what it measured. Two browser tabs per viewport, reused for all
    its views: while one view is measured, the next view of :data:`VIEWS` already loads in the other tab,
    so the server's run of one overlaps the browser's drawing of the other."""

    def __init__(self, browser, server: str, order: list[View]) -> None:
        self.browser, self.server, self.order = browser, server, order
        self.tabs: dict[tuple[int, int], list] = {}
        self.pending: dict[View, object] = {}  # views loading in a tab, not measured yet
        self.measured: dict[View, dict] = {}
        self.seconds = 0.0

    def _tabs(self, width: int, height: int) -> list:
        key = (width, height)
        if key not in self.tabs:
            self.tabs[key] = []
            for _ in range(2):
                context = self.browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
                tab = context.new_page()
                tab.goto(self.server)  # the server's first visit: no view is a fresh server's file-name fallback
                wait_rendered(tab)
                self.tabs[key].append(tab)
        return self.tabs[key]

    def _open(self, view: View, busy=None):
        tab = next(t for t in self._tabs(view.width, view.height) if t is not busy and t not in self.pending.values())
        tab.goto(self.server + view.path, wait_until="commit")
        self.pending[view] = tab
        return tab

    def _next(self, view: View) -> View | None:
        later = self.order[self.order.index(view) + 1:] if view in self.order else []
        return next((v for v in later if (v.width, v.height) == (view.width, view.height)
                     and v not in self.measured and v not in self.pending), None)

    def measure(self, view: View) -> dict:
        if view in self.measured:
            return self.measured[view]
        start = time.perf_counter()
        tab = self.pending.get(view) or self._open(view)
        following = self._next(view)
        if following is not None:
            self._open(following, busy=tab)
        try:
            result = self._read(tab, view)
        finally:
            del self.pending[view]  # the tab is free again, measured or not
        result["seconds"] = time.perf_counter() - start
        self.measured[view] = result
        self.seconds += result["seconds"]
        return result

    @staticmethod
    def _read(tab, view: View) -> dict:
        try:
            wait_rendered(tab)
            tab.wait_for_selector(MAIN_BLOCK, timeout=30_000)
        except PlaywrightTimeout as exc:
            raise AssertionError(f"{view}: the app did not finish running (or showed no main block): {exc}") from exc
        try:
            tab.wait_for_function(IMAGES_LOADED, timeout=15_000)
        except PlaywrightTimeout:  # measured anyway: an unloaded picture reads naturalWidth 0 and is reported
            pass
        tab.evaluate("document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(r)))")
        result = tab.evaluate(MEASURE, [KEY_FIGURE, MAIN_BLOCK])
        save_screenshot(tab, screenshot_name(view))
        return result

    def close(self) -> None:
        for tabs in self.tabs.values():
            for tab in tabs:
                tab.context.close()


@pytest.fixture(scope="module")
def views(browser, server, request):
    start = time.perf_counter()
    selected = [item.callspec.params["view"] for item in request.session.items
                if item.module is request.module and "view" in getattr(getattr(item, "callspec", None), "params", {})]
    opened = Views(browser, server, list(dict.fromkeys(selected)))  # the views of the tests that run, in order
    yield opened
    opened.close()
    slowest = sorted(opened.measured.items(), key=lambda kv: -kv[1]["seconds"])[:5]
    print("\ntest_layout: slowest views: " + ", ".join(f"{v.name} {m['seconds']:.1f} s" for v, m in slowest))
    print(f"test_layout: {len(opened.measured)} views in {opened.seconds:.0f} s of page loads "
          f"({time.perf_counter() - start:.0f} s in the module)")


def pictures_tile_px() -> int | None:
    """``dashboard.core.pictures.TILE_PX`` (pixels per 28-px tile in the PNGs it renders), None without the module."""
    if importlib.util.find_spec("dashboard.core.pictures") is None:
        return None
    from dashboard.core import pictures

    return getattr(pictures, "TILE_PX", None)


@pytest.mark.parametrize("view", VIEWS, ids=[v.name for v in VIEWS])
def test_view_has_no_error_no_sideways_scroll_and_one_key_figure(views, view):
    m = views.measure(view)
    assert not m["exceptions"], f"{view}: exception box(es) on the page: {m['exceptions']}"
    assert m["docScrollWidth"] <= m["innerWidth"] + 1 and not m["sideways"], (
        f"{view}: scrolls sideways: document.documentElement.scrollWidth {m['docScrollWidth']} px > window.innerWidth "
        f"{m['innerWidth']} px + 1, or a page-level scroller is wider than its box: {m['sideways']}")
    figures = m["figures"]
    assert len(figures) == 1, (f"{view}: expected exactly one key figure box ({KEY_FIGURE}, widgets.key_figure()), "
                               f"found {len(figures)}")
    assert figures[0]["visible"], f"{view}: the key figure box is not visible: {figures[0]}"


PRESENTER_VIEWS = [v for v in VIEWS if v.present and (v.width, v.height) == (1280, 720)]


@pytest.mark.parametrize("view", PRESENTER_VIEWS, ids=[v.name for v in PRESENTER_VIEWS])
def test_presenter_key_figure_above_the_fold_and_wide(views, view):
    m = views.measure(view)
    assert len(m["figures"]) == 1, f"{view}: expected one key figure box ({KEY_FIGURE}), found {len(m['figures'])}"
    figure, main = m["figures"][0], m["main"]
    assert main is not None, f"{view}: no main content block ({MAIN_BLOCK})"
    assert figure["top"] < FOLD_PX, (f"{view}: the key figure box starts at {figure['top']:.0f} px (scrolled to the "
                                     f"top), not above {FOLD_PX} px")
    share = figure["width"] / main["width"] if main["width"] else 0.0
    assert share >= MIN_FIGURE_SHARE, (f"{view}: the key figure box is {figure['width']:.0f} px wide, "
                                       f"{share:.0%} of the content block's {main['width']:.0f} px "
                                       f"(needs ≥ {MIN_FIGURE_SHARE:.0%})")


WIDE_VIEWS = [v for v in VIEWS if v.width == 1280]


def tile_problems(images: list[dict], tile_px: int) -> tuple[list[str], list[dict]]:
    """The shown pictures whose 28-px tiles are under :data:`MIN_TILE_PX` on screen, and those never loaded."""
    small, unloaded = [], []
    for img in images:
        if not img["visible"]:
            continue  # folded away (an expander, a closed tab): not on the screen
        if not img["naturalWidth"]:
            unloaded.append(img)
            continue
        shown = img["clientWidth"] / img["naturalWidth"] * tile_px
        if shown < MIN_TILE_PX:
            small.append(f"image #{img['index']} ({img['alt'] or 'no alt'}): {img['clientWidth']} px shown of "
                         f"{img['naturalWidth']} px → {shown:.0f} px per 28-px tile")
    return small, unloaded


def test_the_tile_check_reports_small_hidden_and_unloaded_pictures():
    """No browser: the arithmetic of the check below on hand-made measurements."""
    images = [{"index": 0, "alt": "grid", "naturalWidth": 224, "clientWidth": 512, "visible": True},   # 8 tiles: 64 px
              {"index": 1, "alt": "", "naturalWidth": 224, "clientWidth": 500, "visible": True},       # 62.5 px
              {"index": 2, "alt": "folded", "naturalWidth": 224, "clientWidth": 10, "visible": False},
              {"index": 3, "alt": "broken", "naturalWidth": 0, "clientWidth": 0, "visible": True}]
    small, unloaded = tile_problems(images, tile_px=28)
    assert small == ["image #1 (no alt): 500 px shown of 224 px → 62 px per 28-px tile"]
    assert [img["index"] for img in unloaded] == [3]
    assert tile_problems(images[:1], tile_px=56) == ([], [])  # 4 tiles of 56 px shown at 512 px: 128 px each
    assert tile_problems([{**images[0], "clientWidth": 255}], tile_px=56)[0]  # at 255 px: 63.75 px, too small


@pytest.mark.parametrize("view", WIDE_VIEWS, ids=[v.name for v in WIDE_VIEWS])
def test_pictures_show_each_tile_at_64_px(views, view):
    tile_px = pictures_tile_px()
    if tile_px is None:
        pytest.skip("dashboard.core.pictures (TILE_PX: pixels per 28-px tile in its PNGs) is not on this branch yet")
    small, unloaded = tile_problems(views.measure(view)["images"], tile_px)
    assert not unloaded, f"{view}: picture(s) never loaded: {unloaded}"
    assert not small, f"{view}: tiles under {MIN_TILE_PX} px (TILE_PX={tile_px}): " + "; ".join(small)


def test_every_screenshot_taken_is_the_viewports_size_and_not_blank(views):
    """The screenshots of this run (run alone: of every view, from an earlier run), checked as
    scripts/check_screenshots.py checks them."""
    from scripts.check_screenshots import check

    found = check((ARTIFACTS / screenshot_name(v), (v.width, v.height)) for v in (views.measured or VIEWS))
    assert not found, "\n".join(found)
