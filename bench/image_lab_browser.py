"""The image lab measured for real: `streamlit run` + headless Chromium, numbers from the DOM.

Used by `python -m bench.image_lab_speed --browser` (or `--browser-only`). The page is opened at
`/images` (its default: the Tiny LeNet preset on all digits training images). Each round times a
bare torch loop in this process with the page paused, presses Play, reads training throughput
from the epoch counter the page shows ("Epoch E · batch b/B") for a few seconds, counts frames
as changes of that counter's text (sampled on every animation frame), presses Pause and times
the bare loop again: the ratio compares the same minute of this shared box.
"""
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:    # run as `python bench/<name>.py`: put the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import math
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
COUNTER = ".st-key-il_epoch"
PLAY = ".st-key-il_play label"
SPEED = ".st-key-il_speed input[type='range']"
# A frame counts when the counter shows a new text (every frame trains, so each one differs).
# The fragment may replace the element, so it is looked up again on every animation frame.
SAMPLER_JS = """sel => { window.__frames = 0; let last = null;
  (function f() { const el = document.querySelector(sel); const t = el && el.innerText;
    if (t && t !== last) { last = t; window.__frames += 1; }
    requestAnimationFrame(f); })(); }"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _batches(text: str) -> int:
    """Batches trained so far, from 'Epoch 12 · batch 3/40'."""
    m = re.search(r"Epoch ([\d,]+) · batch (\d+)/(\d+)", text)
    if not m:
        raise ValueError(f"no epoch counter in {text!r}")
    epoch, batch, per_epoch = int(m[1].replace(",", "")), int(m[2]), int(m[3])
    return epoch * per_epoch + batch


def play_rounds(page, *, counter: str, play: str, count, bare, rounds: int, seconds: float,
                warmup: float, unit: str, paused=None) -> list[dict]:
    """The rounds every lab's browser bench runs: the bare loop with the page paused, Play,
    `seconds` reading the counter (`count(text)` -> batches or steps) and the frames, Pause,
    the bare loop again, so each ratio compares the same minute of this shared box.
    `paused(page)` waits until the page shows the pause (default: the counter says so)."""
    from playwright.sync_api import expect

    page.evaluate(SAMPLER_JS, counter)
    rows = []
    for r in range(rounds):
        before = bare()                                    # page paused
        page.locator(play).click()
        page.wait_for_timeout(warmup * 1000)
        start, n0 = time.perf_counter(), count(page.locator(counter).inner_text())
        f0 = page.evaluate("window.__frames")
        page.wait_for_timeout(seconds * 1000)
        n1 = count(page.locator(counter).inner_text())
        frames = page.evaluate("window.__frames") - f0
        elapsed = time.perf_counter() - start
        page.locator(play).click()                         # Pause
        if paused is None:
            expect(page.locator(counter)).to_contain_text("Paused", timeout=30000)
        else:
            paused(page)
        after = bare()
        row = {"page": (n1 - n0) / elapsed, "updates": frames / elapsed,
               "bare": (before + after) / 2,
               "load": "/".join(f"{x:.2f}" for x in os.getloadavg())}
        rows.append(row)
        print(f"round {r + 1}: page {row['page']:.0f} {unit}/s, {row['updates']:.2f} view "
              f"updates/s; bare torch {row['bare']:.0f} (before {before:.0f}, after "
              f"{after:.0f}); ratio {row['page'] / row['bare']:.2f}; load {row['load']}",
              flush=True)
    return rows


def _start_server() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    log = open(Path(tempfile.gettempdir()) / f"image_lab_bench_{port}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return proc, url
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.terminate()
                raise RuntimeError("streamlit did not start; see " + log.name)
            time.sleep(0.3)


def measure_page(rounds: int = 3, seconds: float = 6.0, warmup: float = 2.0) -> dict:
    """Print (and return) the real page's batches/s, updates/s and ratio to the bare loop."""
    import statistics

    from playwright.sync_api import expect, sync_playwright

    from bench.image_lab_speed import EXPERIMENT, bare_loop, digits, load

    dataset = digits()
    proc, url = _start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS,
                                        headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + "/images")
            page.wait_for_selector(COUNTER, timeout=60000)
            expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=30000)
            expect(page.locator(COUNTER)).to_contain_text("Epoch 0", timeout=30000)
            text = page.locator(COUNTER).inner_text()
            per_epoch = int(re.search(r"batch \d+/(\d+)", text)[1])
            expected = math.ceil(len(dataset.x_train) / EXPERIMENT.train.batch_size)
            if per_epoch != expected:
                print(f"warning: page has {per_epoch} batches per epoch, bare loop {expected}")
            speed = page.locator(SPEED)
            opened_at = speed.get_attribute("aria-valuetext")
            if opened_at != "full speed":       # the bench measures full speed, whatever the
                print(f"note: the page opened at Speed = {opened_at!r}; setting full speed")
                speed.focus()                   # page opens at (a bug if not full speed)
                speed.press("End")
                expect(speed).to_have_attribute("aria-valuetext", "full speed", timeout=30000)
                page.wait_for_timeout(1000)
            rows = play_rounds(page, counter=COUNTER, play=PLAY, count=_batches,
                               bare=lambda: bare_loop(EXPERIMENT, dataset, 3.0), rounds=rounds,
                               seconds=seconds, warmup=warmup, unit="batches")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)
    ratio = statistics.median(r["page"] / r["bare"] for r in rows)
    fps = statistics.median(r["updates"] for r in rows)
    print(f"browser_ratio={ratio:.2f} browser_updates_per_s={fps:.2f} (medians of {len(rows)} "
          f"rounds; targets >= 0.8 and >= 2); load {load()}")
    return {"ratio": ratio, "updates_per_s": fps, "rounds": rows, "opened_at": opened_at}
