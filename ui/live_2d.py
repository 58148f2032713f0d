"""The 2D page's live views: boundary, network of neuron maps, curves and numbers.

`draw()` renders one frame from the trainer; the page's fragment calls it every tick while
playing. All model math runs in torch (one probe over the grid gives every neuron's map);
this module only turns those arrays into pixels and SVG.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from datasets import FEATURE_LABELS
from engine.probe import grid_outputs
from engine.train import Trainer
from viz.curves import curves_svg
from viz.network import Column, network_svg
from viz.raster import data_uri, draw_points, neuron_rgb, output_rgb, to_png, upscale

GRID = 50            # neuron maps and boundary are computed on a GRID×GRID lattice
BOUNDARY_PX = 360    # size of the big output map
OUTPUT = "output"


def neuron_names(trainer: Trainer) -> list[str]:
    """Labels for the large-view picker: inputs and every hidden neuron."""
    names = [FEATURE_LABELS[f] for f in trainer.dataset.feature_names]
    for name, child in trainer.model.named_children():
        if hasattr(child, "out_features") and name != "head":
            names += [f"{name} #{j + 1}" for j in range(child.out_features)]
    return names


def _hidden_columns(trainer: Trainer, grid) -> tuple[list[Column], list[np.ndarray | None], dict]:
    """Columns for the inputs and each dense layer, and the weights between them."""
    ds = trainer.dataset
    maps: dict[str, np.ndarray] = {}
    labels = tuple(FEATURE_LABELS[f] for f in ds.feature_names)
    images = []
    for j, label in enumerate(labels):
        maps[label] = grid.inputs[..., j]
        images.append(data_uri(to_png(neuron_rgb(grid.inputs[..., j]))))
    columns = [Column("inputs", labels, tuple(images))]
    weights: list[np.ndarray | None] = []
    for name, child in trainer.model.named_children():
        if name == "head":
            break
        if hasattr(child, "out_features"):                # a dense layer opens a column
            title = f"{name} · {child.out_features} {child.activation_name}"
            labels = tuple(f"{name} #{j + 1}" for j in range(child.out_features))
            columns.append(Column(title, labels, ()))
            weights.append(child.weight.detach().cpu().numpy())
        # the column shows the output after its batch norm / dropout, as the next layer sees it
        out = grid.layers[name]
        labels = columns[-1].labels
        if len(columns) > 1 and out.shape[-1] == len(labels):
            for j, label in enumerate(labels):
                maps[label] = out[..., j]
            columns[-1] = Column(columns[-1].title, labels, tuple(
                data_uri(to_png(neuron_rgb(out[..., j]))) for j in range(out.shape[-1])))
    return columns, weights, maps


def draw(trainer: Trainer, *, show_test: bool, discretize: bool, large: str) -> None:
    """One frame: numbers, output map, network, curves."""
    ds = trainer.dataset
    classification = ds.task == "classification"
    grid = grid_outputs(trainer, GRID)
    columns, weights, maps = _hidden_columns(trainer, grid)
    if large != OUTPUT and large in maps:
        big = upscale(neuron_rgb(maps[large]), BOUNDARY_PX)
        caption = f"{large}: its output over the plane (blue +, orange −)"
    else:
        big = upscale(output_rgb(grid.output, classification=classification,
                                 discretize=discretize), BOUNDARY_PX)
        caption = ("Network output: colour = predicted class, intensity = confidence"
                   if classification else "Network output: predicted value (blue +, orange −)")
    big = draw_points(big, ds.points_train, ds.y_train, ds.extent, classification=classification)
    if show_test:
        big = draw_points(big, ds.points_test, ds.y_test, ds.extent,
                          classification=classification, hollow=True)
    m = trainer.metrics
    # build every payload first, then emit quickly, most important first (research §3.5)
    numbers = (f"**Epoch {trainer.epoch:,}** · batch {trainer.batch_in_epoch}/"
               f"{trainer.batches_per_epoch} · train loss **{m.train_loss:.4f}** · test loss "
               f"**{m.test_loss:.4f}**")
    if classification:
        numbers += f" · train acc **{m.train_acc:.1%}** · test acc **{m.test_acc:.1%}**"
    net = network_svg(columns, weights, selected=large)
    history = trainer.history.as_dict()
    with st.container(key="pg_epoch"):
        st.markdown(numbers)
    if trainer.status == "diverged":
        st.error(trainer.reason, icon="⚠️")
    elif trainer.done:
        st.info(trainer.reason)
    left, right = st.columns([1, 1.5])
    with left.container(key="pg_boundary"):
        st.image(to_png(big), caption=caption, output_format="PNG", width=BOUNDARY_PX)
    with right.container(key="pg_network"):
        st.markdown(f'<div style="overflow-x:auto">{net}</div>', unsafe_allow_html=True)
    c1, c2 = st.columns(2)
    with c1.container(key="pg_loss_curve"):
        st.caption("Loss: train (grey), test (black)")
        st.markdown(curves_svg(history, "loss"), unsafe_allow_html=True)
    if classification:
        with c2.container(key="pg_acc_curve"):
            st.caption("Accuracy: train (grey), test (black)")
            st.markdown(curves_svg(history, "acc"), unsafe_allow_html=True)

