"""The GAN lab's canvas views: a `st.components.v2` component that paints the plane and the
curves from small JSON frames (viz.gan_payload), in place.

Plotly redraws a whole chart on every new figure; at four frames a second on a busy box the
plane was blank in about half of the screenshots taken while playing. Painting on a canvas
that stays mounted keeps the picture steady (the 2D playground's painter does the same).
Registered once per process: the definition (HTML/CSS/JS text) is immutable, so sharing it
between sessions is safe.
"""
from __future__ import annotations

import json

from pathlib import Path

import streamlit as st

JS = (Path(__file__).with_name("gan_canvas.js")).read_text(encoding="utf-8")
CSS = """
.gnc canvas { display: block; }
.gnc-legend { font-size: 13px; color: #555; margin-top: 2px; }
.gnc-legend b { font-weight: 600; }
"""

_CANVAS = st.components.v2.component("nnpg_gan_canvas", js=JS, css=CSS, isolate_styles=False)


def gan_canvas(payload: dict, *, key: str, on_point=None) -> None:
    """Mount or update one canvas view (payload["kind"]: "plane" or "curves"). With
    payload["draw"], a click on the plane calls `on_point`; the click is then in
    `st.session_state[key]["point"]` as {"xy": [x, y], "id": ...} in data coordinates.

    The payload goes as one JSON text in bytes, as the 2D painter's frames do (a dict costs
    Streamlit ~1.5 ms of CPU per value, every frame, looking for data frames in it)."""
    _CANVAS(data=json.dumps(payload, separators=(",", ":")).encode(), key=key,
            on_point_change=on_point or (lambda: None))
