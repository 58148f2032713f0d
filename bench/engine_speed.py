"""Trainer overhead against a bare torch loop, plus the probe cost of a 100×100 grid.

Run: `python -m bench.engine_speed [--seconds S] [--repeats R]`. The machine is shared and noisy,
so every figure is a median over interleaved repeats and the verdict is a ratio measured in
the same run: `ratio_default=X ratio_heavy=Y` (Trainer epochs/s ÷ bare loop epochs/s, same
data, same network, same optimizer, same shuffling; target ≥ 0.9).
"""
from __future__ import annotations

import sys
from pathlib import Path

if not __package__:    # run as `python bench/<name>.py`: put the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import statistics
import time

import torch
from torch import nn

from engine.spec.layers import make_layer
from engine.inspect.probe import grid_outputs
from engine.train.runtime import configure_torch
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
from engine.train import Trainer

# TF Playground's default (circle, 2-4-2-1 tanh, batch 10, lr 0.03, 250 training points,
# squared error on ±1 labels) and its heaviest (spiral, six hidden layers of 8).
TFP_TRAIN = TrainSpec(optimizer="sgd", lr=0.03, batch_size=10, loss="tfp_squared", init="tfp")
EXPERIMENTS = {
    "default": Experiment(DataSpec("circle", n_samples=500, train_ratio=0.5),
                          ModelSpec((make_layer("dense", units=4, activation="tanh"),
                                     make_layer("dense", units=2, activation="tanh"))),
                          TFP_TRAIN),
    "heavy": Experiment(DataSpec("spiral", n_samples=500, train_ratio=0.5),
                        ModelSpec(tuple(make_layer("dense", units=8, activation="tanh")
                                        for _ in range(6))),
                        TFP_TRAIN),
}


def bare_loop(trainer: Trainer, seconds: float) -> float:
    """The same training written plainly: nn.Sequential, SGD, per-epoch shuffle. Epochs/s."""
    widths = [trainer.dataset.input_shape[0]] + [layer.units for layer in
                                                 trainer.experiment.model.layers] + [1]
    mods: list[nn.Module] = []
    for a, b in zip(widths[:-1], widths[1:]):
        mods += [nn.Linear(a, b), nn.Tanh()]
    model = nn.Sequential(*mods)
    opt = torch.optim.SGD(model.parameters(), lr=0.03)
    x, y = trainer.x_train.clone(), trainer.y_train.clone()
    gen = torch.Generator().manual_seed(0)
    bs, epochs = 10, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        order = torch.randperm(len(x), generator=gen)
        for xb, yb in zip(x[order].split(bs), y[order].split(bs)):
            opt.zero_grad()
            loss = 0.5 * ((model(xb) - yb) ** 2).mean()
            loss.backward()
            opt.step()
        with torch.no_grad():                      # the per-epoch loss any curve needs
            model(trainer.x_train), model(trainer.x_test)
        epochs += 1
    return epochs / (time.perf_counter() - start)


def trainer_loop(exp: Experiment, seconds: float) -> float:
    """Epochs/s of the real Trainer driven as the live page drives it (run_for ticks)."""
    trainer = Trainer(exp)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        trainer.run_for(0.05)
    return (trainer.epoch + trainer.batch_in_epoch / trainer.batches_per_epoch) / (
        time.perf_counter() - start)


def probe_ms(exp: Experiment, repeats: int = 30) -> float:
    """Median ms for every neuron's output over a 100×100 grid."""
    trainer = Trainer(exp)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        grid_outputs(trainer, resolution=100)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one timing block")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved blocks per figure")
    args = parser.parse_args()
    configure_torch()
    ratios = {}
    for name, exp in EXPERIMENTS.items():
        reference = Trainer(exp)
        bare, ours = [], []
        for _ in range(args.repeats):             # interleave so load spikes hit both
            bare.append(bare_loop(reference, args.seconds))
            ours.append(trainer_loop(exp, args.seconds))
        b, o = statistics.median(bare), statistics.median(ours)
        ratios[name] = o / b
        print(f"{name}: bare torch {b:.0f} epochs/s, Trainer {o:.0f} epochs/s "
              f"(ratio {o / b:.2f}); probe 100x100 all neurons {probe_ms(exp):.2f} ms")
    print(f"ratio_default={ratios['default']:.2f} ratio_heavy={ratios['heavy']:.2f}")


if __name__ == "__main__":
    main()
