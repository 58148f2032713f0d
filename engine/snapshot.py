"""What a view needs at one moment of training, as numpy only.

Views (viz/, ui/) read Snapshots and never touch torch; importing this module must not import
torch (a test checks it), so the drawing code stays testable on synthetic numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

PERCENTILES = (0, 7, 16, 31, 50, 69, 84, 93, 100)  # TensorBoard's distribution bands (σ-spaced)


@dataclass(frozen=True)
class LayerStats:
    """Health numbers of one layer on the probe set."""

    name: str                  # "L1".."Ln", "head"
    kind: str                  # layer kind
    activation: str | None     # activation applied by the block, if any
    n_units: int               # neurons (vectors), channels (images), hidden units (sequences)
    act_mean: float
    act_std: float
    act_percentiles: tuple[float, ...]   # at PERCENTILES
    dead_fraction: float       # ReLU units that output 0 for every probe input (nan if no ReLU)
    saturated_fraction: float  # tanh/sigmoid units saturated on ≥95% of inputs (nan otherwise)
    grad_norm: float           # ‖∂loss/∂θ‖ over the layer's parameters (nan if none)
    weight_norm: float         # ‖θ‖ over the layer's parameters (nan if none)


@dataclass(frozen=True)
class GridOutputs:
    """Every neuron's output over a square grid of the 2D input plane."""

    extent: tuple[float, float, float, float]   # (xmin, xmax, ymin, ymax)
    resolution: int                             # R: the grid is R×R, rows = y ascending
    inputs: np.ndarray                          # (R, R, n_features): the input neurons
    layers: dict[str, np.ndarray]               # name -> (R, R, units) per hidden layer
    output: np.ndarray                          # (R, R, n_classes) probabilities or (R, R, 1)


@dataclass(frozen=True)
class Snapshot:
    """One frozen moment of a run."""

    epoch: int
    batch_in_epoch: int
    steps: int
    status: str
    reason: str
    train_loss: float
    test_loss: float
    train_acc: float
    test_acc: float
    lr: float
    history: dict[str, np.ndarray] = field(default_factory=dict)  # per-epoch curves (copies)
    layers: tuple[LayerStats, ...] = ()
    grid: GridOutputs | None = None

    def layer(self, name: str) -> LayerStats:
        return next(s for s in self.layers if s.name == name)
