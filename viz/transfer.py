"""Transfer learning's pictures: fine-tuned and from-scratch accuracy curves overlaid, the
sweep over examples per class, and the first layer's filters before and after fine-tuning on
one shared colour scale (so a change shows as a change of colour). Numpy in, figure or RGB
pixels out (no torch, no streamlit)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from viz.images import enlarge, mosaic
from viz.palette import diverging
from viz.tables import COLOURS, _layout

TRANSFER, SCRATCH = "fine-tuned", "from scratch"
COLOUR = {TRANSFER: COLOURS[1], SCRATCH: COLOURS[0]}


def _range(*series: np.ndarray) -> list[float]:
    lo = min(float(np.nanmin(s)) for s in series)
    return [max(0.0, lo - 0.05), 1.01]


def plot_transfer_curves(steps: np.ndarray, transfer: np.ndarray, scratch: np.ndarray,
                         per_class: int) -> go.Figure:
    """Test accuracy against weight updates: the fine-tuned model and the one from scratch."""
    fig = go.Figure()
    for name, acc in ((TRANSFER, transfer), (SCRATCH, scratch)):
        fig.add_trace(go.Scatter(x=np.asarray(steps).tolist(), y=np.asarray(acc).tolist(),
                                 mode="lines", name=f"{name}: {float(acc[-1]):.1%}",
                                 line=dict(width=3, color=COLOUR[name],
                                           dash=None if name == TRANSFER else "dot")))
    fig.update_yaxes(range=_range(transfer, scratch), tickformat=".0%")
    return _layout(fig, f"Test accuracy, {per_class} training images per class",
                   "weight updates", "test accuracy")


def plot_transfer_sweep(sizes: Sequence[int], transfer: np.ndarray,
                        scratch: np.ndarray) -> go.Figure:
    """Final test accuracy against examples per class (log axis): the mean over seeds as a
    line, every seed as a faint dot."""
    fig = go.Figure()
    x = list(sizes)
    for name, acc in ((TRANSFER, np.asarray(transfer)), (SCRATCH, np.asarray(scratch))):
        colour = COLOUR[name]
        fig.add_trace(go.Scatter(x=x, y=np.nanmean(acc, axis=1).tolist(), mode="lines+markers",
                                 name=name, line=dict(width=3, color=colour,
                                                      dash=None if name == TRANSFER else "dot")))
        fig.add_trace(go.Scatter(x=np.repeat(x, acc.shape[1]).tolist(),
                                 y=acc.reshape(-1).tolist(), mode="markers",
                                 marker=dict(color=colour, size=6, opacity=0.35),
                                 name=f"{name}, each seed", showlegend=False,
                                 hoverinfo="y"))
    fig.update_xaxes(type="log", tickvals=x, ticktext=[str(s) for s in x])
    fig.update_yaxes(range=_range(transfer, scratch), tickformat=".0%")
    return _layout(fig, "Final test accuracy against training images per class",
                   "training images per class (log scale)", "test accuracy")


def filter_rows(*weights: np.ndarray, tile: int = 40, cols: int = 8) -> list[np.ndarray]:
    """First-layer kernels (out, 1, k, k) of several models, each a row of tiles, all on one
    diverging scale (blue positive, orange negative): same colours mean same weights."""
    limit = max(float(np.abs(w).max()) for w in weights) or 1.0
    return [mosaic([enlarge(diverging(f.sum(axis=0), limit), tile) for f in w],
                   cols=min(cols, len(w)), gap=3) for w in weights]


def filter_change(before: np.ndarray, after: np.ndarray) -> float:
    """Mean absolute change of the weights, as a share of their mean absolute size."""
    return float(np.abs(after - before).mean() / (np.abs(before).mean() or 1.0))
