"""The 2D playground's snapshot: one probe over the plane gives every neuron's map.

Every engineered input is offered, as in TF Playground; those switched off are drawn faded.
The model math stays in torch (engine.inspect.probe); what leaves here is numpy.
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
OUTPUT = "output"


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
            names += [f"{name} #{j + 1}" for j in range(child.out_features)]
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
                       resolution: int = GRID) -> PlaygroundSnapshot:
    """Copy one frame's worth of state out of the trainer (call under the session lock)."""
    ds = trainer.dataset
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
    for name, child in trainer.model.named_children():
        if name == "head":
            w = _output_weights(child)
            weights.append(spread(w) if w is not None and not weights else w)
            break
        if hasattr(child, "out_features"):                 # a dense layer opens a column
            titles.append(f"{name} · {child.out_features} {child.activation_name}")
            labels.append(tuple(f"{name} #{j + 1}" for j in range(child.out_features)))
            w = child.weight.detach().cpu().numpy().copy()
            weights.append(spread(w) if not weights else w)
        out = grid.layers.get(name)       # after its batch norm / dropout, as the next layer sees it
        if len(labels) > 1 and out is not None and out.shape[-1] == len(labels[-1]):
            maps.update({label: out[..., j] for j, label in enumerate(labels[-1])})
    titles.append("output")
    labels.append((OUTPUT,))
    return PlaygroundSnapshot(run=run_state(trainer, recorder), grid=grid,
                              layout=NetworkLayout(tuple(titles), tuple(labels), tuple(weights)),
                              maps=maps, inactive=inactive)
