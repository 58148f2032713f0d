"""The live painter: a `st.components.v2` component that paints server-computed maps.

Registered once per process: the definition (HTML/CSS/JS text) is immutable, so sharing it
between sessions is safe. Styles are not isolated (no shadow root), so tests and the browser
benchmark can find the canvas with ordinary selectors.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import streamlit as st

JS = (Path(__file__).with_name("painter.js")).read_text(encoding="utf-8")
CSS = """
.nnpg { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.nnpg-boundary canvas { display: block; border: 1px solid #ccc; cursor: pointer; }
.nnpg-caption { font-size: 14px; color: #555; margin-top: 4px; max-width: 360px; }
.nnpg-network { overflow-x: auto; max-width: 100%; }
.nnpg-network g.neuron:hover rect { stroke: #0877bd; stroke-width: 3; }
"""

_PAINTER = st.components.v2.component("nnpg_live_painter", js=JS, css=CSS, isolate_styles=False)


def live_painter(payload: dict, *, key: str, on_select: Callable[[], None],
                 on_feature: Callable[[], None],
                 on_micro: Callable[[], None] | None = None) -> None:
    """Mount or update the painter.

    Clicking a hidden neuron (or the big map) calls `on_select`; clicking an input neuron calls
    `on_feature`. Read the values from `st.session_state[key]` ("select": a label; "feature":
    {"label", "id"}). In microscope mode (`payload["micro"]`) a click on the big map, on an
    edge or on a hidden neuron calls `on_micro` instead ("point": [x, y] in data coordinates;
    "edge": [column, out, in]; "neuron": a label).
    """
    micro = on_micro or (lambda: None)
    _PAINTER(data=payload, key=key, on_select_change=on_select, on_feature_change=on_feature,
             on_point_change=micro, on_edge_change=micro, on_neuron_change=micro)
