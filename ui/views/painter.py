"""The live painter: a `st.components.v2` component that paints server-computed maps.

Registered once per process: the definition (HTML/CSS/JS text) is immutable, so sharing it
between sessions is safe. Styles are not isolated (no shadow root), so tests and the browser
benchmark can find the canvas with ordinary selectors.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable

import streamlit as st

JS = (Path(__file__).with_name("painter.js")).read_text(encoding="utf-8")
CSS = """
.nnpg { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.nnpg-boundary canvas { display: block; border: 1px solid #ccc; cursor: pointer; }
.nnpg-boundary canvas.drawing { cursor: crosshair; }
.nnpg-caption { font-size: 14px; color: #555; margin-top: 4px; max-width: 360px; }
.nnpg-network { overflow-x: auto; max-width: 100%; }
.nnpg-network g.neuron:hover rect { stroke: #0877bd; stroke-width: 3; }
"""

# What stays the same from frame to frame, sent only when it changes (or when the browser lost
# it: a remount after a visit to another page asks for it again).
STILL = ("lut", "classes", "points", "imaps")

_PAINTER = st.components.v2.component("nnpg_live_painter", js=JS, css=CSS, isolate_styles=False)


def live_painter(payload: dict, *, key: str, on_select: Callable[[], None],
                 on_feature: Callable[[], None],
                 on_micro: Callable[[], None] | None = None,
                 on_draw: Callable[[], None] | None = None) -> None:
    """Mount or update the painter.

    Clicking a hidden neuron (or the big map) calls `on_select`; clicking an input neuron calls
    `on_feature`. Read the values from `st.session_state[key]` ("select": a label; "feature":
    {"label", "id"}). In microscope mode (`payload["micro"]`) a click on the big map, on an
    edge or on a hidden neuron calls `on_micro` instead ("point": [x, y] in data coordinates;
    "edge": [column, out, in]; "neuron": a label). With `payload["draw"]` (the "draw" set) a
    click on the big map calls `on_draw` instead ("draw": {"id", "xy": [x, y] in data
    coordinates, "erase": shift held}).
    """
    micro = on_micro or (lambda: None)
    _PAINTER(data=frame_bytes(payload, key), key=key, on_select_change=on_select,
             on_feature_change=on_feature, on_point_change=micro, on_edge_change=micro,
             on_neuron_change=micro, on_draw_change=on_draw or (lambda: None),
             on_need_change=lambda: _resend(key))


def frame_bytes(payload: dict, key: str) -> bytes:
    """One frame as a JSON text in bytes, with its still parts only when the browser lacks them.

    Bytes because Streamlit forwards them as they are, where a dict is searched value by value
    for data frames (~1.5 ms of CPU per value, every frame) and serialised twice. The still
    parts carry an id ("sid"); the painter keeps the last ones it got and asks for them again
    (trigger "need") when a frame names an id it does not hold.
    """
    still = {name: payload[name] for name in STILL if name in payload}
    moving = {name: value for name, value in payload.items() if name not in still}
    text = json.dumps(still, separators=(",", ":"))
    sid = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    sent = f"{key}__still"
    if st.session_state.get(sent) != sid:
        st.session_state[sent] = sid
        moving["still"] = still
    moving["sid"] = sid
    return json.dumps(moving, separators=(",", ":")).encode()


def _resend(key: str) -> None:
    st.session_state.pop(f"{key}__still", None)
