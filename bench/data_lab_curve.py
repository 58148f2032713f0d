"""The data lab's learning curve measured: how long it takes for iris and breast cancer on this
box, and whether Pause stays prompt while it runs on its background thread.

Run: `python -m bench.data_lab_curve [--port 8621] [--no-browser]`. The engine part times
`learning_curve` (8 sizes, the network plus five classic models) with the lab's default stack;
the browser part opens /data on breast cancer, plays, starts the learning curve, then clicks
Pause and Play in turn while it runs and times each click until the status line answers
(target: <= 200 ms on an idle box; the figure is reported, not asserted). The same clicks on
the 2D playground and on the data lab without the curve run first, as the baseline of the
same minute of this shared box.

Measured 2026-11-27 on the shared 2-core box (load average 6-15, other agents' work on it):
learning curve iris 6-20 s, breast cancer 9-28 s; Pause/Play click to answer, median of 6:
2D playground 534 ms, data lab 430 ms, data lab while the learning curve runs 578 ms.
"""
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import os
import statistics
import subprocess
import time
import urllib.request

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def lab_experiment(name: str):
    from datasets import DATASETS
    from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
    from engine.spec.layers import layers_from_text
    return Experiment(DataSpec(name, n_samples=DATASETS[name].default_samples, train_ratio=0.7,
                               seed=1), ModelSpec(layers_from_text("dense:16:relu,dense:8:relu")),
                      TrainSpec(optimizer="adam", lr=0.01, batch_size=16))


def time_curves() -> dict[str, float]:
    from engine.classic.curves import learning_curve
    from engine.data import load_data
    from engine.train.runtime import configure_torch
    configure_torch()
    out = {}
    for name in ("iris", "breast_cancer"):
        exp = lab_experiment(name)
        ds = load_data(exp.data)
        start = time.perf_counter()
        learning_curve(exp, ds, seed=1)
        out[name] = time.perf_counter() - start
        print(f"learning curve {name}: {out[name]:.1f} s ({len(ds.x_train)} training rows)")
    return out


def pause_latency(port: int, clicks: int = 6, curve: bool = True, path: str = "data",
                  prefix: str = "dl") -> dict:
    from playwright.sync_api import expect, sync_playwright
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 2000})
            page.goto(url)
            page.get_by_role("link", name="Data lab", exact=True).wait_for(timeout=60000)
            page.goto(f"{url}/data?ds=breast_cancer" if path == "data" else f"{url}/{path}")
            status = page.locator(f".st-key-{prefix}_epoch")
            expect(status).to_contain_text("Epoch 0 ", timeout=60000)
            play = page.locator(f".st-key-{prefix}_play label")
            play.click()
            expect(status).to_contain_text("Training", timeout=30000)
            page.wait_for_timeout(2000)
            if curve:
                page.get_by_text("Learning curve: how much data").click()
                page.get_by_role("button", name="Compute the learning curve").first.click()
            started = time.perf_counter()
            page.wait_for_timeout(1000)
            times, playing = [], True
            for _ in range(clicks):
                t0 = time.perf_counter()
                play.click()
                expect(status).to_contain_text("Paused" if playing else "Training",
                                               timeout=30000)
                times.append(time.perf_counter() - t0)
                playing = not playing
                page.wait_for_timeout(700)
            running = curve and page.locator(".st-key-dl_curve").count() == 0
            if curve:
                expect(page.locator(".st-key-dl_curve .js-plotly-plot")).to_have_count(
                    1, timeout=180000)
            curve_s = time.perf_counter() - started
            browser.close()
    finally:
        proc.terminate()
        proc.wait(20)
    result = {"page": path or "playground", "curve": curve, "click_ms": [round(t * 1000) for t in times],
              "median_click_ms": round(statistics.median(times) * 1000),
              "curve_still_running_after_clicks": running, "curve_in_page_s": round(curve_s, 1)}
    print(result)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8621)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    time_curves()
    if not args.no_browser:        # the same clicks without, then with, the curve running
        pause_latency(args.port, curve=False, path="", prefix="pg")   # the 2D playground
        pause_latency(args.port, curve=False)
        pause_latency(args.port, curve=True)


if __name__ == "__main__":
    main()
