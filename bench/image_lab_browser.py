"""The image lab measured for real: `streamlit run` + headless Chromium, numbers from the DOM.

Used by `python -m bench.image_lab_speed --browser`. Training throughput is read from the epoch
counter the page shows ("Epoch E · batch b/B"), frames are counted by a MutationObserver on
that counter, and the bare torch loop is timed in this process right before and after, so the
ratio compares the same hour of this shared box.
"""
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:    # run as `python bench/<name>.py`: put the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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
# A frame counts when the counter shows a new text (every frame trains, so each one differs).
OBSERVE_JS = """sel => { window.__frames = 0; let last = null;
  const el = document.querySelector(sel);
  new MutationObserver(() => { const t = el.innerText;
    if (t !== last) { last = t; window.__frames += 1; } })
    .observe(el, {subtree: true, childList: true, characterData: true}); }"""


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


def measure_page(bare_before: float, seconds: float = 10.0, warmup: float = 3.0) -> None:
    """Print the real page's batches/s, frames/s and the ratio to the bare loop."""
    from playwright.sync_api import expect, sync_playwright

    from bench.image_lab_speed import EXPERIMENT, bare_loop
    from datasets.subset import take_train
    from engine.data import load_data

    proc, url = _start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS,
                                        headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)           # a fresh server learns its pages on the first run:
            link = page.get_by_role("link", name="Image lab", exact=True)   # st.navigation's
            link.wait_for(timeout=60000)
            link.click()
            page.wait_for_selector(COUNTER, timeout=60000)
            expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=30000)
            page.locator(".st-key-il_play label").click()
            page.wait_for_timeout(warmup * 1000)
            page.evaluate(OBSERVE_JS, COUNTER)
            start, b0 = time.perf_counter(), _batches(page.locator(COUNTER).inner_text())
            page.wait_for_timeout(seconds * 1000)
            b1, frames = _batches(page.locator(COUNTER).inner_text()), page.evaluate("window.__frames")
            elapsed = time.perf_counter() - start
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)
    bare_after = bare_loop(EXPERIMENT, take_train(load_data(EXPERIMENT.data), 10**9), 3.0)
    bare = (bare_before + bare_after) / 2
    rate, fps = (b1 - b0) / elapsed, frames / elapsed
    print(f"(browser) page in Chromium {rate:.0f} batches/s with {fps:.2f} view updates/s; "
          f"bare torch {bare:.0f} batches/s (before {bare_before:.0f}, after {bare_after:.0f})")
    print(f"browser_ratio={rate / bare:.2f} browser_updates_per_s={fps:.2f}")
