"""What a view needs at one moment of training, as numpy only: the app's one boundary.

`engine.inspect` captures a snapshot per lab under the session lock (copies, so training may go
on while the page draws); views (viz/, ui/) read snapshots and never touch torch or walk model
modules. Importing this module must not import torch (a test checks it), so the drawing code
stays testable on synthetic numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PERCENTILES = (0, 7, 16, 31, 50, 69, 84, 93, 100)  # TensorBoard's distribution bands (σ-spaced)
SCALARS = ("act_mean", "act_std", "dead", "saturated", "grad_norm", "weight_norm",
           "update_ratio")                       # per-layer numbers recorded over a run


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
class LayerRecord:
    """A copy of the recorded rows: what the inside-the-network charts and diagnostics read."""

    names: tuple[str, ...]            # "L1".."Ln", "head"
    kinds: tuple[str, ...]            # layer kind per name
    activations: tuple[str | None, ...]
    epochs: np.ndarray                # (n,) epoch of each row, ascending
    percentiles: np.ndarray           # (n, layers, len(PERCENTILES)) activation percentiles
    act_mean: np.ndarray              # (n, layers)
    act_std: np.ndarray               # (n, layers)
    dead: np.ndarray                  # (n, layers) dead ReLU share (nan: not a ReLU layer)
    saturated: np.ndarray             # (n, layers) saturated tanh/sigmoid share (nan otherwise)
    grad_norm: np.ndarray             # (n, layers) ‖∂loss/∂θ‖ on the probe batch (nan: no θ)
    weight_norm: np.ndarray           # (n, layers) ‖θ‖
    update_ratio: np.ndarray          # (n, layers) ‖Δθ‖/‖θ‖ of the first step after the row

    def __len__(self) -> int:
        return len(self.epochs)

    def index(self, name: str) -> int:
        return self.names.index(name)

    def upto(self, epoch: float) -> "LayerRecord":
        """The rows recorded at or before `epoch` (what was known at that moment)."""
        n = int(np.searchsorted(self.epochs, epoch, side="right"))
        cut = {f: getattr(self, f)[:n] for f in ("epochs", "percentiles", *SCALARS)}
        return LayerRecord(self.names, self.kinds, self.activations, **cut)


@dataclass(frozen=True)
class RunState:
    """Where a run stands: the numbers and curves every lab shows."""

    epoch: int
    batch_in_epoch: int
    batches_per_epoch: int
    steps: int
    status: str                      # ready, finished, early_stopped, diverged
    reason: str
    done: bool
    lr: float
    train_loss: float
    test_loss: float
    train_acc: float                 # nan for regression
    test_acc: float
    classification: bool
    history: dict[str, np.ndarray]   # per-epoch curves (copies)
    branches: tuple[float, ...] = () # epochs where the run was forked from the past
    cursor: float | None = None      # the moment shown, when the timeline looks back


@dataclass(frozen=True)
class NetworkLayout:
    """What the network diagram shows: columns of neurons and the weights between them."""

    titles: tuple[str, ...]                 # one per column
    labels: tuple[tuple[str, ...], ...]     # neuron labels per column
    weights: tuple[np.ndarray | None, ...]  # (n_out, n_in) from column i to i+1, or None
    more: tuple[int, ...] = ()              # neurons per column not drawn (wide layers)


@dataclass(frozen=True)
class PlaygroundSnapshot:
    """One frame of the 2D playground: every neuron's map over the plane and the weights."""

    run: RunState
    grid: GridOutputs
    layout: NetworkLayout            # inputs, hidden layers, output
    maps: dict[str, np.ndarray]      # neuron label -> (R, R) values, inputs and hidden neurons
    inactive: tuple[str, ...] = ()   # input features offered but switched off (drawn faded)


@dataclass(frozen=True)
class LayerMaps:
    """One image layer's output for the chosen image."""

    name: str                        # "L1".."Ln", "L2_bn"
    kind: str                        # layer kind
    maps: np.ndarray                 # (C, H, W) float32


@dataclass(frozen=True)
class ImageSnapshot:
    """One frame of the image lab for the chosen image (the test-set views come apart)."""

    run: RunState
    image: np.ndarray                # (C, H, W) the chosen image
    probabilities: np.ndarray        # (n_classes,)
    saliency: np.ndarray             # (C, H, W) gradient of the predicted class
    predicted: int
    layers: tuple[LayerMaps, ...]
    first_filters: np.ndarray | None # (out, in, k, k) of the first conv layer
    deep_filters: np.ndarray | None  # the same for the conv layer picked, if any


@dataclass(frozen=True)
class TestSetView:
    """The image lab's whole-test-set views: confusion counts and the worst mistakes."""

    steps: int                       # the trainer's step count when scored
    confusion: np.ndarray            # (n_classes, n_classes) counts, rows = true class
    mistakes: tuple[int, ...]        # test indices, most confident mistakes first
    y_true: np.ndarray
    y_pred: np.ndarray


@dataclass(frozen=True)
class DenseTrace:
    """One dense layer (or the head) seen through one training point (the microscope).

    ∂ are of that point's loss L; `a` is what the layer outputs (before any batch norm after it).
    """

    name: str                # "L1".."Ln", "head"
    activation: str          # the activation inside the layer
    x: np.ndarray            # (n_in,) what the layer receives
    weight: np.ndarray       # (n_out, n_in)
    bias: np.ndarray         # (n_out,)
    z: np.ndarray            # (n_out,) pre-activations W·x + b
    a: np.ndarray            # (n_out,) activations act(z)
    slope: np.ndarray        # (n_out,) ∂a/∂z (the activation's slope at z)
    grad_a: np.ndarray       # (n_out,) ∂L/∂a
    grad_z: np.ndarray       # (n_out,) ∂L/∂z = ∂L/∂a · ∂a/∂z
    grad_w: np.ndarray       # (n_out, n_in) ∂L/∂W = ∂L/∂z · x
    grad_b: np.ndarray       # (n_out,) ∂L/∂b = ∂L/∂z
    feeds_next: bool         # the next dense layer reads `a` as it is (no batch norm between)


@dataclass(frozen=True)
class PointTrace:
    """One point forward and backward through the live model (eval mode), as numpy."""

    x: np.ndarray                    # (n_features,) the network's inputs for the point
    label: float                     # the data's label: class index or value
    target: np.ndarray               # the target as the loss reads it (class, ±1, one-hot, value)
    output: np.ndarray               # (n_outputs,) the head's outputs (logits or value)
    prediction: np.ndarray           # (n_classes,) probabilities, or (1,) the predicted value
    loss: float                      # the loss of this point alone (no L1/L2 penalty)
    loss_name: str                   # the objective's loss ("cross_entropy", "mse", ...)
    layers: tuple[DenseTrace, ...]   # every dense layer, then the head


@dataclass(frozen=True)
class RecurrentTrace:
    """One recurrent layer reading the chosen example: its memory, gates and gradients in time.

    Bidirectional layers list the forward units first, then the backward ones (as torch does).
    """

    name: str                        # "L1".."Ln"
    kind: str                        # rnn, lstm or gru
    bidirectional: bool
    hidden: np.ndarray               # (units, T) hidden state h_t after each step
    cell: np.ndarray | None          # (units, T) LSTM cell state c_t; None for rnn/gru
    gates: dict[str, np.ndarray]     # (units, T) each, in [0, 1]: LSTM input/forget/output,
                                     # GRU update/reset; {} for a vanilla RNN
    grad_norm: np.ndarray            # (T,) ‖∂loss/∂h_t‖, through the later steps as well


@dataclass(frozen=True)
class AttentionTrace:
    """One attention layer (self_attention or a Transformer block) on the chosen example."""

    name: str
    kind: str
    causal: bool
    weights: np.ndarray              # (heads, T queries, T keys); each row sums to 1


@dataclass(frozen=True)
class SequenceSnapshot:
    """One frame of the sequence lab for one example: what it read, should say, said, and
    what its recurrent and attention layers did meanwhile."""

    run: RunState | None
    split: str                       # "train" or "test"
    index: int                       # the example's row in that split
    inputs: np.ndarray               # (T, F) what the model read (one-hot for tokens)
    tokens: tuple[str, ...]          # the input token per step; () for real-valued inputs
    target: np.ndarray               # per step (T,) classes, -1 = nothing due; () a class;
                                     # (k,) values ahead
    output: np.ndarray               # (T, C) or (C,) probabilities; (k,) predicted values
    loss: float                      # this example's loss
    recurrent: tuple[RecurrentTrace, ...]
    attention: tuple[AttentionTrace, ...]


@dataclass(frozen=True)
class MemorySweep:
    """How the current model does as the task gets longer (copy: the delay; others: length)."""

    setting: str                     # "delay" or "seq_len"
    values: np.ndarray               # (n,) the settings tried, ascending
    scores: np.ndarray               # (n,) accuracy (per scored step) or MSE; nan: not scorable
    metric: str                      # "accuracy" or "mse"
    trained: int                     # the value the model was trained at


@dataclass(frozen=True)
class PairSnapshot:
    """Compare mode: where runs A and B stand, each run's output over the plane (2D data;
    None otherwise), and the one-line verdict once they are paused."""

    a: RunState
    b: RunState
    output_a: np.ndarray | None      # (R, R, n_classes) probabilities or (R, R, 1)
    output_b: np.ndarray | None
    verdict: str
    winner: str | None               # "A", "B" or None (a tie, or nothing trained yet)
    filters_a: np.ndarray | None = None   # image data: each run's first conv layer's weights
    filters_b: np.ndarray | None = None
