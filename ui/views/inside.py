"""The "inside the network" panel: plain-language diagnostics and per-layer charts over time.

Shared by both pages. It reads the trainer's recorded past under the page's lock (copies
only, a few KB), then diagnoses and draws outside it, one chart per run (the one picked), so
it is cheap enough for the main script body or a slow fragment, not the 10 Hz live one. While
the timeline shows a past moment, diagnostics judge only what was known then and every chart
marks that moment.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from engine.inspect.diagnostics import ERROR, Diagnosis, diagnose
from viz.inside import plot_activation_bands, plot_layer_series, plot_unit_health

if TYPE_CHECKING:
    from ui.session import LabSession

TITLES = {"diverged": "The loss diverged", "flat": "The loss is flat",
          "overfit": "Overfitting", "underfit": "Underfitting",
          "vanishing": "Vanishing gradients", "exploding": "Exploding gradients",
          "dead_relu": "Dead ReLUs", "saturated": "Saturated units",
          "oscillating": "The loss oscillates"}
VIEWS = ("Activations", "Gradients", "Weights", "Updates", "Dead / saturated")
CAPTIONS = {
    "Activations": "Each band holds a share of the layer's outputs on 256 training points "
                   "(darkest: the middle 38%, palest: all). Bands squeezed at ±1 or 0 mean "
                   "saturated or dead units.",
    "Gradients": "How strongly the loss pulls on each layer's weights (log scale). Lines far "
                 "below the others: vanishing gradients; far above: exploding.",
    "Weights": "The size of each layer's weights. Steady growth without limit hints at a "
               "learning rate that is too high or missing L2.",
    "Updates": "How much one step changes each layer, relative to its size (log scale). "
               "Around 1e-3 is healthy; much lower learns slowly, much higher is unstable.",
    "Dead / saturated": "Share of ReLUs that output 0 for every input (solid) and of "
                        "tanh/sigmoid units stuck at their limits (dotted).",
}


def diagnosis_text(d: Diagnosis) -> str:
    """One markdown line: what, where, since when, then what to try."""
    where = f"layer {d.layer}" if d.layer else "whole network"
    return (f"**{TITLES.get(d.code, d.code)}** · {where} · since epoch {d.since_epoch}  \n"
            f"{d.message}  \n**Try:** {d.advice}")


def diagnostics_box(found: list[Diagnosis]) -> None:
    """Errors in red, warnings in amber, or a green all-clear."""
    if not found:
        st.success("No problems spotted: the loss is falling, gradients reach every layer and "
                   "the units are alive.", icon=":material/check_circle:")
    for d in found:
        (st.error if d.severity == ERROR else st.warning)(
            diagnosis_text(d), icon=":material/error:" if d.severity == ERROR
            else ":material/warning:")


def inside_panel(lab: "LabSession", *, charts: bool = True) -> None:
    """Diagnostics and per-layer charts of the lab's recorded past (widget keys: prefix_…).

    With `charts=False` (pages pass it while training) only the diagnostics box is drawn:
    redrawing a plotly chart blocks the browser for a few hundred milliseconds, which made the
    live view stutter and delayed a Pause click by up to a second (bench/browser.py).
    """
    trainer, recorder, key_prefix = lab.trainer, lab.recorder, lab.prefix
    with lab.lock:                               # copies only: the lock is held for microseconds
        record = recorder.layers.view()
        history = trainer.history.as_dict()
        status, epoch = trainer.status, trainer.epoch
        cursor = trainer.position if recorder.rewound else None
        branches = tuple(recorder.branches)
        classification = trainer.objective.classification
        stride, cap = recorder.layers.stride, recorder.layers.cap
    now = math.inf if cursor is None else cursor
    known = {k: v[history["epoch"] <= now] for k, v in history.items()}
    with st.container(key=f"{key_prefix}_diagnostics"):
        diagnostics_box(diagnose(known, record.upto(now), status=status, epoch=epoch,
                                 classification=classification))
    if len(record) < 2:
        st.caption("The layer charts appear after a few recorded epochs: press Play or Step.")
        return
    if not charts:
        st.caption("Pause to see each layer's activations, gradients, weights and updates "
                   "over time (the diagnostics above stay live).")
        return
    view = st.radio("Inside the network", VIEWS, horizontal=True, key=f"{key_prefix}_inside_view",
                    label_visibility="collapsed")
    marks = dict(cursor=cursor, branches=branches)
    if view == "Activations":
        names = [n for i, n in enumerate(record.names)
                 if np.isfinite(record.percentiles[:, i]).any()]
        layer = st.selectbox("Layer", names, key=f"{key_prefix}_inside_layer")
        fig = plot_activation_bands(record, layer or names[0], **marks)
    elif view == "Dead / saturated":
        fig = plot_unit_health(record, **marks)
    else:
        field = {"Gradients": "grad_norm", "Weights": "weight_norm",
                 "Updates": "update_ratio"}[view]
        fig = plot_layer_series(record, field, **marks)
    st.plotly_chart(fig, key=f"{key_prefix}_inside_chart", config={"displaylogo": False})
    st.caption(CAPTIONS[view] + f" Recorded every {stride} epoch(s), "
               f"{len(record)} rows kept at most {cap}.")
