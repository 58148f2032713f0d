"""A class on one server: N simulated students, each opening the 2D playground and pressing Play.

    python -m bench.load --sessions 5 --seconds 30            # starts its own server
    python -m bench.load --sessions 30 --seconds 60 --json out.json
    python -m bench.load --url http://127.0.0.1:8501 --sessions 10   # a server already running
    python -m bench.load --replicas 2 --sessions 30           # deploy/replicas.py behind nginx
    python -m bench.load --sessions 5 --browsers 1            # one of the five is real Chromium

Why the protocol and not browsers: thirty Chromium tabs cannot run on a two-core box, and tabs on
the same box as the server measure the browsers as much as the server. Each simulated student
speaks Streamlit's own websocket protocol (the installed `streamlit.proto` messages) as the
browser does: it loads the page over HTTP (keeping the cookies nginx sets for stickiness), opens
`/_stcore/stream`, asks for the first script run with the page's query string, answers every
`auto_rerun` ForwardMsg by asking for a fragment rerun at the interval given (with its widget
states, as the browser's timer does), and presses Play by sending a rerun with the Play toggle's
widget state set true. It renders nothing, so all the CPU it costs the box is protobuf parsing.
`--browsers K` makes the first K of the N sessions real headless Chromium tabs, to confirm
that what a person sees matches what the simulated students report.

Sessions arrive `--stagger` seconds apart (a class opening the link), wait for their page to
load, press Play, and all stay until `--seconds` after the last one pressed Play. The figures
are taken over the window in which everyone plays (after a `--warmup`):

- epochs/s: growth of the epoch counter the page shows (the status line "Epoch N" above the
  maps, read from the markdown deltas of the live fragment) per second, as the student sees it;
- updates/s: live frames (painter component deltas) received per second; "max gap" is the
  longest wait for a frame inside the window (a student's longest frozen view);
- first frame: seconds from opening the link to the first drawn map;
- stuck: sessions whose page still says epoch 0 at the end; "epoch went down": sessions whose
  epoch counter went backwards while they only watched (training lost);
- errors: exception elements, st.error alerts, websocket disconnects, pages that never loaded;
- page reruns: whole-page runs the server started on its own (st.rerun, e.g. to give a view a
  new frame interval), each as costly as a first visit;
- pause: for `--pause` sessions (while the others keep playing), milliseconds from sending
  Play=false to the frame whose status line says "Paused", and whether training really stopped
  (a rerun `--pause-check` seconds later shows the same epoch);
- server: CPU of the server process(es) and their children (100% = one core) over the window,
  and RSS before the class arrives, at its peak, with everyone connected (growth per session)
  and after everyone has left.

Medians and the worst session are printed; `--json PATH` writes every per-session figure.
The simulated student is bench/load_client.py; starting and metering the server,
bench/load_server.py; tests/test_load_bench.py runs five students for 20 s.
"""
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:    # run as `python bench/<name>.py`: put the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import asyncio
import json
import os
import re
import statistics
import threading
import time

from bench.load_client import Record, Student
from bench.load_server import ROOT, Launched, ServerMeter, free_port, listening_pid

# TF Playground's default experiment (bench/browser_speed.py's tfp_default link)
TFP_DEFAULT = ("ds=circle&n=500&tr=0.5&net=dense:4:tanh,dense:2:tanh&bs=10&lr=0.03"
               "&opt=sgd&mom=0&loss=tfp_squared&init=tfp")


# --- figures ----------------------------------------------------------------------------------

def session_figures(rec: Record, start: float, end: float) -> dict:
    """One session's rates inside [start, end] (the window in which every session plays)."""
    span = max(end - start, 1e-9)
    inside = [t for t in rec.frames if start <= t <= end]
    marks = [start, *inside, end]
    before = [e for e in rec.epochs if e[0] <= start]
    within = [e for e in rec.epochs if start < e[0] <= end]
    first = before[-1] if before else (within[0] if within else None)
    last = within[-1] if within else None
    eps = ((last[1] - first[1]) / (last[0] - first[0])
           if first and last and last[0] > first[0] else 0.0)
    final_epoch = max((e[1] for e in rec.epochs), default=0)
    return {"name": rec.name, "epochs_per_s": eps, "updates_per_s": len(inside) / span,
            "max_gap_s": max(b - a for a, b in zip(marks, marks[1:])),
            "first_frame_s": (rec.first_frame - rec.opened) if rec.first_frame else None,
            "final_epoch": final_epoch, "stuck": final_epoch == 0, "frames": len(rec.frames),
            "errors": rec.errors, "pause_ms": rec.pause_ms, "pause_stopped": rec.pause_stopped,
            "replica": rec.replica, "turned_away": rec.turned_away, "note": rec.note,
            "server_reruns": max(0, rec.full_runs - rec.asked_runs),
            "epoch_drops": epoch_drops([e[1] for e in rec.epochs if e[0] <= end]),
            "epoch_each_second": epoch_trail(rec, rec.played or start, end)}


def epoch_drops(epochs: list[int]) -> int:
    """Times the epoch shown went down while the student only watched (no Reset, no
    timeline): training lost, or a view of another moment."""
    return sum(b < a for a, b in zip(epochs, epochs[1:]))


def epoch_trail(rec: Record, start: float, end: float) -> list[int | None]:
    """The epoch the page showed at each whole second from Play to the window's end, so a
    session that stalls shows when (None: no status line yet)."""
    trail, i, shown = [], 0, None
    for k in range(int(end - start) + 1):
        while i < len(rec.epochs) and rec.epochs[i][0] <= start + k:
            shown, i = rec.epochs[i][1], i + 1
        trail.append(shown)
    return trail


def summarize(sessions: list[dict]) -> dict:
    """Median and worst over sessions; worst is the lowest rate, the longest wait."""
    def pick(key, worst):
        values = [s[key] for s in sessions if s.get(key) is not None]
        return ({"median": statistics.median(values), "worst": worst(values)}
                if values else {"median": None, "worst": None})
    checked = [s for s in sessions if s["pause_stopped"] is not None]
    replicas: dict[str, int] = {}
    for s in sessions:
        if s.get("replica"):
            replicas[s["replica"]] = replicas.get(s["replica"], 0) + 1
    return {"sessions": len(sessions),
            "epochs_per_s": pick("epochs_per_s", min),
            "updates_per_s": pick("updates_per_s", min),
            "max_gap_s": pick("max_gap_s", max),
            "first_frame_s": pick("first_frame_s", max),
            "server_reruns": pick("server_reruns", max),
            "total_epochs_per_s": sum(s["epochs_per_s"] for s in sessions),
            "stuck": sum(s["stuck"] for s in sessions),
            "sessions_with_epoch_drops": sum(bool(s.get("epoch_drops")) for s in sessions),
            "turned_away": sum(bool(s.get("turned_away")) for s in sessions),
            "notes": sorted({s["note"] for s in sessions if s.get("note")}),
            "sessions_with_errors": sum(bool(s["errors"]) for s in sessions),
            "errors": sorted({e for s in sessions for e in s["errors"]}),
            "pause_ms": pick("pause_ms", max),
            "paused_and_stopped": f"{sum(s['pause_stopped'] for s in checked)}/{len(checked)}",
            "sessions_per_replica": replicas}


# --- real Chromium tabs among the simulated ones ----------------------------------------------

class Browsers(threading.Thread):
    """K headless Chromium tabs (Playwright, in a thread of their own), driven like
    bench/browser_speed.py: the epoch and frame signature are read inside the page."""

    def __init__(self, k: int, url: str, query: str, stagger: float) -> None:
        super().__init__(daemon=True)
        self.k, self.url, self.query, self.stagger = k, url, query, stagger
        self.played = threading.Event()          # every tab has pressed Play
        self.window = threading.Event()          # the measuring window starts
        self.window_end = threading.Event()      # ... and ends; then Pause
        self.done = threading.Event()
        self.results: list[dict] = []
        self.error: str | None = None

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:                 # reported, never hangs the bench
            self.error = f"{type(exc).__name__}: {exc}"[:300]
        finally:
            self.played.set()
            self.done.set()

    def _run(self) -> None:
        from playwright.sync_api import sync_playwright
        from bench.browser_speed import (CHROMIUM, CHROMIUM_ARGS, CLICK_JS, SAMPLER_JS, STATUS,
                                         boundary_ready, rate, wait_connected)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                        headless=True)
            tabs = []
            for i in range(self.k):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.add_init_script(SAMPLER_JS)
                opened = time.monotonic()
                page.goto(f"{self.url}/?{self.query}")
                wait_connected(page)
                boundary_ready(page)
                first = time.monotonic() - opened
                page.wait_for_selector(f"{STATUS}:has-text('Epoch 0')", timeout=60000)
                page.locator(".st-key-pg_play label").click()
                tabs.append((page, first, page.evaluate("performance.now()")))
                time.sleep(self.stagger)
            self.played.set()
            self.window.wait()
            starts = [page.evaluate("performance.now()") for page, _, _ in tabs]
            self.window_end.wait()
            for (page, first, played), start in zip(tabs, starts):
                rec, end = page.evaluate("window.__nnpg"), page.evaluate("performance.now()")
                epoch = rec["epochs"][-1][1] if rec["epochs"] else 0
                trail = Record("chromium", epochs=[(t / 1000, e, True) for t, e in rec["epochs"]])
                drops = epoch_drops([e for t, e in rec["epochs"] if t <= end])
                self.results.append({
                    "name": f"chromium-{len(self.results) + 1}",
                    "epochs_per_s": rate(rec["epochs"], start, end, values=True),
                    "updates_per_s": rate(rec["frames"], start, end, values=False),
                    "first_frame_s": first, "final_epoch": epoch,
                    "epoch_each_second": epoch_trail(trail, played / 1000, end / 1000),
                    "epoch_drops": drops,
                    "pause_ms": page.evaluate(CLICK_JS, [".st-key-pg_play input", "Paused"])})
            browser.close()


# --- the run ----------------------------------------------------------------------------------

async def run_class(url: str, args, meter: ServerMeter | None) -> dict:
    """Everyone arrives, plays, is measured; a few pause; everyone leaves."""
    n_sim = args.sessions - args.browsers
    browsers = None
    if args.browsers:                  # the first to arrive: the first comer is the one to watch
        browsers = Browsers(args.browsers, url, args.query, args.stagger)
        browsers.start()
        await asyncio.to_thread(browsers.played.wait)
    students = [Student(f"sim-{i + 1}", url, args.query) for i in range(n_sim)]
    arrivals = []
    for s in students:
        arrivals.append(asyncio.ensure_future(s.arrive(args.load_timeout)))
        await asyncio.sleep(args.stagger)
    await asyncio.gather(*arrivals)
    if browsers:
        await asyncio.to_thread(browsers.played.wait)
    last_play = max([s.rec.played for s in students if s.rec.played] or [time.monotonic()])
    start = max(last_play, time.monotonic()) + args.warmup
    await asyncio.sleep(start - time.monotonic())
    if browsers:
        browsers.window.set()
    cpu0, own0, t0 = (meter.cpu_seconds() if meter else 0.0), own_cpu(), time.monotonic()
    await asyncio.sleep(args.seconds - args.warmup)
    end = time.monotonic()
    cpu = (meter.cpu_seconds() - cpu0) / (end - t0) * 100 if meter else None
    bench_cpu = (own_cpu() - own0) / (end - t0) * 100
    rss_open = meter.rss_mb() if meter else None
    if browsers:
        browsers.window_end.set()
    pausers = [s for s in students if s.rec.played][:args.pause]
    await asyncio.gather(*(s.pause(args.pause_check) for s in pausers))
    if browsers:
        await asyncio.to_thread(browsers.done.wait, 120)
    await asyncio.gather(*(s.close() for s in students))
    sessions = [session_figures(s.rec, start, end) for s in students]
    if browsers:
        sessions += browser_rows(browsers)
    return {"window_s": end - start, "server_cpu_pct": cpu, "bench_cpu_pct": bench_cpu,
            "rss_open_mb": rss_open, "sessions": sessions}


def own_cpu() -> float:
    """CPU seconds of this bench (its simulated students), which shares the box."""
    t = os.times()
    return t.user + t.system


def browser_rows(browsers: Browsers) -> list[dict]:
    """The Chromium tabs' figures as rows of the same table (what the page cannot tell the
    bench, e.g. the longest gap between frames, is left empty)."""
    blank = {"max_gap_s": None, "frames": None, "pause_stopped": None,
             "errors": [browsers.error] if browsers.error else []}
    rows = [{**blank, **r, "stuck": r["final_epoch"] == 0} for r in browsers.results]
    if browsers.error and not browsers.results:
        rows.append({**blank, "name": "chromium", "epochs_per_s": 0.0, "updates_per_s": 0.0,
                     "stuck": True, "final_epoch": 0, "first_frame_s": None, "pause_ms": None})
    return rows


def targets(r: dict) -> dict[str, bool | None]:
    """Issue #16's targets for a class, met or not (None: not measured in this run)."""
    s = r["summary"]
    worst = lambda key: s[key]["worst"]                       # noqa: E731
    growth = r.get("rss_growth_per_session_mb")
    return {"no errors": s["sessions_with_errors"] == 0,
            "no session stuck at epoch 0": s["stuck"] == 0,
            "every session >= 5 epochs/s": None if worst("epochs_per_s") is None
            else worst("epochs_per_s") >= 5,
            ">= 1 view update every 2 s": None if worst("max_gap_s") is None
            else worst("max_gap_s") <= 2,
            "RSS growth <= 10 MiB per session": None if growth is None else growth <= 10,
            "Pause within 1 s": None if worst("pause_ms") is None else worst("pause_ms") <= 1000}


async def prime(url: str, query: str, timeout: float) -> None:
    """One visit before the class: the server imports torch and builds its first trainer
    (about 400 MiB) once per process, which is not what a student costs."""
    student = Student("prime", url, query)
    await student.open()
    listener = asyncio.ensure_future(student.listen())
    await asyncio.wait_for(student.loaded.wait(), timeout)
    await student.close()
    await listener


def settled_rss(meter, timeout: float = 30.0) -> float:
    """The server's RSS once it stops growing: the first page starts what a server starts
    once (its training worker processes import torch, a second or two after it), and that is
    not what a student costs."""
    deadline, last = time.monotonic() + timeout, meter.rss_mb()
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = meter.rss_mb()
        if abs(now - last) < 2.0:
            return now
        last = now
    return last


def measure(url: str, pids: list[int], args) -> dict:
    meter = ServerMeter(pids) if pids else None
    rss_cold = meter.rss_mb() if meter else None
    for _ in range(args.replicas or 1):          # nginx spreads new visits round robin
        if args.prime:
            asyncio.run(prime(url, args.query, args.load_timeout))
    rss_before = settled_rss(meter) if meter else None
    if meter:
        meter.start()
    load0 = os.getloadavg()[0]
    result = asyncio.run(run_class(url, args, meter))
    time.sleep(args.settle)                      # the server lets the sessions go
    out = {"url": url, "app_dir": str(args.app_dir), "sessions": args.sessions,
           "seconds": args.seconds,
           "query": args.query, "replicas": args.replicas, "browsers": args.browsers,
           "load_average_before": load0, "load_average_after": os.getloadavg()[0],
           "window_s": result["window_s"], "server_cpu_pct": result["server_cpu_pct"],
           "bench_cpu_pct": result["bench_cpu_pct"]}
    if meter:
        meter.stop()
        rss_after = meter.rss_mb()
        out.update(rss_cold_mb=rss_cold, rss_before_mb=rss_before,
                   rss_open_mb=result["rss_open_mb"],
                   rss_peak_mb=max(meter.peak_rss, result["rss_open_mb"]),
                   rss_after_mb=rss_after,
                   rss_growth_per_session_mb=(result["rss_open_mb"] - rss_before) / args.sessions)
    out["summary"] = summarize(result["sessions"])
    out["per_session"] = result["sessions"]
    out["targets"] = targets(out)
    return out


def _fmt(v, spec: str) -> str:
    width = re.match(r"\d*", spec).group()
    return format("-", f">{width}") if v is None else format(v, spec)


def print_report(r: dict) -> None:
    s = r["summary"]
    where = f"{r['replicas']} replicas behind nginx" if r["replicas"] else "one server"
    print(f"\n{r['sessions']} sessions on {where} ({r['url']}), window {r['window_s']:.1f} s, "
          f"load average {r['load_average_before']:.2f} -> {r['load_average_after']:.2f}")
    print(f"{'session':12s} {'epochs/s':>9s} {'updates/s':>9s} {'max gap s':>9s} "
          f"{'1st frame s':>11s} {'epoch':>7s} {'pause ms':>8s}  errors")
    for x in r["per_session"]:
        print(f"{x['name']:12s} {_fmt(x['epochs_per_s'], '9.1f')} "
              f"{_fmt(x['updates_per_s'], '9.2f')} {_fmt(x['max_gap_s'], '9.2f')} "
              f"{_fmt(x['first_frame_s'], '11.2f')} {x['final_epoch']:7d} "
              f"{_fmt(x['pause_ms'], '8.0f')}  {'; '.join(x['errors'])}")
    for key, label, spec in (("epochs_per_s", "epochs/s", ".1f"),
                             ("updates_per_s", "updates/s", ".2f"),
                             ("max_gap_s", "max gap s", ".2f"),
                             ("first_frame_s", "first frame s", ".2f"),
                             ("pause_ms", "pause ms", ".0f"),
                             ("server_reruns", "page reruns", ".0f")):
        print(f"{label:14s} median {_fmt(s[key]['median'], spec):>8s}   "
              f"worst {_fmt(s[key]['worst'], spec):>8s}")
    print(f"total training {s['total_epochs_per_s']:.0f} epochs/s · stuck at epoch 0: "
          f"{s['stuck']} · epoch went down in {s['sessions_with_epoch_drops']} · turned away: "
          f"{s['turned_away']} · sessions with errors: "
          f"{s['sessions_with_errors']} · paused and "
          f"stopped: {s['paused_and_stopped']}")
    for note in s["notes"]:
        print(f"  note shown: {note}")
    if s["sessions_per_replica"]:
        print("sessions per replica: " + ", ".join(
            f"{k} {v}" for k, v in sorted(s["sessions_per_replica"].items())))
    for e in s["errors"]:
        print(f"  error: {e}")
    if r.get("rss_before_mb") is not None:
        print(f"server CPU {_fmt(r['server_cpu_pct'], '.0f')}% (100% = one core; this bench "
              f"{r['bench_cpu_pct']:.0f}%) · RSS "
              f"{r['rss_cold_mb']:.0f} MiB cold, {r['rss_before_mb']:.0f} warm, "
              f"{r['rss_open_mb']:.0f} with everyone connected "
              f"({r['rss_growth_per_session_mb']:+.1f} per session), peak "
              f"{r['rss_peak_mb']:.0f}, {r['rss_after_mb']:.0f} after they left")
    marks = {True: "met", False: "MISSED", None: "not measured"}
    print("issue #16 targets (set for 30 sessions): "
          + " · ".join(f"{name}: {marks[ok]}" for name, ok in r["targets"].items()))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", "-n", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=30,
                    help="how long everyone plays after the last one pressed Play")
    ap.add_argument("--warmup", type=float, default=2,
                    help="seconds after the last Play before the window opens")
    ap.add_argument("--stagger", type=float, default=0.2, help="seconds between arrivals")
    ap.add_argument("--query", default=TFP_DEFAULT,
                    help="the link's query string (default: TF Playground's default experiment)")
    ap.add_argument("--url", help="a running server (else one is started)")
    ap.add_argument("--pid", type=int, action="append",
                    help="with --url: the server's pid (default: whoever listens on its port)")
    ap.add_argument("--app-dir", type=Path, default=ROOT,
                    help="run the app from this checkout (e.g. `git archive` of an older "
                         "commit, to measure before and after a change)")
    ap.add_argument("--port", type=int, default=0, help="for a server started here (0: free)")
    ap.add_argument("--replicas", type=int, default=0,
                    help="start this many replicas behind nginx (deploy/replicas.py)")
    ap.add_argument("--browsers", type=int, default=0,
                    help="this many of the sessions are real headless Chromium tabs")
    ap.add_argument("--pause", type=int, default=3, help="sessions that press Pause at the end")
    ap.add_argument("--pause-check", type=float, default=1.5,
                    help="seconds after Pause at which the epoch must not have moved")
    ap.add_argument("--load-timeout", type=float, default=90,
                    help="seconds a student waits for the page to load")
    ap.add_argument("--settle", type=float, default=3,
                    help="seconds after everyone left before RSS is read again")
    ap.add_argument("--no-prime", dest="prime", action="store_false",
                    help="skip the visit (per replica) that warms the server up before the class")
    ap.add_argument("--json", help="write the figures here ('-' for stdout)")
    args = ap.parse_args(argv)
    if args.browsers > args.sessions:
        ap.error("--browsers cannot exceed --sessions")
    if args.warmup >= args.seconds:
        ap.error("--seconds must exceed --warmup")
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    launched = None
    if args.url:
        url, pids = args.url.rstrip("/"), args.pid or listening_pid(args.url)
    else:
        launched = Launched(args.port or free_port(), args.replicas, args.app_dir)
        url = launched.url
    try:
        if launched:
            pids = launched.wait()
        result = measure(url, pids, args)
    finally:
        if launched:
            launched.stop()
    print_report(result)
    if args.json == "-":
        print(json.dumps(result, indent=1))
    elif args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
