"""Render: the first render of every page in Chromium, models loaded and the result cache empty, in normal
and presenter mode (issue 17); plus the cold start of :mod:`benchmarks.startup` with its empty-app floor.

One ``streamlit run app.py`` with ``GENAI_LAB_CACHE_ENTRIES=0``: the shared result cache keeps nothing,
so every visit computes its views afresh — what the first student to open a link waits for. Each page
is visited once first (in both modes), which loads its models (``st.cache_resource``); Streamlit's
``st.cache_data`` caches of small derived tables stay warm, as on a server that has been up a while.
Then ``repeats`` rounds: every page in the course's order, normal then presenter mode (``?present=1``),
each opened as a link in a fresh session of one 1280×720 tab. A render is timed from ``goto`` to
:func:`benchmarks.browser.wait_figure`: the script finished and the page's key figure is visible (the
main block when the page declares no key figure yet). The pages are the sidebar's links, in menu order,
as the running app serves them (``navigation.PAGES``; the default page's url path is "", shown as "/").
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from benchmarks import startup
from benchmarks.browser import launch_chromium, menu_paths, page_url, streamlit_server, wait_figure
from benchmarks.common import save, summarise

TARGET_S = 1.5  # per page, median, 2 cores
MODES = ("normal", "present")
VIEWPORT = {"width": 1280, "height": 720}
LANG = "ko"


def _name(path: str) -> str:
    return path or "/"


def time_render(tab, url: str) -> tuple[float, str]:
    start = time.perf_counter()
    tab.goto(url)
    target = wait_figure(tab)
    return time.perf_counter() - start, target


def measure_pages(browser, pages: tuple[str, ...] | None, repeats: int, modes: tuple[str, ...] = MODES) -> dict:
    """``pages``: url paths ("" or "/" for the default page); None: every page of the menu."""
    out: dict = {"warmup_s": {}, "pages": {}, "waited_for": {}}
    with streamlit_server(env={"GENAI_LAB_CACHE_ENTRIES": "0"}) as (base, _proc):
        context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
        tab = context.new_page()
        tab.goto(f"{base}/?lang={LANG}")  # the server's first visit: no link below is a fresh server's file-name
        wait_figure(tab)                  # fallback
        menu = menu_paths(tab)
        pages = tuple(menu) if pages is None else tuple(p.strip("/") for p in pages)
        missing = sorted(set(pages) - set(menu))
        if missing:
            raise ValueError(f"not in the app's menu: {missing}; the menu's url paths: {menu}")
        for stem in pages:  # load every page's models
            for mode in modes:
                seconds, _ = time_render(tab, page_url(base, stem, LANG, mode == "present"))
                out["warmup_s"][f"{_name(stem)} {mode}"] = seconds
        times: dict[str, dict[str, list[float]]] = {stem: {mode: [] for mode in modes} for stem in pages}
        for _ in range(repeats):
            for stem in pages:
                for mode in modes:
                    seconds, target = time_render(tab, page_url(base, stem, LANG, mode == "present"))
                    times[stem][mode].append(seconds)
                    waited = "key figure" if "key_figure" in target else "main block (no key figure)"
                    out["waited_for"][_name(stem)] = waited
        context.close()
    out["pages"] = {_name(stem): {mode: summarise(t) for mode, t in by_mode.items()}
                    for stem, by_mode in times.items()}
    return out


def _s(value: float) -> str:
    return f"{value:.2f}"


def page_table(payload: dict) -> list[str]:
    modes = payload["options"]["modes"]
    lines = ["| page | " + " | ".join(f"{m} median s (min–max)" for m in modes) + " | waited for |",
             "|---|" + "---|" * len(modes) + "---|"]
    for stem, by_mode in payload["pages"].items():
        cells = []
        for mode in modes:
            s = by_mode[mode]
            mark = " ⚠" if s["median_s"] > payload["target_s"] else ""
            cells.append(f"{_s(s['median_s'])}{mark} ({_s(s['min_s'])}–{_s(s['max_s'])})")
        lines.append(f"| {stem} | " + " | ".join(cells) + f" | {payload['waited_for'].get(stem, '—')} |")
    return lines


def measures(payload: dict) -> list[tuple[str, str]]:
    opts = payload["options"]
    rows = [("command", f"`{opts['command']}`"),
            ("setting", f"{opts['repeats']} rounds over {len(payload['pages'])} pages, lang={LANG}, "
                        f"{VIEWPORT['width']}×{VIEWPORT['height']}, result cache off (GENAI_LAB_CACHE_ENTRIES=0), "
                        "models loaded by a first visit of every page")]
    for mode in opts["modes"]:
        medians = {stem: by_mode[mode]["median_s"] for stem, by_mode in payload["pages"].items()}
        if not medians:
            continue
        worst = max(medians, key=medians.get)
        over = sorted(stem for stem, s in medians.items() if s > payload["target_s"])
        rows.append((f"{mode}: first render, median over pages (worst page)",
                     f"{_s(statistics.median(medians.values()))} s ({worst} {_s(medians[worst])} s)"))
        rows.append((f"{mode}: pages over the {payload['target_s']:g} s target",
                     f"{len(over)} of {len(medians)}" + (f": {', '.join(over)}" if over else "")))
    if payload.get("cold_start"):
        rows += startup.rows(payload["cold_start"])
    before, after = payload["loadavg_before"][0], payload["loadavg_after"][0]
    rows.append(("load average before → after (other processes on the machine)", f"{before:.1f} → {after:.1f}"))
    return rows


def run(repeats: int = 3, pages: tuple[str, ...] | None = None, modes: tuple[str, ...] = MODES,
        cold_start: bool = True, cold_repeats: int | None = None, results: Path | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    unknown = sorted(set(modes) - set(MODES))
    if unknown:
        raise ValueError(f"unknown mode(s) {unknown}; choose from {list(MODES)}")
    cold_repeats = cold_repeats or repeats
    command = f"python -m benchmarks render --repeats {repeats}" + (f" --pages {','.join(pages)}" if pages else "")
    opts = {"repeats": repeats, "pages": list(pages) if pages else "menu", "modes": list(modes), "lang": LANG,
            "viewport": VIEWPORT, "cold_repeats": cold_repeats if cold_start else 0, "command": command}
    payload = {"options": opts, "target_s": TARGET_S, "loadavg_before": os.getloadavg()}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        payload.update(measure_pages(browser, pages, repeats, tuple(modes)))
        if cold_start:
            payload["cold_start"] = startup.measure(browser, cold_repeats)
        browser.close()
    payload["loadavg_after"] = os.getloadavg()
    save("render", payload, measures(payload), extra=page_table(payload), results=results)
    return payload
