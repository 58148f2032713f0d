"""The 2D page's microscope: follow one training point forward and backward (issue #11).

While paused, a student picks a training point (a click on the big map, or at random); the
network view then shows that point's numbers in every drawn neuron, a Backward step moves the
backward pass from the output towards the inputs (∂L/∂w on the edges it has reached), one
weight or bias is chosen (a click on an edge or a neuron) to see its chain rule and to edit it,
and 'Apply this update' takes one SGD step on that point. State lives in session keys under
the lab's prefix; every model access goes through engine.inspect.microscope under the lock.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from datasets import FEATURES
from engine.inspect.microscope import (PointUpdate, apply_point_update, differs_in_eval,
                                       point_trace, set_bias, set_weight)
from engine.snapshot import NetworkLayout, PlaygroundSnapshot, PointTrace
from ui.controls.playground import LAB, k
from ui.messages import show_error
from viz.microscope import edge_param, head_labels, micro_layout, micro_payload

Selection = tuple[int, int, "int | None"]   # (dense layer, neuron, input or None for the bias)
BIAS = -1            # the "From" picker's value for a neuron's bias (None reads as "no choice")


@dataclass(frozen=True)
class MicroFrame:
    """Everything the microscope draws for one frame (numpy and plain values only)."""

    trace: PointTrace
    index: int                        # the point: its row in the training set
    point: tuple[float, float]        # ... and where it lies in the plane
    layout: NetworkLayout             # the network view, with the head's units as outputs
    head: tuple[str, ...]             # labels of the head's units
    active: list[int]                 # which offered inputs feed the network
    cursor: int                       # backward steps taken (0: the forward pass)
    selected: Selection
    payload: dict                     # what the painter adds in microscope mode
    update: PointUpdate | None        # the last one-point update, if any
    lr: float
    class_names: tuple[str, ...]
    notes: tuple[str, ...]            # what differs from training (eval mode, penalty)


def _state(name: str, default=None):
    return st.session_state.get(k("micro_" + name), default)


def _put(**values) -> None:
    for name, value in values.items():
        st.session_state[k("micro_" + name)] = value


def _set_point(index: int) -> None:
    _put(point=int(index), cursor=0, update=None, run=LAB.run_id)


def pick_random() -> None:
    """'Pick a random training point': from the session's own generator, never a global one."""
    trainer = LAB.trainer
    if trainer is None:
        return
    rng = _state("rng")
    if rng is None:
        rng = np.random.default_rng(trainer.spec.seed)
        _put(rng=rng)
    _set_point(rng.integers(len(trainer.dataset.x_train)))


def _active(trainer) -> list[int]:
    names = list(FEATURES)
    return [names.index(f) for f in trainer.dataset.feature_names]


def read_click(event: dict, points: np.ndarray, layout: NetworkLayout | None,
               active: list[int]) -> dict:
    """What a click in microscope mode chose: {"point": the nearest training point} for a click
    on the big map, {"sel": (layer, out, in)} for an edge, {"sel": (layer, out, None)} (its
    bias) for a hidden or output neuron. Anything malformed chooses nothing."""
    chosen: dict = {}
    xy = event.get("point")
    if (isinstance(xy, list) and len(xy) == 2 and all(isinstance(v, (int, float)) for v in xy)
            and len(points)):
        d2 = ((points - np.asarray(xy, dtype=np.float64)) ** 2).sum(axis=1)
        chosen["point"] = int(np.argmin(d2))
    edge = event.get("edge")
    if (isinstance(edge, list) and len(edge) == 3 and layout is not None
            and all(isinstance(v, int) and v >= 0 for v in edge)):
        column, out, inp = edge
        if column < len(layout.labels) - 1 and (column > 0 or inp in active):
            chosen["sel"] = edge_param(column, out, inp, active)
    label = event.get("neuron")
    if isinstance(label, str) and layout is not None:
        for j, column_labels in enumerate(layout.labels[1:]):
            if label in column_labels:
                chosen["sel"] = (j, column_labels.index(label), None)
    return chosen


def on_painter_event() -> None:
    """A click in microscope mode (the painter's "point", "edge" or "neuron" event)."""
    result = st.session_state.get(k("painter"))
    trainer = LAB.trainer
    if trainer is None or not hasattr(result, "keys"):
        return
    chosen = read_click(dict(result), trainer.dataset.points_train, _state("layout"),
                        _active(trainer))
    if "point" in chosen:
        _set_point(chosen["point"])
    if "sel" in chosen:
        _put(sel=chosen["sel"])


def backward_step() -> None:
    _put(cursor=_state("cursor", 0) + 1)


def forward_pass() -> None:
    _put(cursor=0)


def _point(trainer) -> tuple[np.ndarray, float]:
    i = _state("point")
    return trainer.dataset.x_train[i].copy(), trainer.dataset.y_train[i]


def apply_update() -> None:
    """One plain SGD step on the point, at the current learning rate (a fork of the run)."""
    trainer = LAB.trainer
    if trainer is None or _state("point") is None:
        return
    with LAB.lock:
        x, y = _point(trainer)
        update = apply_point_update(trainer, x, y, trainer.lr)
        LAB.recorder.note_edit()
    _put(update=update)
    st.session_state[k("rerun")] = True       # the timeline and the inside panel follow


def set_value() -> None:
    """The chosen weight or bias gets the typed value; maps and loss follow at once."""
    trainer, sel, names = LAB.trainer, _state("sel"), _state("names")
    value = st.session_state.get(k("micro_value"))
    if trainer is None or sel is None or names is None or value is None:
        return
    j, o, i = sel
    try:
        with LAB.lock:
            if i is None:
                set_bias(trainer, names[j], o, value)
            else:
                set_weight(trainer, names[j], o, i, value)
            LAB.recorder.note_edit()
    except ValueError as exc:
        st.session_state[k("micro_error")] = str(exc)
        return
    st.session_state[k("rerun")] = True


def pick_param() -> None:
    """The layer / neuron / input pickers chose a weight (or a bias)."""
    i = st.session_state[k("micro_from")]
    _put(sel=(st.session_state[k("micro_layer")], st.session_state[k("micro_into")],
              None if i == BIAS else i))


def error_note() -> None:
    message = st.session_state.pop(k("micro_error"), None)
    if message:
        show_error(message)


def _clamp(sel: Selection | None, layout: NetworkLayout, active: list[int]) -> Selection:
    """A selection that exists in this network (the first edge into the output otherwise)."""
    n = len(layout.labels) - 1
    if sel is None or not 0 <= sel[0] < n:
        return (n - 1, 0, 0)
    j, o, i = sel
    inputs = len(active) if j == 0 else len(layout.labels[j])
    o = o if 0 <= o < len(layout.labels[j + 1]) else 0
    return (j, o, i if i is None or 0 <= i < inputs else 0)


def microscope_frame(snapshot: PlaygroundSnapshot) -> MicroFrame | None:
    """The microscope's numbers for this frame (takes the lock), or None when it is off."""
    trainer = LAB.trainer
    if trainer is None or LAB.playing or not st.session_state.get(k("micro")):
        return None
    n = len(trainer.dataset.x_train)
    if _state("point") is None or _state("run") != LAB.run_id or _state("point") >= n:
        pick_random()
        _put(sel=None)
    ds, active = trainer.dataset, _active(trainer)
    with LAB.lock:
        x, y = _point(trainer)
        trace = point_trace(trainer, x, y)
        lr, spec, stateful = trainer.lr, trainer.spec, differs_in_eval(trainer.model)
    head = head_labels(len(trace.output), ds.class_names)
    layout = micro_layout(snapshot.layout, trace, head, active)
    cursor = min(_state("cursor", 0), len(trace.layers))
    sel = _clamp(_state("sel"), layout, active)
    point = tuple(float(v) for v in ds.points_train[_state("point")])
    _put(sel=sel, cursor=cursor, layout=layout, names=tuple(t.name for t in trace.layers))
    notes = []
    if stateful:
        notes.append("This network has batch norm or dropout: the microscope runs it in "
                     "evaluation mode (no dropout; batch norm uses its running averages), so "
                     "one point gives one answer. Training sees batch statistics and random "
                     "masks instead.")
    if spec.l1 or spec.l2:
        notes.append("The loss here is this point's own; the L1/L2 penalty that training "
                     "adds is left out.")
    payload = micro_payload(trace, layout, active=active, cursor=cursor, selected=sel,
                            point=point, extent=tuple(ds.extent))
    return MicroFrame(trace, _state("point"), point, layout, head, active, cursor, sel,
                      payload, _state("update"), lr, ds.class_names, tuple(notes))


def microscope_toggle(where, *, playing: bool, renderer: str) -> bool:
    """The switch that turns the network view into the microscope (only while paused)."""
    usable = not playing and renderer == "canvas"
    where.toggle("Microscope", key=k("micro"), disabled=not usable,
                 help="Follow one training point through the network: its numbers in every "
                      "neuron, the backward pass layer by layer, the chain rule for one "
                      "weight, one update on that point, and weights edited by hand. "
                      + ("Pause to use it." if renderer == "canvas" else
                         "It draws in the default view (remove view=png from the link)."))
    return usable and bool(st.session_state.get(k("micro")))
