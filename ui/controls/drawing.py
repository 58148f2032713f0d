"""Draw your own 2D data (issue #13): the 2D playground's "draw" set, edited by clicks.

A click on the big map arrives from the painter as {"id", "xy", "erase"} (data coordinates)
and changes the drawing in the session key the sidebar's other data settings sit beside
(`pg_data_drawn`), once per click id, then asks for a full rerun so the new data trains, as
the GAN lab's drawn target does. The chosen colour (or Erase) sits right above the map, with
Undo (of any change, erasing included), Clear and the example drawing.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from datasets.drawn import MAX_DRAWN, add_point, drawing_problem, erase_point, parse_drawn
from engine.spec.drawing import draws, example, regression
from ui.controls.playground import k

MODES = ("orange", "blue", "erase")     # class 0, class 1, remove the nearest point
VALUE_MODES = ("value", "erase")        # regression: add a point of the chosen value
MODE_LABELS = {"orange": ":orange[⬤] Orange", "blue": ":blue[⬤] Blue",
               "erase": "✕ Erase", "value": "Add a value"}
UNDO_DEPTH = 50                         # changes Undo remembers


def drawing_on() -> bool:
    """True while the 2D playground's data is the student's drawing."""
    return draws(st.session_state.get(k("data_dataset"), ""))


def _values() -> bool:
    """True for "Draw your own values" (regression): a click adds a value, not a class."""
    return regression(st.session_state[k("data_dataset")])


def _drawing() -> str:
    return st.session_state.get(k("data_drawn")) or ""


def _change(text: str) -> None:
    """Make `text` the drawing, remembering the old one for Undo."""
    old = _drawing()
    if text == old:
        return
    history = st.session_state.setdefault(k("draw_undo"), [])
    history.append(old)
    del history[:-UNDO_DEPTH]
    st.session_state[k("data_drawn")] = text


def apply_click(event: object) -> bool:
    """Apply one click from the map ({"id", "xy": [x, y], "erase": shift held}) once per id;
    True when the drawing changed. A broken event (a hostile or stale value) does nothing."""
    if not isinstance(event, dict) or event.get("id") == st.session_state.get(k("draw_click")):
        return False
    st.session_state[k("draw_click")] = event.get("id")
    xy = event.get("xy")
    try:
        x, y = (float(v) for v in xy)
    except (TypeError, ValueError):
        return False
    values = _values()
    mode = st.session_state.get(k("draw_mode_values" if values else "draw_mode")) or "value"
    old = _drawing()
    if mode == "erase" or event.get("erase"):
        new = erase_point(old, x, y)
    elif values:
        new = add_point(old, x, y, st.session_state.get(k("draw_value"), 1.0), regression=True)
    else:
        new = add_point(old, x, y, MODES.index(mode) if mode in MODES[:2] else 0)
    _change(new)
    return new != old


def take_click() -> bool:
    """Apply the map's latest click, if it is new; True when the drawing changed. The page
    calls it on every full run too (a click is applied once, however often it is read)."""
    result = st.session_state.get(k("painter"))
    event = dict(result).get("draw") if hasattr(result, "keys") else None
    return drawing_on() and apply_click(event)


def on_draw() -> None:
    """The painter's "draw" trigger: a changed drawing reruns the whole page (new data)."""
    if take_click():
        st.session_state[k("rerun")] = True


def _undo() -> None:
    history = st.session_state.get(k("draw_undo")) or []
    if history:
        st.session_state[k("data_drawn")] = history.pop()


def pending_points() -> tuple[np.ndarray, np.ndarray, bool] | None:
    """The drawing as it stands when it cannot be trained on yet (too few points, one
    colour), and whether it holds classes: the map shows it anyway, so every click is seen."""
    if not drawing_on() or not drawing_problem(_drawing(), _values()):
        return None
    points, labels, _ = parse_drawn(_drawing(), _values())
    return points, labels, not _values()


def drawing_controls(n_train: int, n_test: int) -> None:
    """The colour (or value) a click adds, or Erase; Undo, Clear and Example; the count."""
    values = _values()
    points, labels, _ = parse_drawn(_drawing(), values)
    cols = st.columns([2.6, 1, 1, 1.2], vertical_alignment="bottom")
    if values:
        left = cols[0].columns([1.3, 1], vertical_alignment="bottom")
        left[0].slider("Value of a new point", -1.0, 1.0, 1.0, 0.1, key=k("draw_value"),
                       help="-1 is orange, +1 blue, 0 white: the number the network must "
                            "predict where you click.")
        left[1].radio("Click", VALUE_MODES, key=k("draw_mode_values"),
                      format_func=MODE_LABELS.get,
                      help="Add a value: a click on the big map adds a point with the value "
                           "set on the left. Erase (or shift-click): removes the nearest.")
    else:
        cols[0].radio("Click on the map adds", MODES, key=k("draw_mode"), horizontal=True,
                      format_func=MODE_LABELS.get,
                      help="Orange or Blue: a click on the big map adds a point of that class. "
                           "Erase (or shift-click): removes the point nearest the click.")
    cols[1].button("Undo", key=k("draw_undo_btn"), on_click=_undo, width="stretch",
                   disabled=not st.session_state.get(k("draw_undo")),
                   help="Take back the last change to your drawing (adding or erasing).")
    cols[2].button("Clear", key=k("draw_clear"), on_click=_change, args=("",),
                   width="stretch", disabled=not len(points),
                   help="Remove every point, then draw your own from scratch.")
    cols[3].button("Example", key=k("draw_example"), on_click=_change,
                   args=(example(st.session_state[k("data_dataset")]),),
                   width="stretch", help="Start again from the example drawing.")
    split = (f" ({n_train} to train, {n_test} to test: rings)"
             if n_train + n_test == len(points) else "")
    counts = np.bincount(labels.astype(int), minlength=2) if not values else None
    kinds = f", {counts[0]} orange and {counts[1]} blue" if counts is not None else ""
    plural = "" if len(points) == 1 else "s"
    st.caption(f"Your drawing: {len(points)} point{plural}{split}{kinds}, at most {MAX_DRAWN}. "
               "Each change trains a new network.")
