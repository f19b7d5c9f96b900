"""Rooms: what the class's live answers cost the server, one poll at a time and with a class polling.

``streamlit run app.py`` on a loopback port; every screen is a websocket speaking Streamlit's protocol
(:class:`benchmarks.load.Tab`). The instructor opens the room page and presses "Open a room", the
``students`` open the share link (``room=<code>``) and answer by pressing a choice, as a phone does.
The projector's chart is a ``run_every`` fragment that re-reads the counts; each student's box is
another (it follows the projector's question). Measured:

* **one poll alone** — ``polls`` fragment reruns of the projector's chart, then of one student's box,
  one after another with everyone else idle: latency (send → the fragment run's ``script_finished``)
  and the server's CPU time per poll (its ``/proc`` utime + stime over the polls ÷ polls);
* **the class polling** — for ``duration`` seconds every screen polls on its own timer, as browsers
  do (projector every 2 s, students every 4 s), the students answering once at random times and half
  of them changing their mind: the projector's poll latency, the server's CPU use (% of one core) and
  the counts the projector's chart shows at the end (must be every student once).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from pathlib import Path
from urllib.parse import urlsplit

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.browser import ROOT, free_port, streamlit_server
from benchmarks.common import save
from benchmarks.load import Tab, _run_async, pct

PAGE = "diffusion"
FRAGMENT_DONE = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY


class Screen(Tab):
    """A tab that also keeps every button's id, the last code block's text and the room chart's spec."""

    def __init__(self, ws) -> None:
        super().__init__(ws)
        self.ids: list[str] = []
        self.code_text = ""
        self.chart: dict | None = None

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "button":
            self.ids.append(element.button.id)
        elif kind == "code":
            self.code_text = element.code.code_text
        elif kind == "plotly_chart" and "room_chart" in element.plotly_chart.id:
            self.chart = json.loads(element.plotly_chart.spec)
        super()._element(element)

    def button(self, key: str) -> str:
        return next(i for i in reversed(self.ids) if i.endswith(f"-{key}"))

    async def fragment(self, query: str, fid: str, timeout: float, triggers: tuple[str, ...] = ()) -> float | None:
        """One fragment rerun; its latency, or None on a timeout."""
        start = time.perf_counter()
        msg_deadline = start + timeout
        await self.send(PAGE, query, triggers, fragment_id=fid)
        while (left := msg_deadline - time.perf_counter()) > 0:
            try:
                raw = await asyncio.wait_for(self.ws.recv(), left)
            except TimeoutError:
                return None
            if self.handle(raw) == FRAGMENT_DONE:
                return time.perf_counter() - start
        return None


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` so far (/proc, Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _label(key: str) -> str:
    return json.loads((ROOT / "assets" / "i18n" / "en" / "share.json").read_text(encoding="utf-8"))[key]


async def _open(port: int) -> Screen:
    from websockets.asyncio.client import connect

    ws = await connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                       proxy=None, open_timeout=60, ping_interval=None)
    return Screen(ws)


def _stats(times: list[float]) -> dict:
    return {"n": len(times), "p50_ms": 1000 * pct(times, 50), "p95_ms": 1000 * pct(times, 95),
            "max_ms": 1000 * max(times)} if times else {"n": 0}


async def measure(port: int, pid: int, students: int, polls: int, duration: float, out: dict) -> None:
    timeout = 60.0
    host = await _open(port)
    host_query = "lang=en"
    await host.click(PAGE, host_query, timeout)
    await host.click(PAGE, host_query, timeout, (host.buttons[_label("room.open")],))
    link = urlsplit(host.code_text)
    query = link.query
    out["room_link_query"] = query
    (host_fid,) = host.auto_reruns
    screens = []
    for _ in range(students):
        screen = await _open(port)
        opened = await screen.click(PAGE, query, timeout)
        assert opened["error"] is None, opened["error"]
        screens.append(screen)
    choices = sum(1 for i in screens[0].ids if f"-room_pick_{PAGE}_" in i)
    out["choices"] = choices

    # 1. one poll alone
    for name, screen in (("projector", host), ("student", screens[0])):
        fid = next(iter(screen.auto_reruns))
        q = host_query if screen is host else query
        await screen.fragment(q, fid, timeout)  # warm
        cpu0, times = cpu_s(pid), []
        for _ in range(polls):
            latency = await screen.fragment(q, fid, timeout)
            if latency is not None:
                times.append(latency)
        out[f"alone_{name}"] = {**_stats(times), "cpu_ms_per_poll": 1000 * (cpu_s(pid) - cpu0) / polls}

    # 2. the class polling, answering once (every second student changes their mind)
    rng = random.Random(0)
    plans = [[rng.randrange(choices) for _ in range(1 + i % 2)] for i in range(students)]
    last: dict[int, int] = {}  # student -> the last choice they sent: what the chart must count
    sent = [0]
    host_times: list[float] = []
    student_times: list[float] = []

    async def projector() -> None:
        while time.perf_counter() < end:
            latency = await host.fragment(host_query, host_fid, timeout)
            if latency is not None:
                host_times.append(latency)
            await asyncio.sleep(max(0.0, host.auto_reruns.get(host_fid, 2.0) - (latency or 0)))

    async def student(i: int, screen: Screen, plan: list[int], when: list[float]) -> None:
        fid = next(iter(screen.auto_reruns))
        begin = time.perf_counter()
        await asyncio.sleep(rng.uniform(0, 4))
        while time.perf_counter() < end:
            triggers = ()
            if plan and time.perf_counter() - begin >= when[0]:
                last[i] = plan.pop(0)
                sent[0] += 1
                triggers = (screen.button(f"room_pick_{PAGE}_{last[i]}"),)
                when.pop(0)
            latency = await screen.fragment(query, fid, timeout, triggers)
            if latency is not None:
                student_times.append(latency)
            await asyncio.sleep(screen.auto_reruns.get(fid, 4.0))

    times = [sorted(rng.uniform(0, 0.5 * duration) for _ in plan) for plan in plans]
    cpu0, t0 = cpu_s(pid), time.perf_counter()
    end = t0 + duration
    crowd = (student(i, s, list(p), w) for i, (s, p, w) in enumerate(zip(screens, plans, times, strict=True)))
    await asyncio.gather(projector(), *crowd)
    wall = time.perf_counter() - t0
    out["class"] = {"students": students, "duration_s": wall, "server_cpu_pct_of_one_core":
                    100 * (cpu_s(pid) - cpu0) / wall, "projector_polls": _stats(host_times),
                    "student_polls": _stats(student_times)}
    await host.fragment(host_query, host_fid, timeout)
    out["class"]["chart_counts"] = list((host.chart or {}).get("data", [{}])[0].get("y", []))
    out["class"]["expected_counts"] = [sum(v == k for v in last.values()) for k in range(choices)]
    out["class"]["answers_sent"] = sent[0]
    for screen in (host, *screens):
        await screen.ws.close()


def run(students: int = 30, polls: int = 50, duration: float = 60.0, results: Path | None = None) -> dict:
    port = free_port()
    out: dict = {"options": {"students": students, "polls": polls, "duration": duration}}
    with streamlit_server(port, env={"GENAI_LAB_LANG": "en",
                                     "GENAI_LAB_PUBLIC_URL": f"http://class.example:{port}"}) as (_url, proc):
        _run_async(measure(port, proc.pid, students, polls, duration, out))
    c = out["class"]
    table = [
        ("command", f"`python -m benchmarks rooms --students {students} --polls {polls} --duration {duration:g}`"),
        *((f"one poll alone: {name}", f"p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms; server CPU "
           f"{r['cpu_ms_per_poll']:.1f} ms per poll") for name, r in
          (("projector's chart", out["alone_projector"]), ("a student's box", out["alone_student"]))),
        ("the class polling", f"{students} students every 4 s + the projector every 2 s for {c['duration_s']:.0f} s: "
                              f"server CPU {c['server_cpu_pct_of_one_core']:.1f} % of one core"),
        *((f"{name} poll under the class", f"p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms ({r['n']} polls)")
          for name, r in (("projector", c["projector_polls"]), ("student", c["student_polls"]))),
        ("chart counts / each student's last answer", f"{c['chart_counts']} / {c['expected_counts']} "
                                                       f"({c['answers_sent']} answers sent)"),
    ]
    save("rooms", out, table, results=results)
    return out


if __name__ == "__main__":
    run()
