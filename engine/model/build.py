"""From a ModelSpec to a torch model, with shape inference and clear errors.

Shapes are checked and parameters counted *before* any tensor is allocated, so an impossible
or oversized stack costs nothing and the message can name the layer and the fix.
Shapes leave out the batch: (F,) is a vector, (T, F) a sequence, (C, H, W) an image.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from engine.model import layers as L
from engine.model.cost import check_cost, layer_cost
from engine.spec.fields import SpecError
from engine.spec.layers import LayerSpec, layer_names
from engine.spec.limits import LIMITS
from engine.spec.experiment import ModelSpec

Shape = tuple[int, ...]


@dataclass(frozen=True)
class LayerRow:
    """One row of the model summary the UI shows."""

    name: str             # "L1".."Ln", "head"
    kind: str             # layer kind, "input" or "head"
    description: str      # e.g. "dense 4 tanh"
    output_shape: Shape
    params: int
    macs: int = 0         # multiply-adds of one example's forward pass
    activations: int = 0  # floats one example keeps for the backward pass


def describe_shape(shape: Shape) -> str:
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    if len(shape) == 2:
        return f"a sequence of {shape[0]} steps × {shape[1]} features"
    return f"an image of {shape[0]}×{shape[1]}×{shape[2]} (C×H×W)"


def plan_model(spec: ModelSpec, input_shape: Shape, n_outputs: int,
               head_activation: str = "linear", batch_size: int | None = None, *,
               tokens: bool = False, per_step: bool = False) -> list[LayerRow]:
    """Infer every layer's output shape, parameters and cost; raise SpecError on nonsense.

    With a `batch_size`, a network whose training batch or probes would cost more compute or
    memory than LIMITS allows is refused too (engine.model.cost). `tokens`: the input is
    one-hot tokens (an embedding may read it); `per_step`: the task wants an answer at every
    step, so the head runs per step and the stack must keep the sequence."""
    if len(spec.layers) > LIMITS["layers"][1]:
        raise SpecError(f"The network has {len(spec.layers)} layers; the limit is "
                        f"{LIMITS['layers'][1]}. Remove some layers.")
    rows = [LayerRow("input", "input", "input", tuple(input_shape), 0)]
    shape = tuple(input_shape)
    names = layer_names(layer.kind for layer in spec.layers)
    for i, (name, layer) in enumerate(zip(names, spec.layers)):
        if layer.kind == "embedding":
            _check_embedding(layer, shape, name, tokens, first=i == 0)
        out, params = _infer(layer, shape, name)
        rows.append(LayerRow(name, layer.kind, layer.describe(), out, params,
                             *layer_cost(layer, shape, out)))
        shape = out
    n_in = shape[-1] if len(shape) == 2 else math.prod(shape)
    if per_step:
        if len(shape) != 2:
            last = rows[-1]
            raise SpecError(f"This task wants an answer at every step, but {last.name} "
                            f"({last.kind}) turns the sequence into {describe_shape(shape)}; "
                            "remove it (and any flatten or last_step) so the head sees every "
                            "step.")
        steps = shape[0]
        rows.append(LayerRow("head", "head", f"output {n_outputs} {head_activation} per step",
                             (steps, n_outputs), n_in * n_outputs + n_outputs,
                             steps * n_in * n_outputs, 2 * steps * n_outputs))
    else:
        rows.append(LayerRow("head", "head", f"output {n_outputs} {head_activation}",
                             (n_outputs,), n_in * n_outputs + n_outputs, n_in * n_outputs,
                             2 * n_outputs))
    total = sum(r.params for r in rows)
    limit = LIMITS["params"][1]
    if total > limit:
        big = max(rows, key=lambda r: r.params)
        raise SpecError(f"The network has {total:,} parameters; this server allows {limit:,}. "
                        f"The largest is {big.name} ({big.description}, {big.params:,}): make it "
                        "smaller, or add pooling before it.")
    if batch_size is not None:
        check_cost(rows, batch_size)
    return rows


def _check_embedding(layer: LayerSpec, shape: Shape, name: str, tokens: bool,
                     first: bool) -> None:
    """An embedding looks tokens up, so it must read the data's tokens directly."""
    where = f"Layer {name} (embedding)"
    if not tokens:
        raise SpecError(f"{where} looks up tokens (characters or symbols), but this data gives "
                        f"real numbers ({describe_shape(shape)}); remove it, or pick a token "
                        "dataset (copy, reverse, sort, count, sentences, brackets).")
    if not first:
        raise SpecError(f"{where} looks up the data's tokens, but here it receives the output "
                        "of another layer; make it the first layer.")


def _infer(layer: LayerSpec, shape: Shape, i: str) -> tuple[Shape, int]:
    """Output shape and parameter count of one layer, or SpecError naming it."""
    k = layer.kind
    where = f"Layer {i} ({k})"   # i: the layer's name (L3, L2_bn)
    if k in ("conv2d", "maxpool2d", "avgpool2d"):
        if len(shape) != 3:
            hint = ("put it before Flatten" if len(shape) == 1 else
                    "pick an image dataset")
            raise SpecError(f"{where} needs image input (C×H×W) but receives "
                            f"{describe_shape(shape)}; {hint}.")
        c, h, w = shape
        pad = layer.padding if k == "conv2d" else 0
        if layer.kernel > min(h, w) + 2 * pad:
            raise SpecError(f"{where} has a {layer.kernel}×{layer.kernel} window but the image "
                            f"is only {h}×{w} here; use a smaller kernel or remove a pooling "
                            "layer before it.")
        oh = (h + 2 * pad - layer.kernel) // layer.stride + 1
        ow = (w + 2 * pad - layer.kernel) // layer.stride + 1
        if k == "conv2d":
            return (layer.channels, oh, ow), c * layer.channels * layer.kernel ** 2 + layer.channels
        return (c, oh, ow), 0
    if k == "dense":
        if len(shape) == 3:
            raise SpecError(f"{where} needs a vector but receives {describe_shape(shape)}; "
                            "add a Flatten layer before it.")
        return shape[:-1] + (layer.units,), shape[-1] * layer.units + layer.units
    if k == "flatten":
        return (math.prod(shape),), 0
    if k in ("dropout", "activation"):
        return shape, 0
    if k in ("batchnorm", "layernorm"):
        features = shape[0] if len(shape) == 3 else shape[-1]
        return shape, 2 * features
    if k in ("rnn", "lstm", "gru"):
        if len(shape) != 2:
            raise SpecError(f"{where} needs a sequence (T×F) but receives "
                            f"{describe_shape(shape)}; recurrent layers read data step by step. "
                            "Use dense layers for points and tables, conv layers for images, "
                            "or pick a sequence dataset (sine, parity, copy...).")
        gates = {"rnn": 1, "gru": 3, "lstm": 4}[k]
        h, dirs = layer.units, 1 + layer.bidirectional
        return (shape[0], dirs * h), dirs * gates * (shape[1] * h + h * h + 2 * h)
    if k in ("self_attention", "transformer", "positional", "last_step"):
        if len(shape) != 2:
            what = {"positional": "positions are steps of a sequence",
                    "last_step": "only a sequence has steps"}.get(k, "attention relates the "
                                                                      "steps of a sequence")
            hint = ("it comes after flatten or last_step, which removed the steps: move it "
                    "before them" if len(shape) == 1 else "pick a sequence dataset")
            raise SpecError(f"{where} needs a sequence (T×F) but receives "
                            f"{describe_shape(shape)}; {what}. {hint[0].upper()}{hint[1:]}.")
        d = shape[1]
        if k == "positional":
            return shape, 0
        if k == "last_step":
            return (d,), 0
        if d % layer.heads:
            raise SpecError(f"{where}: {layer.heads} heads must divide the {d} features; "
                            f"use a head count that divides {d}, or a dense layer or embedding "
                            "before it to change the width.")
        attention = 4 * d * d + 4 * d
        if k == "self_attention":
            return shape, attention
        return shape, attention + 4 * d + 2 * d * layer.units + layer.units + d
    if k == "embedding":
        return (shape[0], layer.units), shape[1] * layer.units
    if k == "residual":
        inner = layer.units
        if len(shape) == 3:
            c = shape[0]
            return shape, 2 * 9 * c * inner + inner + c
        w = shape[-1]
        return shape, 2 * w * inner + inner + w
    raise SpecError(f"{where}: unknown layer kind.")  # unreachable: specs are validated


def _module(layer: LayerSpec, shape: Shape) -> nn.Module:
    """The torch module of one layer, given its (already checked) input shape."""
    k = layer.kind
    if k == "dense":
        return L.Dense(shape[-1], layer.units, layer.activation)
    if k == "conv2d":
        return L.Conv(shape[0], layer.channels, layer.kernel, layer.stride, layer.padding,
                      layer.activation)
    if k == "maxpool2d":
        return nn.MaxPool2d(layer.kernel, layer.stride)
    if k == "avgpool2d":
        return nn.AvgPool2d(layer.kernel, layer.stride)
    if k == "flatten":
        return nn.Flatten()
    if k == "dropout":
        return L.Dropout(layer.rate)
    if k == "activation":
        return L.Activation(layer.activation)
    if k == "batchnorm":
        if len(shape) == 3:
            return nn.BatchNorm2d(shape[0])
        return L.SequenceBatchNorm(shape[-1]) if len(shape) == 2 else nn.BatchNorm1d(shape[0])
    if k == "layernorm":
        return nn.GroupNorm(1, shape[0]) if len(shape) == 3 else nn.LayerNorm(shape[-1])
    if k in ("rnn", "lstm", "gru"):
        return L.Recurrent(k, shape[-1], layer.units, bool(layer.bidirectional))
    if k == "self_attention":
        return L.SelfAttention(shape[-1], layer.heads, bool(layer.causal))
    if k == "transformer":
        return L.TransformerBlock(shape[-1], layer.heads, layer.units, bool(layer.causal))
    if k == "embedding":
        return L.Embedding(shape[-1], layer.units)
    if k == "positional":
        return L.Positional()
    if k == "last_step":
        return L.LastStep()
    if k == "residual":
        if len(shape) == 3:
            return L.ResidualConv(shape[0], layer.units, layer.activation)
        return L.ResidualDense(shape[-1], layer.units, layer.activation)
    raise SpecError(f"Unknown layer kind {k!r}.")


def build_model(spec: ModelSpec, input_shape: Shape, n_outputs: int,
                head_activation: str = "linear", batch_size: int | None = None, *,
                tokens: bool = False, per_step: bool = False) -> nn.Sequential:
    """An nn.Sequential with children L1..Ln and 'head'; raises SpecError on a bad stack, or
    (given the batch size) on one too costly to train here. tokens, per_step: as plan_model."""
    rows = plan_model(spec, input_shape, n_outputs, head_activation, batch_size,
                      tokens=tokens, per_step=per_step)
    model = nn.Sequential()
    shape = tuple(input_shape)
    for row, layer in zip(rows[1:], spec.layers):
        model.add_module(row.name, _module(layer, shape))
        shape = row.output_shape
    reduce = "none" if per_step else {1: "none", 2: "last", 3: "flatten"}[len(shape)]
    n_in = shape[-1] if len(shape) == 2 else math.prod(shape)
    model.add_module("head", L.Head(n_in, n_outputs, head_activation, reduce))
    model.plan = rows  # type: ignore[attr-defined]  # the summary, for the UI
    return model


@torch.no_grad()
def summarize(model: nn.Module, input_shape: Shape) -> list[LayerRow]:
    """Per-layer rows (name, kind, output shape, parameters), measured by a real forward pass."""
    shapes: dict[str, Shape] = {}
    hooks = []
    was_training = model.training
    try:
        for name, child in model.named_children():
            hooks.append(child.register_forward_hook(
                lambda _m, _i, out, name=name: shapes.__setitem__(name, tuple(out.shape[1:]))))
        model.eval()
        device = next(model.parameters()).device
        model(torch.zeros((1, *input_shape), device=device))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    plan = {r.name: r for r in getattr(model, "plan", [])}
    rows = [LayerRow("input", "input", "input", tuple(input_shape), 0)]
    for name, child in model.named_children():
        params = sum(p.numel() for p in child.parameters())
        planned = plan.get(name)
        rows.append(LayerRow(name, planned.kind if planned else type(child).__name__,
                             planned.description if planned else type(child).__name__,
                             shapes[name], params))
    return rows


def stack_text_problems(text: str, input_shape: Shape, n_outputs: int,
                        batch_size: int | None = None, *, tokens: bool = False,
                        per_step: bool = False) -> list[str]:
    """Everything wrong with a typed layer list, not just the first thing.

    A parameter outside LIMITS is reported, and the stack is then also planned with that value
    brought into range, so "maxpool2d:9:9" on an 8×8 image hears about the stride limit *and*
    the window larger than the image. Returns [] when the stack parses and plans.
    """
    from engine.spec.layers import LAYER_PARAMS, layer_from_text, make_layer
    from engine.spec.limits import LIMITS as _LIMITS

    items = [t for t in text.split(",") if t.strip()]
    names = layer_names(t.split(":")[0].strip() for t in items)
    problems: list[str] = []
    layers: list[LayerSpec | None] = []
    for i, item in enumerate(items, start=1):
        try:
            layers.append(layer_from_text(item, names[i - 1]))
            continue
        except SpecError as exc:
            problems.append(str(exc))
        parts = [p.strip() for p in item.split(":")]
        params = LAYER_PARAMS.get(parts[0])
        try:
            values = {}
            for name, raw in zip(params or (), parts[1:]):
                if name in _LIMITS:
                    lo, hi = _LIMITS[name]
                    raw = min(max(float(raw), lo), hi)
                values[name] = raw
            layers.append(make_layer(parts[0], **values))
        except (SpecError, TypeError, ValueError):
            layers.append(None)
    if layers and None not in layers:
        try:
            plan_model(ModelSpec(tuple(layers)), input_shape, n_outputs, batch_size=batch_size,
                       tokens=tokens, per_step=per_step)
        except SpecError as exc:
            problems.append(str(exc))
    return problems
