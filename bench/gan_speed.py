"""The generative lab's speed: GAN steps/s of its trainer against a bare torch GAN loop.

Run: `python -m bench.gan_speed [--seconds S] [--repeats R]`. Three figures, medians over
interleaved repeats on one torch thread, wall time:
- bare: the same two networks, optimizers and batch size trained by a plain loop (a real
  batch by index, noise, D step, G step), no history, no checks;
- trainer: `GanTrainer.run_for` in chunks of the page's length (what the background thread
  calls, with its loss history, divergence every 25 steps and blow-up check);
- page: the same trainer on the page's BackgroundTrainer while a frame loop captures the
  live view (`capture_gan`) every TICK seconds under the lock, as the live fragment does
  (drawing itself is the browser's and Streamlit's, not measured here).
Verdict lines `ratio_trainer=X` and `ratio_page=X` (÷ bare; the lab's target is >= 0.8), and
the milliseconds of one capture.
"""
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:    # run as `python bench/<name>.py`: put the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import copy
import statistics
import threading
import time

import torch

from engine.gan.losses import d_loss, g_loss
from engine.gan.spec import GanSpec
from engine.gan.trainer import GanTrainer, make_optimizer
from engine.inspect.gan import capture_gan
from engine.train.background import BackgroundTrainer

TICK = 0.19     # the page's frame interval (labs/gan_lab.py)
CHUNK = 0.03    # the page's training chunk (ui/controls/gan.py)


def bare_loop(ref: GanTrainer, seconds: float) -> float:
    """The same networks trained plainly; steps/s."""
    G, D = copy.deepcopy(ref.G), copy.deepcopy(ref.D)
    g_opt = make_optimizer(ref.spec.g_opt, G.parameters(), ref.spec.g_lr)
    d_opt = make_optimizer(ref.spec.d_opt, D.parameters(), ref.spec.d_lr)
    gen, real, n, z, loss = (torch.Generator().manual_seed(0), ref.real, ref.spec.batch_size,
                             ref.spec.noise_dim, ref.spec.loss)
    steps, end = 0, time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < end:
        x = real[torch.randint(0, ref.pool, (n,), generator=gen)]
        with torch.no_grad():
            fake = G(torch.randn(n, z, generator=gen))
        dl = d_loss(loss, D(x), D(fake))
        d_opt.zero_grad(set_to_none=True)
        dl.backward()
        d_opt.step()
        gl = g_loss(loss, D(G(torch.randn(n, z, generator=gen))))
        g_opt.zero_grad(set_to_none=True)
        gl.backward()
        g_opt.step()
        steps += 1
    return steps / (time.perf_counter() - start)


def trainer_loop(spec: GanSpec, seconds: float) -> float:
    t = GanTrainer(spec)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        t.run_for(CHUNK)
    return t.steps / (time.perf_counter() - start)


def page_loop(spec: GanSpec, seconds: float) -> tuple[float, float]:
    """Background training with a capture per TICK; (steps/s, frames/s)."""
    t, lock = GanTrainer(spec), threading.Lock()
    runner = BackgroundTrainer(t, lock, chunk=CHUNK)
    frames, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        runner.keep_alive()
        with runner.frame():
            with lock:
                capture_gan(t)
        frames += 1
        time.sleep(TICK)
    runner.stop()
    elapsed = time.perf_counter() - start
    return t.steps / elapsed, frames / elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(1)
    spec = GanSpec()
    ref = GanTrainer(spec)
    bare, trainer, page, fps = [], [], [], []
    for _ in range(args.repeats):             # interleaved: a busy moment hits all three
        bare.append(bare_loop(ref, args.seconds))
        trainer.append(trainer_loop(spec, args.seconds))
        p, f = page_loop(spec, args.seconds)
        page.append(p)
        fps.append(f)
    t = GanTrainer(spec)
    t.step(50)
    ms = []
    for _ in range(20):
        s = time.perf_counter()
        capture_gan(t)
        ms.append((time.perf_counter() - s) * 1e3)
    b, tr, pg = (statistics.median(v) for v in (bare, trainer, page))
    print(f"default GAN (2x64 ReLU each, batch {spec.batch_size}, {spec.loss}), one thread, "
          f"{args.repeats} interleaved rounds of {args.seconds:g} s")
    print(f"bare loop:   {b:8.1f} steps/s")
    print(f"trainer:     {tr:8.1f} steps/s")
    print(f"page model:  {pg:8.1f} steps/s with {statistics.median(fps):.1f} captures/s")
    print(f"capture_gan: {statistics.median(ms):.1f} ms per frame")
    print(f"ratio_trainer={tr / b:.2f}")
    print(f"ratio_page={pg / b:.2f}")


if __name__ == "__main__":
    main()
