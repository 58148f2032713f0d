"""Backpropagation under a microscope: one training point through the live model.

`point_trace` runs one point forward and backward with torch autograd and copies every dense
layer's numbers out as numpy (z, a, ∂a/∂z, ∂L/∂a, ∂L/∂z, ∂L/∂W, ∂L/∂b), with the prediction,
the target and the loss. `chain_rule` picks one weight's factors (∂L/∂w = ∂L/∂a · ∂a/∂z · x);
`apply_point_update` takes one plain SGD step on that point; `set_weight` / `set_bias` edit one
parameter by hand. Call them under the session lock, while the trainer is paused.

The model runs in eval mode, so one point is well defined: dropout is off and batch norm uses
its running statistics (training sees batch statistics and random masks instead). Gradients
come from `torch.autograd.grad`, so the parameters' `.grad` and the optimizer's memory (Adam's
moments, momentum) are never touched. The loss is the data loss of this one point: an L1/L2
penalty, which training adds, is left out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from engine.model.layers import Dense, Dropout, Head
from engine.model.modes import eval_mode
from engine.snapshot import DenseTrace, PointTrace

if TYPE_CHECKING:
    from engine.train.trainer import Trainer


@dataclass(frozen=True)
class ChainRule:
    """The factors of one parameter's gradient: ∂L/∂w = ∂L/∂a · ∂a/∂z · x."""

    layer: str                # "L1".."Ln", "head"
    out: int                  # the neuron the weight feeds
    inp: int | None           # the input it multiplies; None for the neuron's bias
    grad_a: float             # ∂L/∂a of that neuron
    slope: float              # ∂a/∂z of that neuron
    x: float                  # the input's value (1 for a bias)
    product: float            # grad_a · slope · x
    autograd: float           # ∂L/∂w as torch autograd computed it (equal, up to rounding)
    # where ∂L/∂a came from (hidden layers whose output the next layer reads as it is):
    # (k, ∂L/∂z_k of the next layer, w_k←out), summed over k: ∂L/∂a = Σ_k ∂L/∂z_k · w_k←out
    sources: tuple[tuple[int, float, float], ...] = ()


@dataclass(frozen=True)
class PointUpdate:
    """One plain SGD step on one point: every dense layer's (W, b) before and after."""

    names: tuple[str, ...]                                  # "L1".."Ln", "head"
    before: tuple[tuple[np.ndarray, np.ndarray], ...]       # (W, b) per layer
    after: tuple[tuple[np.ndarray, np.ndarray], ...]
    loss_before: float
    loss_after: float
    lr: float


def dense_layers(model: nn.Module) -> list[tuple[str, nn.Linear]]:
    """The model's dense layers and its head, input to output (what the microscope shows)."""
    return [(name, child) for name, child in model.named_children()
            if isinstance(child, (Dense, Head))]


def differs_in_eval(model: nn.Module) -> bool:
    """True when eval mode computes something else than training does (dropout, batch norm)."""
    return any(isinstance(m, (Dropout, nn.modules.batchnorm._BatchNorm)) for m in model.modules())


def _forward(model: nn.Module, x: Tensor) -> tuple[Tensor, list[tuple]]:
    """The model's own forward pass, walked child by child so each dense layer's pre-activation
    z is a tensor of the graph: returns the output and (name, layer, input, z, a, feeds_next)."""
    steps: list[tuple] = []
    h, direct = x, True
    for name, child in model.named_children():
        if isinstance(child, (Dense, Head)):
            if isinstance(child, Head) and child.reduce != "none":
                raise ValueError("the microscope follows vector inputs only (dense networks)")
            if steps:
                steps[-1] = (*steps[-1][:5], direct)
            z = F.linear(h, child.weight, child.bias)             # (1, n_out)
            a = child.act(z)                                      # (1, n_out)
            steps.append((name, child, h, z, a, False))
            h, direct = a, True
        else:
            h = child(h)
            direct = direct and isinstance(child, Dropout)        # eval mode: identity
    return h, steps


def _slope(act, z: Tensor) -> Tensor:
    """∂a/∂z of an elementwise activation at z (autograd on a detached copy)."""
    z0 = z.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(act(z0).sum(), z0)
    return g


def _point_tensors(trainer: "Trainer", x_point, y_point) -> tuple[Tensor, Tensor]:
    x = torch.tensor(np.asarray(x_point, dtype=np.float32).reshape(1, -1),
                     device=trainer.device)
    y = trainer.objective.encode_targets(np.asarray([y_point])).to(trainer.device)
    return x, y


def _numpy(t: Tensor) -> np.ndarray:
    return t.detach().cpu().numpy().reshape(t.shape[-1] if t.dim() else 1).copy()


def point_trace(trainer: "Trainer", x_point, y_point) -> PointTrace:
    """One point forward and backward through the live model (eval mode), every number copied
    out. `x_point` is the network's input (the engineered features), `y_point` the data's label."""
    model, obj = trainer.model, trainer.objective
    x, y = _point_tensors(trainer, x_point, y_point)
    with eval_mode(model), torch.enable_grad():
        out, steps = _forward(model, x)
        loss = obj.loss(out, y)
        zs = [s[3] for s in steps]
        acts = [s[4] for s in steps]
        params = [p for s in steps for p in (s[1].weight, s[1].bias)]
        grads = torch.autograd.grad(loss, [*zs, *acts, *params])
        prediction = obj.probabilities(out.detach())
    n = len(steps)
    layers = []
    for j, (name, child, inp, z, a, feeds_next) in enumerate(steps):
        layers.append(DenseTrace(
            name=name, activation=child.activation_name, x=_numpy(inp),
            weight=child.weight.detach().cpu().numpy().copy(), bias=_numpy(child.bias),
            z=_numpy(z), a=_numpy(a), slope=_numpy(_slope(child.act, z)),
            grad_a=_numpy(grads[n + j]), grad_z=_numpy(grads[j]),
            grad_w=grads[2 * n + 2 * j].detach().cpu().numpy().copy(),
            grad_b=_numpy(grads[2 * n + 2 * j + 1]), feeds_next=feeds_next))
    return PointTrace(x=_numpy(x), label=float(np.asarray(y_point)),
                      target=y.detach().cpu().numpy().reshape(-1).astype(np.float32),
                      output=_numpy(out), prediction=_numpy(prediction), loss=float(loss.detach()),
                      loss_name=obj.name, layers=tuple(layers))


def layer_index(trace: PointTrace, layer: str | int) -> int:
    """The position of a layer (by name, or already a position) in `trace.layers`."""
    if isinstance(layer, int):
        return layer
    return [t.name for t in trace.layers].index(layer)


def chain_rule(trace: PointTrace, layer: str | int, out: int, inp: int | None) -> ChainRule:
    """The factors of ∂L/∂w for the weight from input `inp` into neuron `out` of `layer`
    (`inp=None`: the neuron's bias, whose "input" is 1)."""
    j = layer_index(trace, layer)
    t = trace.layers[j]
    x = 1.0 if inp is None else float(t.x[inp])
    autograd = float(t.grad_b[out] if inp is None else t.grad_w[out, inp])
    sources: tuple[tuple[int, float, float], ...] = ()
    if t.feeds_next and j + 1 < len(trace.layers):
        nxt = trace.layers[j + 1]
        sources = tuple((k, float(nxt.grad_z[k]), float(nxt.weight[k, out]))
                        for k in range(len(nxt.grad_z)))
    grad_a, slope = float(t.grad_a[out]), float(t.slope[out])
    return ChainRule(t.name, out, inp, grad_a, slope, x, grad_a * slope * x, autograd, sources)


def _dense_params(trainer: "Trainer") -> tuple[tuple[str, ...], tuple]:
    layers = dense_layers(trainer.model)
    return (tuple(n for n, _ in layers),
            tuple((m.weight.detach().cpu().numpy().copy(), m.bias.detach().cpu().numpy().copy())
                  for _, m in layers))


def point_loss(trainer: "Trainer", x_point, y_point) -> float:
    """The loss of one point (eval mode, no penalty)."""
    x, y = _point_tensors(trainer, x_point, y_point)
    with torch.inference_mode(), eval_mode(trainer.model):
        return float(trainer.objective.loss(trainer.model(x), y))


def apply_point_update(trainer: "Trainer", x_point, y_point, lr: float) -> PointUpdate:
    """One plain SGD step on this one point: θ ← θ − lr · ∂L/∂θ for every trainable parameter.

    Not the trainer's optimizer: its memory (momentum, Adam's moments) and the step count stay
    as they were. The trainer then scores the new weights (`weights_edited`)."""
    model, obj = trainer.model, trainer.objective
    names, before = _dense_params(trainer)
    x, y = _point_tensors(trainer, x_point, y_point)
    params = [p for p in model.parameters() if p.requires_grad]
    with eval_mode(model), torch.enable_grad():
        loss = obj.loss(model(x), y)
        grads = torch.autograd.grad(loss, params, allow_unused=True)
    with torch.no_grad():
        for p, g in zip(params, grads):
            if g is not None:
                p.sub_(lr * g)
    trainer.weights_edited()
    _, after = _dense_params(trainer)
    return PointUpdate(names, before, after, float(loss.detach()),
                       point_loss(trainer, x_point, y_point), float(lr))


def _layer(trainer: "Trainer", layer: str) -> nn.Linear:
    found = dict(dense_layers(trainer.model))
    if layer not in found:
        raise ValueError(f"no dense layer named {layer!r}")
    return found[layer]


def _check(value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError("a weight must be a finite number")
    return value


def set_weight(trainer: "Trainer", layer: str, out: int, inp: int, value: float) -> None:
    """Set one weight by hand (TF Playground's edit); the trainer scores the new weights."""
    m = _layer(trainer, layer)
    if not (0 <= out < m.out_features and 0 <= inp < m.in_features):
        raise ValueError(f"{layer} has no weight [{out}, {inp}]")
    with torch.no_grad():
        m.weight[out, inp] = _check(value)
    trainer.weights_edited()


def set_bias(trainer: "Trainer", layer: str, out: int, value: float) -> None:
    """Set one neuron's bias by hand; the trainer scores the new weights."""
    m = _layer(trainer, layer)
    if not 0 <= out < m.out_features:
        raise ValueError(f"{layer} has no neuron {out}")
    with torch.no_grad():
        m.bias[out] = _check(value)
    trainer.weights_edited()
