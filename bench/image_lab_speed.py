"""Image lab speed: CNN training with the live views against a bare torch loop, and time to 95%.

Run: `python -m bench.image_lab_speed [--seconds S] [--repeats R] [--browser [--rounds N]]`
(`--browser-only` skips the in-process emulation).

(a) Throughput, emulated in this process as the page now runs (labs/image_lab.py + ui/live.py):
    training on the session's background thread (engine.train.background.BackgroundTrainer,
    its lease renewed every frame), and one frame every `TICK` = 0.45 s drawn inside
    `runner.frame()`: `capture_image` (and every `HEAVY_EVERY` frames `score_test_set`) under
    the session lock, then the views' pixel work without Streamlit (feature-map columns, the
    input and saliency PNGs, filters, probabilities). Against a bare torch loop on the same
    model, data, optimizer and batch size (per-epoch shuffle and the per-epoch train/test loss
    any curve needs), in adjacent blocks of alternating order, because the box is shared:
    `ratio` = page batches/s ÷ bare batches/s (target ≥ 0.8), `updates/s` = frames per second
    (target ≥ 2). The emulation leaves out Streamlit's and the browser's own CPU.
(b) Time to 95%: seconds from Play until a frame shows the digits preset's test accuracy at
    95% or more, with frames at the page's cadence (target ≤ 30 s).
(c) `--browser`: the real page (`streamlit run` + headless Chromium, bench/image_lab_browser.py):
    batches/s read from the epoch counter, view updates/s from its text changes, each round
    between two bare loops timed with the page paused.

The load average seen is printed with every figure.
"""
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:    # run as `python bench/<name>.py`: put the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import math
import os
import statistics
import threading
import time

import numpy as np
import torch

from datasets.subset import take_train
from engine.data import load_data
from engine.inspect.images import capture_image, score_test_set
from engine.model.build import build_model
from engine.model.init import init_weights
from engine.record.recorder import Recorder
from engine.spec import Experiment
from engine.spec.presets import preset_experiment
from engine.train import Trainer
from engine.train.background import BackgroundTrainer
from engine.train.objectives import make_optimizer
from engine.train.runtime import configure_torch

EXPERIMENT = preset_experiment("tiny_lenet", "digits")
TICK = 0.45          # labs/image_lab.py's TICK (that module runs its page on import)
HEAVY_EVERY = 5      # ui/views/images.py's HEAVY_EVERY (kept here: no Streamlit import)


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def digits():
    """The page's default data: the preset's dataset, every training image."""
    return take_train(load_data(EXPERIMENT.data), 10**9)


def bare_loop(exp: Experiment, dataset, seconds: float) -> float:
    """Plain PyTorch on the same model, data, optimizer and batches: batches/s."""
    gen = torch.Generator().manual_seed(exp.train.seed)
    model = build_model(exp.model, dataset.input_shape, dataset.n_classes)
    init_weights(model, exp.train.init, gen)
    opt = make_optimizer(list(model.parameters()), exp.train)
    loss_fn = torch.nn.functional.cross_entropy
    x, y = torch.tensor(dataset.x_train), torch.tensor(dataset.y_train)
    xt, yt = torch.tensor(dataset.x_test), torch.tensor(dataset.y_test)
    bs, batches = exp.train.batch_size, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        model.train()
        order = torch.randperm(len(x), generator=gen)
        for xb, yb in zip(x[order].split(bs), y[order].split(bs)):
            opt.zero_grad(set_to_none=True)
            loss_fn(model(xb), yb).backward()
            opt.step()
            batches += 1
        model.eval()
        with torch.inference_mode():              # the per-epoch losses any curve needs
            loss_fn(model(x), y), loss_fn(model(xt), yt)
    return batches / (time.perf_counter() - start)


def draw_pixels(snap, class_names) -> None:
    """The pixel work of ui.views.images.draw_image_frame, without Streamlit."""
    from viz.images import (enlarge, feature_maps_html, first_layer_filters, image_rgb,
                            layer_column, probabilities_svg, saliency_rgb, tile_size)
    from viz.raster import data_uri, to_png
    tile = tile_size(snap.image.shape[1])
    columns = [("input", "", to_png(enlarge(image_rgb(snap.image), tile)))]
    columns += [(lm.name, "", to_png(layer_column(lm.maps, tile=tile, scale="layer")))
                for lm in snap.layers]
    feature_maps_html(columns)
    data_uri(to_png(enlarge(image_rgb(snap.image), 168)))
    data_uri(to_png(enlarge(saliency_rgb(snap.image, snap.saliency), 168)))
    probabilities_svg(snap.probabilities, class_names, true_class=0)
    if snap.first_filters is not None:
        to_png(first_layer_filters(snap.first_filters))


def page_loop(exp: Experiment, dataset, seconds: float, *,
              stop_at: float | None = None) -> tuple[float, float, float | None]:
    """The page's design in-process: (batches/s, frames/s, seconds to `stop_at` test acc)."""
    trainer = Trainer(exp, dataset=dataset, device="cpu")
    recorder = Recorder(trainer)
    lock = threading.Lock()
    runner = BackgroundTrainer(trainer, lock, recorder=recorder)   # as LabSession.runner()
    image = np.array(dataset.x_test[0])
    start = time.perf_counter()
    next_tick, frames, reached = start, 0, None
    try:
        while time.perf_counter() - start < seconds:
            wait = next_tick - time.perf_counter()
            if wait > 0:                                   # the browser's timer: one per TICK
                time.sleep(wait)
            runner.keep_alive()                            # the live fragment renews the lease
            with runner.frame():                           # drawing goes first
                with lock:
                    if frames % HEAVY_EVERY == 0:
                        score_test_set(trainer)
                    snap = capture_image(trainer, recorder, image)
                    acc = trainer.metrics.test_acc
                draw_pixels(snap, dataset.class_names)
            frames += 1
            if stop_at is not None and acc >= stop_at:
                reached = time.perf_counter() - start      # the frame that shows it is drawn
                break
            next_tick = max(next_tick + TICK, time.perf_counter())  # late ticks coalesce
        elapsed = time.perf_counter() - start
    finally:
        runner.stop()
    return trainer.steps / elapsed, frames / elapsed, reached


def time_to_accuracy(exp: Experiment, dataset, target: float = 0.95,
                     limit: float = 60.0) -> float:
    """Seconds from Play until a frame shows test accuracy >= `target` (inf if never)."""
    _, _, reached = page_loop(exp, dataset, limit, stop_at=target)
    return reached if reached is not None else math.inf


def emulate(args, dataset) -> float:
    """(a) and (b); returns the median bare batches/s."""
    bare, page, frames, ratios = [], [], [], []
    for i in range(args.repeats):           # adjacent pairs, alternating order, so load
        runs = [lambda: (bare_loop(EXPERIMENT, dataset, args.seconds),),   # spikes hit both
                lambda: page_loop(EXPERIMENT, dataset, args.seconds)]
        first, second = runs if i % 2 == 0 else runs[::-1]
        a, c = first(), second()
        (b,), (ours, fps, _) = (a, c) if i % 2 == 0 else (c, a)
        bare.append(b)
        page.append(ours)
        frames.append(fps)
        ratios.append(ours / b)
    b, p, f = statistics.median(bare), statistics.median(page), statistics.median(frames)
    ratio = statistics.median(ratios)
    print(f"(a) emulated page (background thread + frames every {TICK:g} s): bare torch {b:.0f} "
          f"batches/s, page {p:.0f} batches/s, {f:.2f} view updates/s; per-pair ratios "
          f"{', '.join(f'{r:.2f}' for r in ratios)}; load {load()}", flush=True)
    times = [time_to_accuracy(EXPERIMENT, dataset) for _ in range(3)]
    t95 = statistics.median(times)
    print(f"(b) digits preset from Play to 95% test accuracy: {t95:.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)}); load {load()}")
    print(f"ratio={ratio:.2f} updates_per_s={f:.2f} seconds_to_95={t95:.2f}", flush=True)
    return b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=2.7, help="length of one timing block")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved pairs of blocks")
    parser.add_argument("--browser", action="store_true",
                        help="also measure the real page in headless Chromium")
    parser.add_argument("--browser-only", action="store_true",
                        help="only the real page (skip the in-process emulation)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="browser: bare / page / bare rounds on one page")
    parser.add_argument("--page-seconds", type=float, default=6.0,
                        help="browser: length of one page measurement")
    args = parser.parse_args()
    configure_torch()
    dataset = digits()
    print(f"digits preset: {len(dataset.x_train)} training / {len(dataset.x_test)} test images, "
          f"net {', '.join(layer.describe() for layer in EXPERIMENT.model.layers)}, batch "
          f"{EXPERIMENT.train.batch_size}; load {load()}", flush=True)
    if not args.browser_only:
        emulate(args, dataset)
    if args.browser or args.browser_only:
        from bench.image_lab_browser import measure_page
        measure_page(rounds=args.rounds, seconds=args.page_seconds)


if __name__ == "__main__":
    main()
