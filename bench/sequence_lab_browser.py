"""The sequence lab measured for real: `streamlit run` + headless Chromium, numbers from the DOM.

Run: `python -m bench.sequence_lab_browser [--rounds N] [--seconds S] [--case lstm_copy|...]`.
The page opens at `/sequences` with the case's link (default: the LSTM preset on copy with a
delay of 10, the lab's default). Each round times a bare torch loop in this process (wall
clock, one thread) with the page paused, presses Play, reads training throughput from the
epoch counter the page shows ("Epoch E · batch b/B") for a few seconds, counts frames as
changes of that counter's text, presses Pause and times the bare loop again, so the ratio
compares the same minute of this shared box. Targets: ratio >= 0.8, >= 2 view updates/s.
The bare loop leaves out what the page needs and it does not: Streamlit, Chromium and the
frames (all on the same cores).
"""
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:    # run as `python bench/<name>.py`: put the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import copy
import statistics
import time

import torch

from bench.image_lab_browser import CHROMIUM_ARGS, _batches, _start_server, play_rounds
from bench.sequence_speed import CASES
from engine.spec.presets import sequence_preset_experiment
from engine.train import Trainer
from engine.train.objectives import make_optimizer
from engine.train.runtime import configure_torch

COUNTER = ".st-key-sq_epoch"
PLAY = ".st-key-sq_play label"


def bare_loop(reference: Trainer, seconds: float) -> float:
    """Batches per wall-clock second of the same network trained plainly (Adam, a shuffle per
    epoch, the loss, a step), plus the per-epoch train/test loss any curve needs."""
    model = copy.deepcopy(reference.model).train()
    opt = make_optimizer(list(model.parameters()), reference.spec)
    loss_fn = reference.objective.loss
    x, y = reference.x_train, reference.y_train
    gen = torch.Generator().manual_seed(0)
    bs, batches, start = reference.spec.batch_size, 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        order = torch.randperm(len(x), generator=gen)
        for xb, yb in zip(x[order].split(bs), y[order].split(bs)):
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
            batches += 1
        with torch.no_grad():
            model(reference.x_train), model(reference.x_test)
    return batches / (time.perf_counter() - start)


def measure(case: str, rounds: int, seconds: float, warmup: float = 2.0) -> dict:
    from playwright.sync_api import expect, sync_playwright

    preset, data = CASES[case]
    exp = sequence_preset_experiment(preset, data)
    reference = Trainer(exp, device="cpu")
    link = "&".join(f"{k}={v}" for k, v in exp.to_query().items())
    proc, url = _start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS,
                                        headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.get_by_role("link", name="Sequence lab", exact=True).wait_for(timeout=60000)
            page.goto(f"{url}/sequences?{link}")
            expect(page.locator(COUNTER)).to_contain_text("Epoch 0", timeout=60000)
            rows = play_rounds(page, counter=COUNTER, play=PLAY, count=_batches,
                               bare=lambda: bare_loop(reference, 3.0), rounds=rounds,
                               seconds=seconds, warmup=warmup, unit="batches")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)
    ratio = statistics.median(r["page"] / r["bare"] for r in rows)
    fps = statistics.median(r["updates"] for r in rows)
    print(f"{case}: browser_ratio={ratio:.2f} browser_updates_per_s={fps:.2f} (medians of "
          f"{len(rows)} rounds; targets >= 0.8 and >= 2)")
    return {"ratio": ratio, "updates_per_s": fps, "rounds": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", choices=list(CASES), default="lstm_copy")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    configure_torch()
    measure(args.case, args.rounds, args.seconds)


if __name__ == "__main__":
    main()
