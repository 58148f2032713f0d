"""The 2D playground's snapshot: one probe over the plane gives every neuron's map.

Every engineered input is offered, as in TF Playground; those switched off are drawn faded.
The model math stays in torch (engine.inspect.probe); what leaves here is numpy.

A frame must stay cheap whatever network the sidebar builds (8 layers of 256 would be 2,048
maps and half a million edges, seconds per frame): each layer shows its first SHOWN_NEURONS
neurons (its title says how many more it has), and the grid gets coarser, down to MIN_GRID,
when the network's multiply-adds per point would make one probe cost more than GRID_MACS.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from engine.data import FEATURE_LABELS, FEATURES, apply_features, make_grid
from engine.inspect.probe import grid_outputs
from engine.inspect.run import run_state
from engine.snapshot import NetworkLayout, PlaygroundSnapshot

if TYPE_CHECKING:
    from engine.record.recorder import Recorder
    from engine.train.trainer import Trainer

GRID = 50            # neuron maps and the output map are computed on a GRID×GRID lattice
MIN_GRID = 20        # ... or a coarser one for heavy networks, never below this
GRID_MACS = 100e6    # multiply-adds one grid probe may cost (~10 ms on one core)
SHOWN_NEURONS = 16   # neurons drawn per layer (TF Playground allows 8)
OUTPUT = "output"


def grid_resolution(plan) -> int:
    """The finest grid whose probe costs at most GRID_MACS for this network (from the plan)."""
    per_point = max(sum(row.macs for row in plan), 1)
    return int(min(GRID, max(MIN_GRID, (GRID_MACS / per_point) ** 0.5)))


@lru_cache(maxsize=16)
def _all_inputs(extent: tuple[float, ...], resolution: int) -> np.ndarray:
    """Every engineered input over the grid: fixed per plane, so computed once, read-only."""
    points, _, _ = make_grid(extent, resolution)
    every = apply_features(points, tuple(FEATURES)).reshape(resolution, resolution, -1)
    every.setflags(write=False)
    return every


def neuron_labels(trainer: "Trainer") -> list[str]:
    """Labels of the input and hidden neurons, in the order the network view draws them."""
    names = [FEATURE_LABELS[f] for f in trainer.dataset.feature_names]
    for name, child in trainer.model.named_children():
        if hasattr(child, "out_features") and name != "head":
            names += [f"{name} #{j + 1}" for j in range(min(child.out_features, SHOWN_NEURONS))]
    return names


def _output_weights(head) -> np.ndarray | None:
    """Edges into the single output node: what pushes the output towards blue (+)."""
    w = head.weight.detach().cpu().numpy()
    if w.shape[0] == 1:
        return w.copy()
    if w.shape[0] == 2:                         # two classes: logit(blue) − logit(orange)
        return (w[1:2] - w[0:1]).copy()
    return None                                 # 3+ classes: no single direction to draw


def capture_playground(trainer: "Trainer", recorder: "Recorder | None" = None,
                       resolution: int | None = None) -> PlaygroundSnapshot:
    """Copy one frame's worth of state out of the trainer (call under the session lock).

    `resolution` defaults to the finest grid this network can afford (grid_resolution)."""
    ds = trainer.dataset
    resolution = resolution or grid_resolution(trainer.plan)
    grid = grid_outputs(trainer, resolution)
    names = tuple(FEATURES)
    every = _all_inputs(tuple(ds.extent), resolution)
    labels = [tuple(FEATURE_LABELS[f] for f in names)]
    active = [names.index(f) for f in ds.feature_names]
    titles = ["inputs"]
    maps = {label: every[..., j] for j, label in enumerate(labels[0])}
    inactive = tuple(FEATURE_LABELS[f] for f in names if f not in ds.feature_names)

    def spread(w: np.ndarray) -> np.ndarray:
        """Weights from the active inputs, placed in the full input column (NaN: no edge)."""
        full = np.full((w.shape[0], len(names)), np.nan)
        full[:, active] = w
        return full

    weights: list[np.ndarray | None] = []
    more = [0]                            # neurons not drawn, per column
    shown_in = len(active)                # neurons drawn in the previous column
    width = 0                             # all neurons of the last dense layer
    for name, child in trainer.model.named_children():
        if name == "head":
            w = _output_weights(child)
            if w is not None:
                w = spread(w) if not weights else w[:, :shown_in]
            weights.append(w)
            break
        if hasattr(child, "out_features"):                 # a dense layer opens a column
            width, shown = child.out_features, min(child.out_features, SHOWN_NEURONS)
            titles.append(f"{name} · {width} {child.activation_name}")
            more.append(width - shown)
            labels.append(tuple(f"{name} #{j + 1}" for j in range(shown)))
            w = child.weight.detach()[:shown].cpu().numpy().copy()
            weights.append(spread(w) if not weights else w[:, :shown_in])
            shown_in = shown
        out = grid.layers.get(name)   # after its batch norm / dropout, as the next layer sees it
        if len(labels) > 1 and out is not None and out.shape[-1] == width:
            maps.update({label: out[..., j] for j, label in enumerate(labels[-1])})
    titles.append("output")
    labels.append((OUTPUT,))
    more.append(0)
    return PlaygroundSnapshot(run=run_state(trainer, recorder), grid=grid,
                              layout=NetworkLayout(tuple(titles), tuple(labels), tuple(weights),
                                                   tuple(more)),
                              maps=maps, inactive=inactive)
