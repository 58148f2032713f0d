"""The microscope's view of one point: painter payload and chain-rule text (numpy only).

The network view keeps its columns (inputs, hidden layers, output), but the output column shows
one neuron per head unit (two logits for two classes), each drawn neuron carries its numbers for
the point (z, a, and ∂L/∂z once the backward pass has reached its layer) and each edge its
∂L/∂w. Edges from the input column are indexed over every offered input (as the painter draws
them); `edge_param` turns a clicked edge back into (layer, out, in) of the trace.
"""
from __future__ import annotations

import numpy as np

from engine.snapshot import NetworkLayout, PointTrace

OUTPUT = "output"


def fmt(v: float) -> str:
    """A number as the microscope writes it: three significant digits."""
    v = float(v)
    if not np.isfinite(v):
        return str(v)
    text = f"{v:.3g}"
    return "0" if text in ("-0", "0") else text


def head_labels(n_outputs: int, class_names: tuple[str, ...]) -> tuple[str, ...]:
    """One label per head unit: the output, or one logit per class."""
    if n_outputs == 1:
        return (OUTPUT,)
    return tuple(f"{OUTPUT}: {name}" for name in class_names[:n_outputs])


def _spread(w: np.ndarray, active: list[int], n_inputs: int) -> np.ndarray:
    full = np.full((w.shape[0], n_inputs), np.nan)
    full[:, active] = w
    return full


def _cut(w: np.ndarray, layout: NetworkLayout, column: int, active: list[int]) -> np.ndarray:
    """The drawn part of a (n_out, n_in) matrix from `column` to the next one."""
    rows = len(layout.labels[column + 1]) if column + 1 < len(layout.labels) - 1 else w.shape[0]
    if column == 0:
        return _spread(w[:rows], active, len(layout.labels[0]))
    return w[:rows, :len(layout.labels[column])]


def micro_layout(layout: NetworkLayout, trace: PointTrace, head: tuple[str, ...],
                 active: list[int]) -> NetworkLayout:
    """The snapshot's layout with the output column as the head's units and their weights."""
    labels = (*layout.labels[:-1], head)
    base = NetworkLayout(layout.titles, labels, layout.weights, layout.more)
    weights = (*layout.weights[:-1], _cut(trace.layers[-1].weight, base, len(labels) - 2, active))
    return NetworkLayout(layout.titles, labels, weights, layout.more)


def reached(n_layers: int, cursor: int) -> list[bool]:
    """Which dense layers (input to output) the backward pass has reached after `cursor` steps."""
    return [j >= n_layers - cursor for j in range(n_layers)]


def neuron_numbers(trace: PointTrace, layout: NetworkLayout, active: list[int],
                   cursor: int) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Per drawn neuron: the short lines under its box and its full hover text."""
    lines: dict[str, list[str]] = {}
    tips: dict[str, str] = {}
    first = trace.layers[0]
    for k, feature in enumerate(active):
        label = layout.labels[0][feature]
        lines[label] = [f"x {fmt(first.x[k])}"]
        tips[label] = f"{label} = {first.x[k]:.4g} for this point"
    hit = reached(len(trace.layers), cursor)
    for j, layer in enumerate(trace.layers):
        for o, label in enumerate(layout.labels[j + 1]):
            rows = [f"z {fmt(layer.z[o])}", f"a {fmt(layer.a[o])}"]
            tip = (f"{label}: z = w·x + b = {layer.z[o]:.4g}, a = {layer.activation}(z) = "
                   f"{layer.a[o]:.4g}, ∂a/∂z = {layer.slope[o]:.4g}")
            if hit[j]:
                rows.append(f"∂L/∂z {fmt(layer.grad_z[o])}")
                tip += (f"; ∂L/∂a = {layer.grad_a[o]:.4g}, ∂L/∂z = {layer.grad_z[o]:.4g} "
                        f"(= ∂L/∂b, its bias's gradient)")
            lines[label], tips[label] = rows, tip + ". Click to choose its bias."
    return lines, tips


def micro_payload(trace: PointTrace, layout: NetworkLayout, *, active: list[int], cursor: int,
                  selected: tuple[int, int, int | None] | None,
                  point: tuple[float, float] | None,
                  extent: tuple[float, float, float, float]) -> dict:
    """What the painter adds in microscope mode (JSON): numbers per neuron, ∂L/∂w per edge of
    the layers reached, the selected edge or bias, the point's place on the big map."""
    lines, tips = neuron_numbers(trace, layout, active, cursor)
    hit = reached(len(trace.layers), cursor)
    grads = [[[None if not np.isfinite(v) else round(float(v), 6) for v in row]
              for row in _cut(layer.grad_w, layout, j, active)] if hit[j] else None
             for j, layer in enumerate(trace.layers)]
    edge = neuron = None
    if selected is not None:
        j, o, i = selected
        if i is None:
            neuron = layout.labels[j + 1][o] if o < len(layout.labels[j + 1]) else None
        else:
            edge = [j, o, active[i] if j == 0 else i]
    x0, x1, y0, y1 = extent
    marker = None
    if point is not None:
        marker = [float(np.clip((point[0] - x0) / (x1 - x0), 0, 1)),
                  float(np.clip(1 - (point[1] - y0) / (y1 - y0), 0, 1))]
    return {"stage": "backward" if cursor else "forward", "grads": grads, "lines": lines,
            "tips": tips, "edge": edge, "neuron": neuron, "marker": marker,
            "extent": [float(v) for v in extent]}


def edge_param(column: int, out: int, inp: int, active: list[int]) -> tuple[int, int, int]:
    """A painter edge (column, out, in over the drawn column) as (layer, out, in) of the trace."""
    return column, out, active.index(inp) if column == 0 else inp


def chain_rule_text(rule, next_labels: tuple[str, ...] = (), shown: int = 4) -> list[str]:
    """The chain-rule lines for one weight (or bias) with the actual numbers, e.g.
    `∂L/∂w = ∂L/∂a · ∂a/∂z · x = 0.31 · 0.82 · (-1.2) = -0.305`; for a hidden neuron, where
    its ∂L/∂a came from (the next layer's ∂L/∂z through the weights); autograd's own value."""
    def f(v: float) -> str:
        text = fmt(v)
        return f"({text})" if text.startswith("-") else text

    lines = []
    if rule.inp is None:
        lines.append(f"∂L/∂b = ∂L/∂a · ∂a/∂z · 1 = {fmt(rule.grad_a)} · {f(rule.slope)} · 1 = "
                     f"{fmt(rule.product)}")
    else:
        lines.append(f"∂L/∂w = ∂L/∂a · ∂a/∂z · x = {fmt(rule.grad_a)} · {f(rule.slope)} · "
                     f"{f(rule.x)} = {fmt(rule.product)}")
    if rule.sources:
        terms = [f"{f(g)} · {f(w)}" for _, g, w in rule.sources[:shown]]
        more = len(rule.sources) - shown
        total = sum(g * w for _, g, w in rule.sources)
        names = ", ".join(next_labels[:shown]) + (", …" if more > 0 else "")
        lines.append(f"∂L/∂a = Σ ∂L/∂z · w over {names} = " + " + ".join(terms)
                     + (f" + … ({more} more)" if more > 0 else "") + f" = {fmt(total)}")
    lines.append(f"(torch autograd: {rule.autograd:.6g})")
    return lines


def chain_rule_legend(rule, *, into: str, source: str, activation: str) -> str:
    """What each factor of the chain-rule line is, in words."""
    what = (f"x is {source}, the input this weight multiplies" if rule.inp is not None
            else "a bias always multiplies 1")
    return (f"∂L/∂a: how the loss changes with {into}'s activation a = {activation}(z); "
            f"∂a/∂z: the slope of {activation} at z; {what}.")


def loss_text(trace: PointTrace, names: tuple[str, ...]) -> list[str]:
    """How the loss of the point and its gradient at the output come about, with numbers
    (`names`: one per output unit, e.g. the class names)."""
    a, t, L = trace.layers[-1].a, trace.target, trace.loss
    g = trace.layers[-1].grad_a
    vec = lambda v: "[" + ", ".join(fmt(x) for x in v) + "]"   # noqa: E731
    if trace.loss_name == "tfp_squared":
        return [f"L = ½(a − t)² = ½({fmt(a[0])} − {fmt(t[0])})² = {fmt(L)}",
                f"∂L/∂a = a − t = {fmt(g[0])}"]
    if trace.loss_name == "mse" and len(a) == 1:
        return [f"L = (a − t)² = ({fmt(a[0])} − {fmt(t[0])})² = {fmt(L)}",
                f"∂L/∂a = 2(a − t) = {fmt(g[0])}"]
    if trace.loss_name == "cross_entropy":
        c = int(trace.label)
        return [f"p = softmax(z) = {vec(trace.prediction)} over {', '.join(names)}",
                f"L = −log p[{names[c]}] = −log {fmt(trace.prediction[c])} = {fmt(L)}",
                f"∂L/∂z = p − (1 for the target class, else 0) = {vec(g)}"]
    return [f"L = {trace.loss_name.replace('_', ' ')} of output {vec(a)} against target "
            f"{vec(t)} = {fmt(L)}", f"∂L/∂a (autograd) = {vec(g)}"]
