"""Compare mode's speed: epochs/s of each run of a pair against one run alone.

Run: `python -m bench.compare_speed [--seconds S] [--repeats R] [--link QUERY]`. Both sides run
as the page runs them, on one torch thread: the session's BackgroundTrainer trains between
frames, and a frame loop captures the live view under the lock every tick (the 2D page's
capture for one run at its 0.1 s tick; compare mode's capture of both runs and both maps at
its 0.2 s tick). Rounds interleave alone and pair so a busy moment of this shared box hits
both. The issue's target: each run of the pair gets >= 0.45× the epochs/s of the run alone.
Verdict lines `ratio_a=X`, `ratio_b=X`.
"""
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:    # run as `python bench/<name>.py`: put the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import statistics
import threading
import time

from engine.inspect.compare import capture_pair
from engine.inspect.playground import capture_playground
from engine.spec import Experiment
from engine.train import Trainer
from engine.train.background import BackgroundTrainer
from engine.train.pair import RunPair
from engine.train.runtime import configure_torch

ALONE_TICK, PAIR_TICK = 0.1, 0.2     # labs/playground.py: TICK and COMPARE_TICK


def _play(trainer, capture, tick: float, seconds: float) -> float:
    """Background training with a capture per tick, as the live fragment does; seconds."""
    lock = threading.Lock()
    runner = BackgroundTrainer(trainer, lock)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        runner.keep_alive()
        with runner.frame():
            with lock:
                capture(trainer)
        time.sleep(tick)
    runner.stop()
    return time.perf_counter() - start


def alone(exp: Experiment, seconds: float) -> float:
    t = Trainer(exp, device="cpu")
    t.step(1)                                 # build the optimizer before the clock starts
    e0 = t.epoch
    took = _play(t, capture_playground, ALONE_TICK, seconds)
    return (t.epoch - e0) / took


def pair(exp: Experiment, seconds: float) -> tuple[float, float]:
    p = RunPair(Trainer(exp, device="cpu"), Trainer(exp, device="cpu"))
    p.step(1)
    a0, b0 = p.a.epoch, p.b.epoch
    took = _play(p, capture_pair, PAIR_TICK, seconds)
    return (p.a.epoch - a0) / took, (p.b.epoch - b0) / took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--link", default="", help="the experiment (default: TF Playground's)")
    args = ap.parse_args()
    configure_torch()
    exp, notes = Experiment.from_query(dict(p.split("=", 1) for p in args.link.split("&")
                                            if "=" in p))
    for note in notes:
        print("note:", note)
    alone(exp, 1.0)                                        # torch's one-off warm-up
    solo, a, b = [], [], []
    for _ in range(args.repeats):
        solo.append(alone(exp, args.seconds))
        ea, eb = pair(exp, args.seconds)
        a.append(ea)
        b.append(eb)
    s, ma, mb = (statistics.median(v) for v in (solo, a, b))
    print(f"{exp.data.dataset}, {len(exp.model.layers)} hidden layers, one thread, "
          f"{args.repeats} interleaved rounds of {args.seconds:g} s with frames")
    print(f"one run alone:     {s:7.1f} epochs/s")
    print(f"compare, run A:    {ma:7.1f} epochs/s")
    print(f"compare, run B:    {mb:7.1f} epochs/s")
    print(f"ratio_a={ma / s:.2f}")
    print(f"ratio_b={mb / s:.2f}  (target >= 0.45 each)")


if __name__ == "__main__":
    main()
