"""The sequence lab's engine speed: Trainer against a bare torch loop, and what probes cost.

Run: `python -m bench.sequence_speed [--seconds S] [--repeats R]`. Figures are medians over
interleaved repeats on one torch thread, timed in this process's CPU seconds (the box is
shared, and wall time swung 3× between runs while CPU time holds); the verdict is `ratio_<preset>=X` (Trainer epochs/s ÷
bare loop epochs/s on the same network, data, optimizer and batch size; the lab's target for
the page is ≥ 0.8, so the engine alone should be close to 1). It also prints the milliseconds
of one `capture_sequence` frame (hand-unrolled recurrent layers, attention maps, ∂loss/∂h_t)
and of one `memory_sweep`, which the page must fit between frames.
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

from engine.inspect.sequences import capture_sequence, memory_sweep
from engine.spec import DataSpec
from engine.spec.presets import sequence_preset_experiment
from engine.train import Trainer
from engine.train.objectives import make_optimizer

CASES = {
    "lstm_copy": ("lstm", DataSpec("copy", n_samples=2000, train_ratio=0.8, seq_len=4, delay=10)),
    "rnn_copy": ("vanilla_rnn", DataSpec("copy", n_samples=2000, train_ratio=0.8, seq_len=4,
                                         delay=10)),
    "transformer_reverse": ("tiny_transformer", DataSpec("reverse", n_samples=2000,
                                                         train_ratio=0.8, seq_len=8)),
    "lstm_sentences": ("lstm", DataSpec("sentences", n_samples=2000, train_ratio=0.8)),
}


def bare_loop(reference: Trainer, seconds: float) -> float:
    """The same network trained plainly: Adam, a shuffle per epoch, the loss, a step; plus
    the per-epoch scoring any curve needs. Epochs/s."""
    model = copy.deepcopy(reference.model).train()
    opt = make_optimizer(list(model.parameters()), reference.spec)
    loss_fn = reference.objective.loss
    x, y = reference.x_train, reference.y_train
    gen = torch.Generator().manual_seed(0)
    bs, epochs = reference.spec.batch_size, 0
    start = time.process_time()
    while time.process_time() - start < seconds:
        order = torch.randperm(len(x), generator=gen)
        for xb, yb in zip(x[order].split(bs), y[order].split(bs)):
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
        with torch.no_grad():
            model(reference.x_train), model(reference.x_test)
        epochs += 1
    return epochs / (time.process_time() - start)


def trainer_loop(reference: Trainer, seconds: float) -> float:
    """Epochs/s of a fresh Trainer driven as the live page drives it (run_for ticks)."""
    trainer = Trainer(reference.experiment, dataset=reference.dataset)
    start = time.process_time()
    while time.process_time() - start < seconds:
        trainer.run_for(0.05)
    return trainer.position / (time.process_time() - start)


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append((time.process_time() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one timing block")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved blocks per figure")
    args = parser.parse_args()
    torch.set_num_threads(1)
    verdict = []
    for name, (preset, data) in CASES.items():
        reference = Trainer(sequence_preset_experiment(preset, data))
        bare, ours = [], []
        for _ in range(args.repeats):             # interleave so load spikes hit both
            bare.append(bare_loop(reference, args.seconds))
            ours.append(trainer_loop(reference, args.seconds))
        b, o = statistics.median(bare), statistics.median(ours)
        frame = median_ms(lambda: capture_sequence(reference, 0), 10)
        sweep = median_ms(lambda: memory_sweep(reference), 1)
        print(f"{name}: bare torch {b:.2f} epochs/s, Trainer {o:.2f} epochs/s (ratio {o / b:.2f});"
              f" capture_sequence {frame:.1f} ms; memory_sweep {sweep:.0f} ms")
        verdict.append(f"ratio_{name}={o / b:.2f}")
    print(" ".join(verdict))


if __name__ == "__main__":
    main()
