"""What one training step and one probe of a planned network really cost, before any tensor exists.

A parameter limit alone does not protect a shared server: a conv stack of wide layers on 28×28
images has few parameters but needs gigabytes of activations and billions of multiply-adds per
batch. So the shape plan also counts, per example, the multiply-adds of the forward pass and the
floats kept for the backward pass, and `check_cost` refuses a network (with the layer to shrink)
whose training batch or probes would exceed the LIMITS a 2-core box can serve to a class.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.spec.fields import SpecError
from engine.spec.layers import LayerSpec
from engine.spec.limits import LIMITS

if TYPE_CHECKING:
    from engine.model.build import LayerRow

Shape = tuple[int, ...]
BYTES_PER_FLOAT = 4
# Examples the engine pushes through the network at once outside training; every probe and
# the per-epoch scoring use these sizes, so the plan can bound them too.
EVAL_CHUNK = 1024        # scoring and prediction run in chunks of this many examples
PROBE_EXAMPLES = 256     # the inside-the-network probe batch (with gradients)
EVAL_LIMIT = 4_096       # at most this many examples per split are scored each epoch ...
MIN_SCORED = 512         # ... and at least this many (or the whole split)
SCORING_MACS = 2_000_000_000   # multiply-adds one split's scoring may cost after an epoch


def scored_examples(example_macs: int) -> int:
    """Examples per split each epoch's scoring reads. Pause waits for the epoch in flight to
    be scored, so a heavy network scores fewer (2 billion multiply-adds per split at most:
    ~0.2–0.4 s here); every network under ~0.5 million per example, every 2D one included,
    scores the full EVAL_LIMIT."""
    return max(MIN_SCORED, min(EVAL_LIMIT, SCORING_MACS // max(example_macs, 1)))


def layer_cost(layer: LayerSpec, shape: Shape, out: Shape) -> tuple[int, int]:
    """(multiply-adds, floats kept for backward) of one example through one layer."""
    k, n_out = layer.kind, math.prod(out)
    # autograd keeps one tensor per layer here: the activation's output, which is also the
    # next layer's saved input
    if k == "dense":
        return shape[-1] * layer.units * (math.prod(shape[:-1]) or 1), n_out
    if k == "conv2d":
        return n_out * shape[0] * layer.kernel ** 2, n_out
    if k in ("maxpool2d", "avgpool2d"):
        return n_out * layer.kernel ** 2, n_out * (3 if k == "maxpool2d" else 1)  # + indices
    if k == "flatten":
        return 0, 0
    if k in ("dropout", "activation", "batchnorm", "layernorm"):
        return n_out, 2 * n_out
    if k in ("rnn", "lstm", "gru"):
        steps, features = shape
        gates = {"rnn": 1, "gru": 3, "lstm": 4}[k]
        h, dirs = layer.units, 1 + layer.bidirectional
        return dirs * steps * gates * (features * h + h * h), dirs * 2 * steps * gates * h
    if k in ("self_attention", "transformer"):
        steps, d = shape
        macs = 4 * steps * d * d + 2 * steps * steps * d           # projections, scores
        saved = 4 * steps * d + 2 * layer.heads * steps ** 2       # q, k, v, mixed; weights
        if k == "transformer":     # + the MLP, two layer norms, two residual sums
            macs += 2 * steps * d * layer.units + 2 * steps * d
            saved += 2 * steps * layer.units + 4 * steps * d
        return macs, saved
    if k == "embedding":           # a lookup: no multiply-adds; keeps its output
        return 0, n_out
    if k == "last_step":           # a view of the input
        return 0, 0
    if k == "residual":
        if len(shape) == 3:
            c, h, w = shape
            return 2 * 9 * c * layer.units * h * w, (layer.units + c) * h * w
        return 2 * shape[-1] * layer.units, layer.units + shape[-1]
    return n_out, n_out


@dataclass(frozen=True)
class StepCost:
    """The cost of one training batch, and of the largest probe, for one network."""

    macs: int         # multiply-adds of one training batch's forward pass
    memory: int       # bytes of activations of the heaviest of: a training batch, a probe
    example_macs: int = 0   # multiply-adds of one example: probes and scoring scale with it

    @property
    def megabytes(self) -> float:
        return self.memory / 2 ** 20


def step_cost(rows: "list[LayerRow]", batch_size: int) -> StepCost:
    """Training batch: every layer's saved activations × batch; scoring: the widest layer's
    input and output × EVAL_CHUNK (inference keeps nothing else); the inside-the-network
    probe: saved activations × PROBE_EXAMPLES."""
    per_example = sum(r.activations for r in rows)
    sizes = [math.prod(r.output_shape) for r in rows]
    widest = max((a + b for a, b in zip(sizes, sizes[1:])), default=0)
    floats = max(per_example * max(batch_size, PROBE_EXAMPLES), widest * EVAL_CHUNK)
    example_macs = sum(r.macs for r in rows)
    return StepCost(macs=example_macs * batch_size, memory=floats * BYTES_PER_FLOAT,
                    example_macs=example_macs)


def _amount(n: float) -> str:
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if n >= size:
            return f"{n / size:.1f} {word}"
    return f"{n:,.0f}"


def _megabytes(n: float) -> str:
    return f"{n / 2 ** 30:.1f} GB" if n >= 2 ** 30 else f"{n / 2 ** 20:.0f} MB"


def check_cost(rows: "list[LayerRow]", batch_size: int) -> StepCost:
    """The cost, or SpecError saying which layer to shrink when it is beyond LIMITS (or, for
    batch norm, a batch of one, whose statistics do not exist)."""
    norm = next((r for r in rows if r.kind == "batchnorm"), None)
    if norm is not None and batch_size < 2:
        raise SpecError(f"{norm.name} (batch norm) averages over the batch, so it needs at "
                        "least 2 examples per batch: raise the batch size or remove batch norm.")
    cost = step_cost(rows, batch_size)
    layers = [r for r in rows if r.kind not in ("input",)]
    mac_limit, memory_limit = LIMITS["step_macs"][1], LIMITS["step_memory"][1]
    big = max(layers, key=lambda r: r.macs, default=rows[-1])
    heaviest = (f"The heaviest layer is {big.name} ({big.description}, {_amount(big.macs)} per "
                "example): give it fewer channels or units, add pooling or a stride before it")
    if cost.macs > mac_limit:
        raise SpecError(
            f"One training batch of {batch_size} would cost about {_amount(cost.macs)} "
            f"multiply-adds; this server allows {_amount(mac_limit)}, so each step would take "
            f"seconds. {heaviest}, or use a smaller batch size.")
    example_limit = LIMITS["example_macs"][1]
    if cost.example_macs > example_limit:
        raise SpecError(
            f"One example costs about {_amount(cost.example_macs)} multiply-adds; this server "
            f"allows {_amount(example_limit)}, whatever the batch size, because the "
            f"inside-the-network view and the scoring of each epoch push hundreds of examples "
            f"through the network between two frames. {heaviest}.")
    if cost.memory > memory_limit * 2 ** 20:
        big = max(layers, key=lambda r: r.activations)
        raise SpecError(
            f"Training this network needs about {_megabytes(cost.memory)} of memory for its "
            f"activations; this server allows {memory_limit} MB per session. The largest is "
            f"{big.name} ({big.description}, output {'×'.join(map(str, big.output_shape))}): "
            "give it fewer channels or units, or add pooling or a stride before it"
            + (", or use a smaller batch size." if batch_size > PROBE_EXAMPLES else "."))
    return cost
