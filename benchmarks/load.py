"""Load: a class of simulated students on one server, each speaking Streamlit's own websocket protocol.

``streamlit run app.py`` is started on a free loopback port and always stopped at the end. A
simulated student is a websocket to ``/_stcore/stream`` (subprotocol ``streamlit``): a click sends
a ``BackMsg`` whose ``rerun_script`` carries the page's ``page_name`` (its url_path) and a query
string, then reads ``ForwardMsg``s until the run's ``script_finished``. Each browsing click opens a
fresh session, as a student opening a link does, so the link's settings (seeds, language) apply.

Per click: the latency from send to ``script_finished``; an error when a delta is an exception
element, the page is not found, the connection drops or the click times out; and the time to the
first queue notice — an element whose text starts with "⏳" (the fair queue's "N ahead of you").

A single-user baseline comes first (a warm-up click per page, then each page alone, with the same
link and with fresh seeds), then the scenarios:

* **a** — the whole class on the instructor's link: every student opens the same links, cycling
  through the pages, all starting at once;
* **b** — everyone on their own: each click picks a random page, random seeds and a random language;
* **c** — some students training (the 2-D lab: Start, then the ``run_every`` fragment reruns a
  browser would send; Train your own: Train, then the epochs run in the script) while the others
  browse as in b.

The server's resident memory (with its children) is sampled every second. Every scenario lasts
``duration`` seconds plus at most one click timeout; a hard deadline stops everything.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from benchmarks.browser import ROOT, streamlit_server
from benchmarks.common import save

PAGES = ("overview", "compare", "diffusion", "latent_map", "next_token", "gan")
DEFAULT_PAGE = "overview"  # app.py's default page: the server knows it by the empty page name only
SCENARIOS = {"a": "the whole class on the instructor's link", "b": "everyone their own seeds",
             "c": "some students training while the others browse"}
SEED_PARAMS = {"gan": ("za", "zb", "seed")}  # the URL parameters of each page's seeds; "seed" elsewhere
SAME_LINK = "lang=ko&seed=0"
QUEUE_MARK = "⏳"
LAB_FAMILIES = 4  # dashboard.lab2d.lab2d_view.FAMILIES: gan, vae, flow, diffusion
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


def _label(page_file: str, key: str) -> str:
    """A button's English label, from the app's own strings (the trainers open pages with ``lang=en``)."""
    return json.loads((ROOT / "assets" / "i18n" / "en" / f"{page_file}.json").read_text(encoding="utf-8"))[key]


def _lab_link(rng: random.Random) -> str:
    return f"lang=en&family={rng.randrange(LAB_FAMILIES)}&seed={rng.randrange(2**32)}"


def _pipeline_link(rng: random.Random) -> str:
    from models.apps.pipeline import FAMILIES, MAX_EPOCHS

    return f"lang=en&fam={rng.randrange(len(FAMILIES))}&seed={rng.randrange(2**32)}&ep={MAX_EPOCHS}"


#: page, link maker, and the labels of its start, stop and start-over buttons
TRAINERS = (("lab_2d", _lab_link, ("lab_2d", "lab.start"), ("lab_2d", "lab.pause"), None),
            ("pipeline", _pipeline_link, ("pipeline", "pipeline.train"), ("pipeline", "pipeline.stop"),
             ("pipeline", "pipeline.reset")))


def same_link(page: str, rng: random.Random) -> str:
    return SAME_LINK


def random_link(page: str, rng: random.Random) -> str:
    seeds = "&".join(f"{name}={rng.randrange(2**32)}" for name in SEED_PARAMS.get(page, ("seed",)))
    return f"lang={rng.choice(('en', 'ko'))}&{seeds}"


# --- one browser tab ------------------------------------------------------------------------------


class Tab:
    """One session: its websocket and what the server's messages said so far."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.page_hash = ""
        self.buttons: dict[str, str] = {}       # label → widget id, from the latest delta of each
        self.auto_reruns: dict[str, float] = {}  # fragment id → interval (s), as the browser keeps them
        self.errors: list[str] = []
        self.queue_at: float | None = None       # when the first "⏳" notice arrived since reset()
        self.fragment_runs = 0
        self.elements: Counter[str] = Counter()  # new elements by kind (the lab's frames are images)

    def reset(self) -> None:
        self.queue_at = None

    async def send(self, page: str, query: str, triggers: tuple[str, ...] = (), fragment_id: str = "") -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query
        if fragment_id:  # as the browser does after the first run: the page by its hash
            state.page_script_hash = self.page_hash
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
        else:
            state.page_name = "" if page == DEFAULT_PAGE else page
        for widget_id in triggers:
            state.widget_states.widgets.add(id=widget_id, trigger_value=True)
        await self.ws.send(msg.SerializeToString())

    def handle(self, raw: bytes) -> int | None:
        """Take in one ForwardMsg; the script_finished status if it is one."""
        msg = ForwardMsg.FromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element)
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.errors.append("script compile error")
            return msg.script_finished
        elif kind == "new_session" and msg.metadata.run.fragment_ids:  # a fragment run starts (it may be cut
            self.fragment_runs += 1                                   # short by the next timer's rerun)
        elif kind == "new_session":  # a full run starts: the browser drops its fragment timers
            self.page_hash = msg.new_session.page_script_hash
            self.auto_reruns.clear()
        elif kind == "auto_rerun":
            self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(fragment_id, None)
        elif kind == "page_not_found":
            self.errors.append(f"page not found: {msg.page_not_found.page_name!r}")
        return None

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind is None:
            return
        if kind == "exception":
            self.errors.append(f"{element.exception.type}: {element.exception.message}"[:200])
        elif kind == "button":
            self.buttons[element.button.label] = element.button.id
        self.elements[kind] += 1
        if self.queue_at is None and _text(getattr(element, kind)).startswith(QUEUE_MARK):
            self.queue_at = time.perf_counter()

    async def until_done(self, deadline: float) -> bool:
        """Read until a full run finishes (True) or ``deadline`` passes (False)."""
        while (left := deadline - time.perf_counter()) > 0:
            try:
                raw = await asyncio.wait_for(self.ws.recv(), left)
            except TimeoutError:
                return False
            if self.handle(raw) in DONE:
                return True
        return False

    async def click(self, page: str, query: str, timeout: float, triggers: tuple[str, ...] = ()) -> dict:
        self.reset()
        errors = len(self.errors)
        start = time.perf_counter()
        await self.send(page, query, triggers)
        finished = await self.until_done(start + timeout)
        latency = time.perf_counter() - start
        error = _first(self.errors[errors:]) if finished else f"timeout after {timeout:g} s"
        return {"page": page, "latency_s": latency if finished else None, "error": error,
                "queue_s": None if self.queue_at is None else self.queue_at - start}

    async def follow(self, page: str, query: str, end: float) -> bool:
        """Keep a training run going until ``end``: send each ``run_every`` fragment's reruns on its
        interval, as the browser's timers do, and read. True when a full run finished with no fragment
        left to rerun (the training ended by itself)."""
        due: dict[str, float] = {}
        while (now := time.perf_counter()) < end:
            due = {fid: due.get(fid, now + interval) for fid, interval in self.auto_reruns.items()}
            for fid, when in due.items():
                if when <= now:
                    await self.send(page, query, fragment_id=fid)
                    due[fid] = now + self.auto_reruns[fid]
            try:
                raw = await asyncio.wait_for(self.ws.recv(), min([end, *due.values()]) - now)
            except TimeoutError:
                continue
            if self.handle(raw) in DONE and not self.auto_reruns:
                return True
        return False


def _text(element) -> str:
    """The visible text of an element that has one (markdown, caption, alert, toast, spinner, progress)."""
    for field in ("body", "text"):
        value = getattr(element, field, "")
        if isinstance(value, str) and value:
            return value.lstrip()
    return ""


def _first(errors: list[str]) -> str | None:
    return errors[0] if errors else None


@contextlib.asynccontextmanager
async def open_tab(port: int, timeout: float):
    async with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                       proxy=None, open_timeout=timeout, ping_interval=None) as ws:
        yield Tab(ws)


# --- students -------------------------------------------------------------------------------------


async def open_link(port: int, page: str, query: str, timeout: float) -> dict:
    """One browsing click: a fresh session on ``page?query``, closed once the run finished."""
    try:
        async with open_tab(port, timeout) as tab:
            return await tab.click(page, query, timeout)
    except (OSError, WebSocketException) as exc:
        return {"page": page, "latency_s": None, "queue_s": None, "error": f"connection: {exc}"[:200]}


async def browse(port: int, pick: Callable[[random.Random, int], tuple[str, str]], rng: random.Random, think: float,
                 first_s: float, t0: float, end: float, timeout: float, clicks: list) -> None:
    """Click (``pick`` gives the page and link of the n-th click), think, click again until ``end``."""
    await asyncio.sleep(first_s)
    n = 0
    while (now := time.perf_counter()) < end:
        page, query = pick(rng, n)
        clicks.append({"t_s": now - t0, **await open_link(port, page, query, timeout)})
        n += 1
        await asyncio.sleep(min(rng.uniform(0, 2 * think), max(0.0, end - time.perf_counter())))


async def train(port: int, trainer: tuple, rng: random.Random, end: float, timeout: float) -> dict:
    """Open a training page, press its start button and keep the run going until ``end``; when a run
    finishes by itself, start over; at the end press its stop button."""
    page, link, start, stop, again = trainer
    query = link(rng)
    out = {"page": page, "started": 0, "finished": 0, "seconds": 0.0, "fragment_runs": 0, "frames": 0, "epochs": 0,
           "waited": False, "error": None}
    try:
        async with open_tab(port, timeout) as tab:
            opened = await tab.click(page, query, timeout)
            out["error"] = opened["error"]
            while out["error"] is None and time.perf_counter() < end:
                tab.reset()
                began = time.perf_counter()
                await tab.send(page, query, (tab.buttons[_label(*start)],))
                out["started"] += 1
                done = await tab.follow(page, query, end)
                out["seconds"] += time.perf_counter() - began
                out["waited"] |= tab.queue_at is not None
                if not done:
                    stopped = await tab.click(page, query, timeout, (tab.buttons[_label(*stop)],))
                    out["error"] = stopped["error"]
                    break
                out["finished"] += 1
                if again:
                    await tab.click(page, query, timeout, (tab.buttons[_label(*again)],))
            out["error"] = out["error"] or _first(tab.errors)
            out["fragment_runs"] = tab.fragment_runs
            out["frames"], out["epochs"] = tab.elements["imgs"], tab.elements["progress"]  # live pictures, epochs
    except (OSError, WebSocketException, KeyError) as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"[:200]
    return out


def cycle(pages: tuple[str, ...]) -> Callable:
    return lambda rng, n: (pages[n % len(pages)], same_link(pages[n % len(pages)], rng))


def anywhere(pages: tuple[str, ...]) -> Callable:
    def pick(rng: random.Random, n: int) -> tuple[str, str]:
        page = rng.choice(pages)
        return page, random_link(page, rng)

    return pick


# --- measuring ------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def summary(clicks: list[dict]) -> dict:
    times = [c["latency_s"] for c in clicks if c["latency_s"] is not None]
    waits = [c["queue_s"] for c in clicks if c["queue_s"] is not None]
    return {"clicks": len(clicks), "p50_s": pct(times, 50), "p95_s": pct(times, 95),
            "max_s": max(times, default=None), "errors": sum(c["error"] is not None for c in clicks),
            "waited": len(waits) / len(clicks) if clicks else 0.0, "queue_p95_s": pct(waits, 95)}


def by_page(clicks: list[dict], pages: tuple[str, ...]) -> dict:
    return {**{page: summary([c for c in clicks if c["page"] == page]) for page in pages}, "all": summary(clicks)}


def rss_mb(pid: int) -> float | None:
    """Resident memory of ``pid`` and its children (MiB); /proc's VmRSS of ``pid`` alone without psutil."""
    try:
        import psutil
    except ImportError:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return None
        kib = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), None)
        return None if kib is None else kib / 1024
    try:
        proc = psutil.Process(pid)
        return sum(p.memory_info().rss for p in (proc, *proc.children(recursive=True))) / 2**20
    except psutil.Error:
        return None


async def sample_memory(pid: int, t0: float, series: list) -> None:
    while True:
        mb = rss_mb(pid)
        if mb is not None:
            series.append((round(time.perf_counter() - t0, 1), round(mb, 1)))
        await asyncio.sleep(1.0)


def memory_summary(series: list, start: float, end: float) -> dict:
    """Start, peak and end of the samples in [start, end] and the growth over their last third."""
    window = [(t, mb) for t, mb in series if start <= t <= end]
    if not window:
        return {}
    tail = [(t, mb) for t, mb in window if t >= start + (end - start) * 2 / 3] or window[-1:]
    span_min = (tail[-1][0] - tail[0][0]) / 60
    growth = tail[-1][1] - tail[0][1]
    return {"start_mb": window[0][1], "peak_mb": max(mb for _, mb in window), "end_mb": window[-1][1],
            "last_third_growth_mb": growth, "last_third_mb_per_min": growth / span_min if span_min > 0 else None}


async def baseline(port: int, pages: tuple[str, ...], reps: int, timeout: float, rng: random.Random) -> dict:
    """One student alone: a warm-up click per page (models load), then ``reps`` clicks per page with
    the instructor's link (cached after the warm-up) and with fresh seeds."""
    out = {"warmup": {page: await open_link(port, page, same_link(page, rng), timeout) for page in pages}}
    for name, link in (("same", same_link), ("random", random_link)):
        out[name] = by_page([await open_link(port, page, link(page, rng), timeout) for page in pages
                             for _ in range(reps)], pages)
    return out


async def scenario(name: str, port: int, opts: dict, t_run: float, results: dict) -> None:
    """Run scenario ``name`` into ``results[name]``; cut short by the hard deadline, the clicks so far."""
    students, think, duration, timeout = opts["students"], opts["think"], opts["duration"], opts["timeout"]
    pages = tuple(opts["pages"])
    trainers = min(opts["trainers"], students) if name == "c" else 0
    t0 = time.perf_counter()
    end = t0 + duration
    pick = cycle(pages) if name == "a" else anywhere(pages)
    clicks: list[dict] = []
    rngs = [random.Random(f"{opts['seed']}-{name}-{i}") for i in range(students)]
    browsers = [browse(port, pick, rng, think, 0.0 if name == "a" else rng.uniform(0, think), t0, end, timeout, clicks)
                for rng in rngs[trainers:]]
    trainings = [train(port, TRAINERS[i % len(TRAINERS)], rngs[i], end, timeout) for i in range(trainers)]
    done = []
    try:
        done = await asyncio.gather(*trainings, *browsers)
    finally:
        results[name] = {"what": SCENARIOS[name], "browsers": students - trainers, "from_s": t0 - t_run,
                         "to_s": time.perf_counter() - t_run, "pages": by_page(clicks, pages),
                         "errors_seen": sorted({c["error"] for c in clicks if c["error"]})[:10],
                         "clicks": [[round(c["t_s"], 2), c["page"], _round(c["latency_s"]), _round(c["queue_s"]),
                                     c["error"]] for c in clicks]}
        if done[:trainers]:
            results[name]["trainers"] = done[:trainers]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


async def measure(port: int, pid: int, opts: dict, payload: dict) -> None:
    """Fill ``payload`` as the measurements come in (a hard deadline keeps what was measured)."""
    t_run = time.perf_counter()
    sampler = asyncio.create_task(sample_memory(pid, t_run, payload["memory_series"]))
    try:
        payload["baseline"] = await baseline(port, tuple(opts["pages"]), opts["baseline_clicks"], opts["timeout"],
                                             random.Random(f"{opts['seed']}-baseline"))
        for name in opts["scenarios"]:
            print(f"load: scenario {name} ({SCENARIOS[name]}), {opts['duration']:g} s …", flush=True)
            await scenario(name, port, opts, t_run, payload["scenarios"])
    finally:
        sampler.cancel()


# --- report ---------------------------------------------------------------------------------------


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def page_table(payload: dict) -> list[str]:
    lines = ["| scenario | page | clicks | p50 s | p95 s | max s | errors | waited ⏳ | p95 to ⏳ s "
             "| alone p50 / p95 s | p95 ÷ alone p95 |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    base = payload.get("baseline", {})
    for name, result in payload["scenarios"].items():
        alone = base.get("same" if name == "a" else "random", {})
        for page, s in result["pages"].items():
            b = alone.get(page, {})
            ratio = f"{s['p95_s'] / b['p95_s']:.1f}×" if s["p95_s"] and b.get("p95_s") else "—"
            lines.append(f"| {name} | {page} | {s['clicks']} | {_s(s['p50_s'])} | {_s(s['p95_s'])} | {_s(s['max_s'])} "
                         f"| {s['errors']} | {s['waited']:.0%} | {_s(s['queue_p95_s'])} "
                         f"| {_s(b.get('p50_s'))} / {_s(b.get('p95_s'))} | {ratio} |")
    return lines


def measures(payload: dict) -> list[tuple[str, str]]:
    opts = payload["options"]
    rows = [("command", f"`{opts['command']}`")]
    if "incomplete" in payload:
        rows.append(("incomplete", payload["incomplete"]))
    base = payload.get("baseline", {})
    if base:
        rows.append(("first click per page (models load)", ", ".join(f"{p} {_s(c['latency_s'])} s"
                                                                   for p, c in base["warmup"].items())))
        rows.append(("single user: errors", f"{base['same']['all']['errors']} of {base['same']['all']['clicks']} "
                                            f"(same link), {base['random']['all']['errors']} of "
                                            f"{base['random']['all']['clicks']} (own seeds)"))
    for name, result in payload["scenarios"].items():
        rows.append((f"{name}: {result['what']}", f"{result['browsers']} browsing, "
                                                  f"{len(result.get('trainers', []))} training"))
        m = result.get("memory", {})
        if m:
            rows.append((f"{name}: server memory start / peak / end", f"{m['start_mb']:.0f} / {m['peak_mb']:.0f} / "
                         f"{m['end_mb']:.0f} MiB; last third {m['last_third_growth_mb']:+.0f} MiB"))
        trainers = result.get("trainers", [])
        if trainers:
            pages = Counter(tr["page"] for tr in trainers if tr["started"])
            rows.append((f"{name}: training runs active", f"{sum(pages.values())} ("
                         + ", ".join(f"{n} on {page}" for page, n in pages.items())
                         + f"); {sum(tr['waited'] for tr in trainers)} shown a ⏳ notice"))
        for tr in trainers:
            rows.append((f"{name}: training on {tr['page']}",
                         f"{tr['started']} started, {tr['finished']} finished by itself, {tr['seconds']:.0f} s "
                         f"training: {tr['fragment_runs']} fragment runs, {tr['frames']} live frames, "
                         f"{tr['epochs']} epochs; "
                         f"waited ⏳: {'yes' if tr['waited'] else 'no'}; "
                         f"error: {tr['error'] or 'none'}"))
    m = payload.get("memory", {})
    if m:
        rows.append(("server memory, whole run: start / peak / end", f"{m['start_mb']:.0f} / {m['peak_mb']:.0f} / "
                                                                     f"{m['end_mb']:.0f} MiB"))
    before, after = payload["loadavg_before"][0], payload["loadavg_after"][0]
    rows.append(("load average before → after", f"{before:.1f} → {after:.1f}"))
    return rows


def command(opts: dict) -> str:
    return (f"python -m benchmarks load --students {opts['students']} --think {opts['think']:g} "
            f"--duration {opts['duration']:g} --scenarios {','.join(opts['scenarios'])} "
            f"--pages {','.join(opts['pages'])} --baseline-clicks {opts['baseline_clicks']} "
            f"--trainers {opts['trainers']} --click-timeout {opts['timeout']:g}")


def default_deadline(opts: dict) -> float:
    """Start-up, the baseline at 10 s a click, each scenario's duration plus two click timeouts."""
    clicks = len(opts["pages"]) * (1 + 2 * opts["baseline_clicks"])
    return 120 + 10 * clicks + len(opts["scenarios"]) * (opts["duration"] + 2 * opts["timeout"] + 30)


def _run_async(coroutine) -> None:
    """``asyncio.run``, on a thread of its own when this thread already runs an event loop (pytest with
    Playwright's sync API, a notebook)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coroutine)
        return
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def run(students: int = 30, think: float = 10.0, duration: float = 120.0, scenarios: tuple[str, ...] = tuple(SCENARIOS),
        pages: tuple[str, ...] = PAGES, baseline_clicks: int = 5, trainers: int = 5, timeout: float = 60.0,
        deadline: float | None = None, seed: int = 0, results: Path | None = None) -> dict:
    unknown = sorted(set(scenarios) - set(SCENARIOS))
    if unknown:
        raise ValueError(f"unknown scenario(s) {unknown}; choose from {list(SCENARIOS)}")
    opts = {"students": students, "think": think, "duration": duration, "scenarios": list(scenarios),
            "pages": list(pages), "baseline_clicks": baseline_clicks, "trainers": trainers, "timeout": timeout,
            "seed": seed}
    opts["deadline"] = deadline or default_deadline(opts)
    opts["command"] = command(opts)
    payload = {"options": opts, "loadavg_before": os.getloadavg(), "baseline": {}, "scenarios": {},
               "memory_series": []}
    with streamlit_server() as (url, proc):
        try:
            _run_async(asyncio.wait_for(measure(int(url.rsplit(":", 1)[1]), proc.pid, opts, payload),
                                        opts["deadline"]))
        except TimeoutError:
            payload["incomplete"] = f"hard deadline of {opts['deadline']:.0f} s reached; what was measured is kept"
    payload["loadavg_after"] = os.getloadavg()
    series = payload["memory_series"]
    for result in payload["scenarios"].values():
        result["memory"] = memory_summary(series, result["from_s"], result["to_s"])
    payload["memory"] = memory_summary(series, 0, series[-1][0]) if series else {}
    payload["memory_series"] = {"t_s": [t for t, _ in series], "rss_mb": [mb for _, mb in series]}
    save("load", payload, measures(payload), extra=page_table(payload), results=results)
    return payload
