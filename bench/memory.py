"""Recorded history stays bounded: a session's memory after a long run of the heaviest 2D preset.

Run: `python -m bench.memory [--epochs N]`. Trains TF Playground's heaviest experiment (spiral,
six tanh layers of 8, batch 10, lr 0.03: the browser bench's `tfp_heavy` link) for N epochs
(default 10,000) with every recording on, as the page runs it, and prints the process RSS
before and after and the bytes held by the curves, the layer history and the timeline.
"""
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:    # run as `python bench/<name>.py`: put the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import gc
import time

import psutil

from engine.train.runtime import configure_torch
from engine.spec import Experiment
from engine.record.recorder import Recorder
from engine.train import Trainer

HEAVY = {"ds": "spiral", "n": "500", "tr": "0.5", "net": ",".join(["dense:8:tanh"] * 6),
         "bs": "10", "lr": "0.03"}
MB = 2 ** 20


def rss_mb() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=10_000)
    args = parser.parse_args()
    configure_torch()
    exp, _ = Experiment.from_query(HEAVY, strict=True)
    warm = Trainer(exp)                  # load torch kernels and the dataset code first
    warm_rec = Recorder(warm)
    warm.step(10)
    warm_rec.mark()
    del warm, warm_rec
    before = rss_mb()
    t = Trainer(exp)
    rec = Recorder(t)                    # as ui/session.py builds it (default Recording)
    start = time.perf_counter()
    marks, at_1000 = 0, None
    while t.epoch < args.epochs:
        t.run_for(0.05, max_batches=(args.epochs - t.epoch) * t.batches_per_epoch
                  - t.batch_in_epoch)
        if t.epoch // 1000 > marks:      # a pause now and then, as a class would
            marks = t.epoch // 1000
            rec.mark()
            at_1000 = at_1000 or rss_mb()
    seconds = time.perf_counter() - start
    after = rss_mb()
    print(f"{t.epoch:,} epochs ({t.steps:,} steps) in {seconds:.0f} s "
          f"({t.epoch / seconds:.0f} epochs/s) with recording on")
    print(f"history: {len(t.history)} rows, stride {t.history.stride}, "
          f"{t.history.nbytes / 1024:.0f} KiB")
    print(f"layer history: {len(rec.layers)} rows x {len(rec.layers.names)} layers, "
          f"stride {rec.layers.stride}, {rec.layers.nbytes / 1024:.0f} KiB")
    print(f"timeline: {len(rec.timeline)} checkpoints, stride {rec.timeline.stride}, "
          f"{rec.timeline.nbytes / 1024:.0f} KiB (cap {rec.timeline.cap}, "
          f"{rec.timeline.max_bytes / MB:.0f} MiB)")
    print(f"RSS before {before:.0f} MiB, at epoch 1,000 {at_1000:.0f} MiB, after {after:.0f} "
          f"MiB: growth {after - before:+.1f} MiB in all, {after - at_1000:+.1f} MiB after "
          "epoch 1,000")


if __name__ == "__main__":
    main()
