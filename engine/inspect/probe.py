"""Looking inside a model: per-layer outputs, gradients and health statistics.

Every hook is registered inside `try` and removed in `finally`, the train/eval mode is put
back, and captured tensors are detached and copied to numpy, so probing never changes what
training does next (torchinfo's and captum's hygiene).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import numpy as np
import torch
from torch import Tensor, nn

from engine.model.modes import eval_mode
from engine.snapshot import PERCENTILES, GridOutputs, LayerStats

SATURATION = 0.97        # |tanh| above this, or sigmoid outside [0.03, 0.97], is saturated
SATURATED_SHARE = 0.95   # a unit is saturated when it is so on this share of probe inputs


@contextmanager
def capture(model: nn.Module, names: tuple[str, ...] | None = None) -> Iterator[dict[str, Tensor]]:
    """Record the output of each named top-level layer during the forward passes inside."""
    outputs: dict[str, Tensor] = {}
    hooks = []
    try:
        for name, child in model.named_children():
            if names is None or name in names:
                hooks.append(child.register_forward_hook(
                    lambda _m, _i, out, name=name: outputs.__setitem__(name, out)))
        yield outputs
    finally:
        for h in hooks:
            h.remove()




@torch.inference_mode()
def layer_outputs(model: nn.Module, x: Tensor) -> dict[str, np.ndarray]:
    """Every top-level layer's output for inputs `x`, as numpy (batch first)."""
    with eval_mode(model), capture(model) as outs:
        model(x)
    return {name: t.detach().cpu().numpy().copy() for name, t in outs.items()}


def _unit_axis_view(a: np.ndarray) -> np.ndarray:
    """(N, units) view: features for vectors and sequences, channels for images."""
    if a.ndim == 4:                                   # (N, C, H, W) -> (N*H*W, C)
        return a.transpose(0, 2, 3, 1).reshape(-1, a.shape[1])
    return a.reshape(-1, a.shape[-1])


def _health(a: np.ndarray, activation: str | None) -> tuple[float, float]:
    """(dead ReLU share, saturated unit share) of one layer's outputs."""
    units = _unit_axis_view(a)
    dead = saturated = float("nan")
    if activation == "relu":
        dead = float(np.mean(np.all(units == 0, axis=0)))
    elif activation == "tanh":
        saturated = float(np.mean(np.mean(np.abs(units) > SATURATION, axis=0) >= SATURATED_SHARE))
    elif activation == "sigmoid":
        edge = (units < 1 - SATURATION) | (units > SATURATION)
        saturated = float(np.mean(np.mean(edge, axis=0) >= SATURATED_SHARE))
    return dead, saturated


def layer_stats(model: nn.Module, x: Tensor, y: Tensor, loss_fn) -> tuple[LayerStats, ...]:
    """Activation, gradient and weight statistics of every layer on one probe batch.

    Runs a forward and backward pass in eval mode; gradients are computed with
    `torch.autograd.grad`, so the parameters' `.grad` (the optimizer's input) are untouched.
    """
    plan = {r.name: r for r in getattr(model, "plan", [])}
    children = dict(model.named_children())
    params = {name: [p for p in c.parameters() if p.requires_grad] for name, c in children.items()}
    flat = [p for ps in params.values() for p in ps]
    with eval_mode(model), capture(model) as outs, torch.enable_grad():
        loss = loss_fn(model(x), y)
        grads = torch.autograd.grad(loss, flat, allow_unused=True) if flat else []
    grad_of = dict(zip(map(id, flat), grads))
    stats = []
    for name, child in children.items():
        a = outs[name].detach().float().cpu().numpy()
        act = getattr(child, "activation_name", None)
        dead, saturated = _health(a, act)
        ps = params[name]
        g = [grad_of[id(p)] for p in ps if grad_of.get(id(p)) is not None]
        grad_norm = float(torch.sqrt(sum((t.detach() ** 2).sum() for t in g))) if g else float("nan")
        weight_norm = (float(torch.sqrt(sum((p.detach() ** 2).sum() for p in ps)))
                       if ps else float("nan"))
        flat_a = a.reshape(-1)
        stats.append(LayerStats(
            name=name, kind=plan[name].kind if name in plan else "head", activation=act,
            n_units=_unit_axis_view(a).shape[1], act_mean=float(flat_a.mean()),
            act_std=float(flat_a.std()),
            act_percentiles=tuple(float(v) for v in np.percentile(flat_a, PERCENTILES)),
            dead_fraction=dead, saturated_fraction=saturated, grad_norm=grad_norm,
            weight_norm=weight_norm))
    return tuple(stats)


def grid_outputs(trainer, resolution: int = 50) -> GridOutputs:
    """Every neuron's output over an R×R grid of the 2D data's plane (the 2D page's maps)."""
    from engine.data import apply_features, make_grid

    ds = trainer.dataset
    if ds.extent is None:
        raise ValueError("grid outputs need a 2D dataset")
    points, _, _ = make_grid(ds.extent, resolution)
    x = apply_features(points, ds.feature_names)
    xt = torch.as_tensor(x, device=trainer.device)
    outs = layer_outputs(trainer.model, xt)
    prob = trainer.objective.probabilities(torch.from_numpy(outs["head"])).numpy()
    r = resolution
    layers = {n: a.reshape(r, r, -1) for n, a in outs.items() if n != "head" and a.ndim == 2}
    return GridOutputs(extent=tuple(ds.extent), resolution=r, inputs=x.reshape(r, r, -1),
                       layers=layers, output=prob.reshape(r, r, -1))
