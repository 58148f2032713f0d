"""A shared server under the heaviest links it accepts: memory before/after, Pause, frames.

`python -m bench.hostile_burst [--seconds 8] [--tabs 4]`

1. Pause latency and screen updates of the heaviest network the 2D sidebar builds (8 hidden
   layers of 256 on every input feature, 2,000 samples, batch 1,024), in the painter and in
   the server-side PNG view, against TF Playground's default in the same run (ratios, since
   the box is shared and noisy).
2. A burst: `--tabs` tabs at once, each opening one of the heaviest experiments the limits
   allow (the widest 2D network, conv nets near 1 billion multiply-adds or 256 MB per batch)
   or one they refuse (the issue's 256-channel bomb), all playing for `--seconds`; the
   server's RSS (with children) is sampled throughout, then read again after the tabs close.
"""
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:    # run as `python bench/<name>.py`: put the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import json
import threading
import time
from urllib.parse import quote

import psutil

from bench.browser_speed import (CHROMIUM, CHROMIUM_ARGS, EXPERIMENTS, Server, live_run, load,
                                 wait_connected)

FEATURES = "x1,x2,x1_sq,x2_sq,x1x2,sin_x1,sin_x2"
WIDEST = (f"ds=spiral&n=2000&tr=0.5&feat={quote(FEATURES)}&bs=1024&opt=adam&lr=0.003&net="
          + quote(",".join(["dense:256:tanh"] * 8)))
BURST = [
    ("2D widest, painter", f"/?{WIDEST}"),
    ("2D widest, PNG view", f"/?{WIDEST}&view=png"),
    ("conv 32-64 at batch 200 (856 M MACs)",
     "/images?ds=shapes&bs=200&net=" + quote("conv2d:32:3:1:1:relu,maxpool2d:2:2,conv2d:64:3:1:1:"
                                             "relu,maxpool2d:2:2,flatten,dense:128:relu")),
    ("conv 24-24 at batch 128 (583 M MACs, 147 MB)",
     "/images?ds=shapes&bs=128&net=" + quote("conv2d:24:3:1:1:relu,conv2d:24:3:1:1:relu,"
                                             "maxpool2d:2:2,flatten,dense:64:relu")),
    ("the 256-channel bomb (refused)",
     "/images?ds=shapes&net=" + quote("conv2d:256:3:1:1:relu,conv2d:256:3:1:1:relu,"
                                      "maxpool2d:4:4,flatten")),
]


def rss_mb(pid: int) -> float:
    proc = psutil.Process(pid)
    procs = [proc, *proc.children(recursive=True)]
    return sum(p.memory_info().rss for p in procs if p.is_running()) / 2 ** 20


class Sampler(threading.Thread):
    """The server's RSS every 0.2 s, keeping the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.2)


def play(page, key: str) -> None:
    page.wait_for_selector(f".st-key-{key}_play", timeout=60000)
    page.locator(f".st-key-{key}_play label").click()


def burst(browser, server: Server, tabs: int, seconds: float) -> dict:
    before = rss_mb(server.proc.pid)
    sampler = Sampler(server.proc.pid)
    sampler.start()
    pages, notes = [], {}
    for i in range(tabs):
        name, path = BURST[i % len(BURST)]
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url + path)
        wait_connected(page)
        play(page, "il" if path.startswith("/images") else "pg")
        alerts = page.locator("[data-testid='stAlert']")
        notes[name] = alerts.first.inner_text()[:120] if alerts.count() else ""
        pages.append(page)
    time.sleep(seconds)
    errors = sum(p.locator("[data-testid='stException']").count() for p in pages)
    for page in pages:
        page.close()
    time.sleep(10)                          # leases lapse, threads exit, garbage is collected
    sampler.done.set()
    after = rss_mb(server.proc.pid)
    return {"rss_before_mb": round(before), "rss_peak_mb": round(sampler.peak),
            "rss_after_mb": round(after), "exceptions": errors, "notes": notes}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--tabs", type=int, default=len(BURST))
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    server = Server()
    out: dict = {"load_before": load()}
    try:
        server.wait_healthy()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            warm = browser.new_page()
            warm.goto(server.url)
            wait_connected(warm)
            warm.wait_for_selector(".st-key-pg_play", timeout=60000)
            warm.close()
            out["rss_after_first_page_mb"] = round(rss_mb(server.proc.pid))
            runs = {"default, painter": (EXPERIMENTS["tfp_default"], "canvas"),
                    "widest, painter": (WIDEST, "canvas"),
                    "widest, PNG view": (WIDEST, "png")}
            for name, (query, renderer) in runs.items():
                r = live_run(browser, server, query, renderer, args.seconds)
                out[name] = {k: round(v, 2) for k, v in r.items()}
            out["burst"] = burst(browser, server, args.tabs, args.seconds)
            browser.close()
    finally:
        server.stop()
    out["load_after"] = load()
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
