"""Inside the network over training: one plotly figure per view of a LayerRecord.

Numpy in, figure out. Per layer over epochs: the activation distribution as nested percentile
bands (TensorBoard's distributions), the gradient norm on a log axis (vanishing and exploding
gradients show as lines far apart), the weight norm, the update/weight ratio (log, with the
~1e-3 rule of thumb) and the share of dead or saturated units. Every figure can mark the
moment being viewed (solid) and the points where the run was branched (dashed). Fonts are
projector-sized.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from engine.snapshot import LayerRecord
from engine.snapshot import PERCENTILES

FONT = 14                   # readable from the back of a classroom
HEIGHT = 320
FLOOR = 1e-12               # zeros (dead layers) are drawn here on log axes, not dropped
GOOD_UPDATE = 1e-3          # Karpathy's rule of thumb for ‖Δθ‖/‖θ‖ per step
DEAD_LINE = 1 / 3           # the diagnostics' dead-ReLU threshold
CURSOR_COLOUR, BRANCH_COLOUR = "#0877bd", "#d62728"
BAND_COLOUR = "8, 119, 189"   # TF Playground blue, as r, g, b for rgba fills

SERIES = {   # field -> (title, y-axis label, log axis)
    "grad_norm": ("Gradient norm per layer", "‖∂loss/∂θ‖", True),
    "weight_norm": ("Weight norm per layer", "‖θ‖", False),
    "update_ratio": ("Update size per step, relative to the weights", "‖Δθ‖ / ‖θ‖", True),
}


def layer_colours(n: int) -> list[str]:
    """Input side light, output side dark, so depth reads at a glance."""
    return sample_colorscale("Viridis", list(np.linspace(0.85, 0.0, n))) if n > 1 else ["#440154"]


def _layout(fig: go.Figure, title: str, y_title: str, *, log: bool = False,
            y_range: list[float] | None = None) -> go.Figure:
    fig.update_layout(title=dict(text=title, font=dict(size=FONT + 2)), height=HEIGHT,
                      font=dict(size=FONT), margin=dict(l=60, r=20, t=50, b=50),
                      legend=dict(font=dict(size=FONT)), hovermode="x unified",
                      xaxis_title="epoch", yaxis_title=y_title)
    if log:
        fig.update_yaxes(type="log", exponentformat="power")
    if y_range is not None:
        fig.update_yaxes(range=y_range)
    return fig


def add_markers(fig: go.Figure, cursor: float | None = None,
                branches: Sequence[float] = ()) -> go.Figure:
    """Solid line at the moment being viewed, dashed lines where the run was branched."""
    for b in branches:
        fig.add_vline(x=float(b), line=dict(color=BRANCH_COLOUR, dash="dash", width=2),
                      annotation=dict(text="branch", font=dict(size=FONT, color=BRANCH_COLOUR)),
                      annotation_position="top left")
    if cursor is not None:
        fig.add_vline(x=float(cursor), line=dict(color=CURSOR_COLOUR, width=3),
                      annotation=dict(text="viewing", font=dict(size=FONT, color=CURSOR_COLOUR)),
                      annotation_position="top right")
    return fig


def plot_activation_bands(record: LayerRecord, layer: str, *, cursor: float | None = None,
                          branches: Sequence[float] = ()) -> go.Figure:
    """One layer's output distribution over epochs: nested percentile bands and the median."""
    i = record.index(layer)
    x, p = record.epochs, record.percentiles[:, i, :]          # (n,), (n, len(PERCENTILES))
    fig = go.Figure()
    k = len(PERCENTILES)
    for j in range(k // 2):                                    # outer band first, inner last
        lo, hi = PERCENTILES[j], PERCENTILES[k - 1 - j]
        alpha = 0.12 + 0.16 * j
        fig.add_trace(go.Scatter(x=x, y=p[:, j], mode="lines", line=dict(width=0),
                                 showlegend=False, hoverinfo="skip", name=f"p{lo}"))
        fig.add_trace(go.Scatter(x=x, y=p[:, k - 1 - j], mode="lines", line=dict(width=0),
                                 fill="tonexty", fillcolor=f"rgba({BAND_COLOUR}, {alpha})",
                                 name=f"{lo}–{hi}th percentile", hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=x, y=p[:, k // 2], mode="lines", name="median",
                             line=dict(color=f"rgb({BAND_COLOUR})", width=2.5)))
    act = record.activations[i] or "no activation"
    _layout(fig, f"{layer} ({record.kinds[i]}, {act}): distribution of its outputs",
            "output value")
    return add_markers(fig, cursor, branches)


def plot_layer_series(record: LayerRecord, field: str, *, cursor: float | None = None,
                      branches: Sequence[float] = ()) -> go.Figure:
    """One line per layer of `field` (see SERIES) over epochs."""
    title, y_title, log = SERIES[field]
    values = getattr(record, field)                            # (n, layers)
    fig = go.Figure()
    colours = layer_colours(len(record.names))
    for i, name in enumerate(record.names):
        y = values[:, i]
        if not np.isfinite(y).any():
            continue                                           # a layer without weights
        shown = np.where(y > 0, y, FLOOR) if log else y
        fig.add_trace(go.Scatter(x=record.epochs, y=shown, customdata=y, mode="lines",
                                 name=name, line=dict(color=colours[i], width=2.5),
                                 hovertemplate=f"{name}: %{{customdata:.3g}}<extra></extra>"))
    if field == "update_ratio":
        fig.add_hline(y=GOOD_UPDATE, line=dict(color="#888", dash="dot"),
                      annotation=dict(text="≈ healthy (1e-3)", font=dict(size=FONT)))
    _layout(fig, title, y_title, log=log)
    return add_markers(fig, cursor, branches)


def plot_unit_health(record: LayerRecord, *, cursor: float | None = None,
                     branches: Sequence[float] = ()) -> go.Figure:
    """Share of dead ReLUs (solid) and saturated tanh/sigmoid units (dotted) per layer."""
    fig = go.Figure()
    colours = layer_colours(len(record.names))
    for field, label, dash in (("dead", "dead", "solid"), ("saturated", "saturated", "dot")):
        values = getattr(record, field)
        for i, name in enumerate(record.names):
            if np.isfinite(values[:, i]).any():
                fig.add_trace(go.Scatter(x=record.epochs, y=values[:, i], mode="lines",
                                         name=f"{name} {label}",
                                         line=dict(color=colours[i], width=2.5, dash=dash)))
    fig.add_hline(y=DEAD_LINE, line=dict(color="#888", dash="dot"),
                  annotation=dict(text="one third", font=dict(size=FONT)))
    _layout(fig, "Dead ReLUs and saturated units", "share of the layer's units",
            y_range=[0, 1.02])
    return add_markers(fig, cursor, branches)
