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

from datasets.drawn import (DEFAULT_DRAWN, MAX_DRAWN, add_point, drawing_problem, erase_point,
                            parse_drawn)
from engine.spec.experiment import DRAW
from ui.controls.playground import k

MODES = ("orange", "blue", "erase")     # class 0, class 1, remove the nearest point
MODE_LABELS = {"orange": ":orange[⬤] Orange", "blue": ":blue[⬤] Blue",
               "erase": "✕ Erase"}
UNDO_DEPTH = 50                         # changes Undo remembers


def drawing_on() -> bool:
    """True while the 2D playground's data is the student's drawing."""
    return st.session_state.get(k("data_dataset")) == DRAW


def _drawing() -> str:
    return st.session_state.get(k("data_drawn"), DEFAULT_DRAWN)


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
    mode = st.session_state.get(k("draw_mode")) or MODES[0]
    old = _drawing()
    if mode == "erase" or event.get("erase"):
        new = erase_point(old, x, y)
    else:
        new = add_point(old, x, y, MODES.index(mode))
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


def pending_points() -> tuple[np.ndarray, np.ndarray] | None:
    """The drawing as it stands when it cannot be trained on yet (too few points, one
    colour): the map shows it anyway, so every click is seen."""
    if not drawing_on() or not drawing_problem(_drawing()):
        return None
    points, labels, _ = parse_drawn(_drawing())
    return points, labels


def drawing_controls(n_train: int, n_test: int) -> None:
    """The colour a click adds (or Erase), Undo, Clear and Example, and how many points."""
    points, labels, _ = parse_drawn(_drawing())
    cols = st.columns([2.6, 1, 1, 1.2], vertical_alignment="bottom")
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
    cols[3].button("Example", key=k("draw_example"), on_click=_change, args=(DEFAULT_DRAWN,),
                   width="stretch", help="Start again from the example drawing.")
    counts = np.bincount(labels, minlength=2)
    split = (f" ({n_train} to train, {n_test} to test: rings)"
             if n_train + n_test == len(points) else "")
    st.caption(f"Your drawing: {len(points)} points{split}, {counts[0]} orange and "
               f"{counts[1]} blue, at most {MAX_DRAWN}. Each change trains a new network.")
