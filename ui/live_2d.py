"""The 2D page's live views: boundary, network of neuron maps, curves and numbers.

A frame is taken in two steps so training never waits for drawing: `capture()` copies what the
views need out of the trainer (one probe over the grid gives every neuron's map; the model math
stays in torch) and must run under the session's lock; `draw()` renders that copy without it.
Two renderers: the in-browser painter (default; uint8 maps → canvas) and server-side PNG.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np
import streamlit as st

from datasets import FEATURE_LABELS, FEATURES, apply_features, make_grid
from datasets.base import Dataset
from engine.probe import grid_outputs
from engine.snapshot import GridOutputs
from engine.train import EpochMetrics, Trainer
from ui.timeline_control import timeline_marks
from viz.curves import curves_svg
from viz.live_payload import (NetworkLayout, b64, frame_payload, neuron_map, output_map,
                               points_payload)
from viz.network import Column, network_svg
from viz.raster import data_uri, draw_points, neuron_rgb, output_rgb, to_png, upscale

GRID = 50            # neuron maps and boundary are computed on a GRID×GRID lattice
BOUNDARY_PX = 360    # size of the big output map
OUTPUT = "output"
RENDERERS = ("canvas", "png")


@dataclass(frozen=True)
class Frame:
    """A copy of everything one frame shows, safe to read while training goes on."""

    epoch: int
    batch_in_epoch: int
    batches_per_epoch: int
    status: str
    reason: str
    done: bool
    lr: float
    metrics: EpochMetrics
    history: dict[str, np.ndarray]
    grid: GridOutputs
    layout: NetworkLayout            # inputs, hidden layers, output
    maps: dict[str, np.ndarray]      # neuron label → (R, R) values, inputs and hidden neurons
    inactive: tuple[str, ...] = ()   # input features offered but switched off (drawn faded)
    branches: tuple[float, ...] = () # epochs where the run was forked from the past
    cursor: float | None = None      # the moment shown, when the timeline looks back


def neuron_names(trainer: Trainer) -> list[str]:
    """Labels for the large-view picker: inputs and every hidden neuron."""
    names = [FEATURE_LABELS[f] for f in trainer.dataset.feature_names]
    for name, child in trainer.model.named_children():
        if hasattr(child, "out_features") and name != "head":
            names += [f"{name} #{j + 1}" for j in range(child.out_features)]
    return names


@lru_cache(maxsize=16)
def _all_inputs(extent: tuple[float, ...], resolution: int) -> np.ndarray:
    """Every engineered input over the grid: fixed per plane, so computed once, read-only."""
    points, _, _ = make_grid(extent, resolution)
    every = apply_features(points, tuple(FEATURES)).reshape(resolution, resolution, -1)
    every.setflags(write=False)
    return every


def _output_weights(head, n_classes: int) -> np.ndarray | None:
    """Edges into the single output node: what pushes the output towards blue (+)."""
    w = head.weight.detach().cpu().numpy()
    if w.shape[0] == 1:
        return w.copy()
    if w.shape[0] == 2:                         # two classes: logit(blue) − logit(orange)
        return (w[1:2] - w[0:1]).copy()
    return None                                 # 3+ classes: no single direction to draw


def capture(trainer: Trainer, resolution: int = GRID) -> Frame:
    """Copy one frame's worth of state out of the trainer (call under the session lock)."""
    ds = trainer.dataset
    grid = grid_outputs(trainer, resolution)
    # every engineered input is offered, as in TF Playground; those switched off are faded
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
            w = _output_weights(child, ds.n_classes)
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
    m = trainer.metrics
    branches, cursor = timeline_marks(trainer)
    return Frame(epoch=trainer.epoch, batch_in_epoch=trainer.batch_in_epoch,
                 batches_per_epoch=trainer.batches_per_epoch, status=trainer.status,
                 reason=trainer.reason, done=trainer.done, lr=trainer.lr,
                 metrics=m, history=trainer.history.as_dict(), grid=grid,
                 layout=NetworkLayout(tuple(titles), tuple(labels), tuple(weights)), maps=maps,
                 branches=branches, cursor=cursor, inactive=inactive)


def _numbers(frame: Frame, classification: bool, playing: bool) -> str:
    m = frame.metrics
    state = "▶ Training" if playing and not frame.done else "■ Paused"
    text = (f"{state} · **Epoch {frame.epoch:,}** · batch {frame.batch_in_epoch}/"
            f"{frame.batches_per_epoch} · train loss **{m.train_loss:.4f}** · test loss "
            f"**{m.test_loss:.4f}**")
    if classification:
        text += f" · train acc **{m.train_acc:.1%}** · test acc **{m.test_acc:.1%}**"
    return text + f" · lr {frame.lr:g}"


def _caption(large: str, classification: bool) -> str:
    if large != OUTPUT:
        return f"{large}: its output over the plane (blue +, orange −). Click the map for the output."
    return ("Network output: colour = predicted class, intensity = confidence. Click a neuron "
            "to see its map here." if classification else
            "Network output: predicted value (blue +, orange −). Click a neuron to see its map here.")


def _png_views(frame: Frame, ds: Dataset, *, show_test: bool, discretize: bool,
               large: str) -> tuple[bytes, str]:
    """Server-side rendering: the big map as PNG bytes and the network as an SVG string."""
    classification = ds.task == "classification"
    if large != OUTPUT and large in frame.maps:
        big = upscale(neuron_rgb(frame.maps[large]), BOUNDARY_PX)
    else:
        big = upscale(output_rgb(frame.grid.output, classification=classification,
                                 discretize=discretize), BOUNDARY_PX)
    big = draw_points(big, ds.points_train, ds.y_train, ds.extent, classification=classification)
    if show_test:
        big = draw_points(big, ds.points_test, ds.y_test, ds.extent,
                          classification=classification, hollow=True)
    out_small = output_rgb(frame.grid.output, classification=classification, discretize=discretize)
    columns = []
    for title, labels in zip(frame.layout.titles, frame.layout.labels):
        images = tuple(data_uri(to_png(out_small if label == OUTPUT
                                       else neuron_rgb(frame.maps[label]))) for label in labels)
        columns.append(Column(title, labels, images))
    return to_png(big), network_svg(columns, list(frame.layout.weights), selected=large)


def _painter_payload(frame: Frame, ds: Dataset, *, show_test: bool, discretize: bool,
                     large: str, serial: int) -> dict:
    classification = ds.task == "classification"
    output = output_map(frame.grid.output, classification=classification, discretize=discretize)
    big = output
    if large != OUTPUT and large in frame.maps:
        big = {"mode": "signed", "map": b64(neuron_map(frame.maps[large]))}
    points = [points_payload(ds.points_train, ds.y_train, ds.extent, classification=classification)]
    if show_test:
        points.append({**points_payload(ds.points_test, ds.y_test, ds.extent,
                                        classification=classification), "hollow": True})
    payload = frame_payload(frame=serial, resolution=frame.grid.resolution, maps=frame.maps,
                            big=big, caption=_caption(large, classification), points=points,
                            layout=frame.layout, selected=large, size=BOUNDARY_PX)
    return {**payload, "inactive": list(frame.inactive), "output": output}


def draw(frame: Frame, ds: Dataset, *, show_test: bool, discretize: bool, large: str,
         playing: bool = False, renderer: str = "canvas", serial: int = 0,
         on_select: Callable[[], None] | None = None,
         on_feature: Callable[[], None] | None = None) -> None:
    """Render one frame: numbers, output map and network, curves (no lock needed)."""
    classification = ds.task == "classification"
    numbers = _numbers(frame, classification, playing)
    # build every payload first, then emit quickly, most important first (research §3.5)
    if renderer == "png":
        png, net = _png_views(frame, ds, show_test=show_test, discretize=discretize, large=large)
    else:
        payload = _painter_payload(frame, ds, show_test=show_test, discretize=discretize,
                                   large=large, serial=serial)
    with st.container(key="pg_epoch"):
        st.markdown(numbers)
    if frame.status == "diverged":
        st.error(frame.reason, icon="⚠️")
    elif frame.done:
        st.info(frame.reason)
    if renderer == "png":
        left, right = st.columns([1, 1.5])
        with left.container(key="pg_boundary"):
            st.image(png, caption=_caption(large, classification), output_format="PNG",
                     width=BOUNDARY_PX)
        with right.container(key="pg_network"):
            st.markdown(f'<div style="overflow-x:auto">{net}</div>', unsafe_allow_html=True)
    else:
        from ui.painter import live_painter
        with st.container(key="pg_live_view"):
            live_painter(payload, key="pg_painter", on_select=on_select or (lambda: None),
                         on_feature=on_feature or (lambda: None))
    c1, c2 = st.columns(2)
    with c1.container(key="pg_loss_curve"):
        st.caption("Loss: train (grey), test (black)")
        st.markdown(curves_svg(frame.history, "loss", markers=frame.branches, cursor=frame.cursor), unsafe_allow_html=True)
    if classification:
        with c2.container(key="pg_acc_curve"):
            st.caption("Accuracy: train (grey), test (black)")
            st.markdown(curves_svg(frame.history, "acc", markers=frame.branches, cursor=frame.cursor), unsafe_allow_html=True)
