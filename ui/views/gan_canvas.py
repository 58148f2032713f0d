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

from viz.live_numbers import CSS as NUMBERS_CSS

JS = (Path(__file__).with_name("gan_canvas.js")).read_text(encoding="utf-8")
CSS = """
.gnc canvas { display: block; }
.gnb { display: grid; column-gap: 1.5rem; row-gap: 0.5rem; align-items: start;
       grid-template-columns: minmax(0, 1.35fr) minmax(0, 1fr);
       grid-template-areas: "plane numbers" "plane graph" "plane curves" "notes notes";
       grid-template-rows: auto auto 1fr auto; }
.gnb-cell { min-width: 0; }
.gnb-plane { grid-area: plane; } .gnb-numbers { grid-area: numbers; }
.gnb-graph { grid-area: graph; } .gnb-curves { grid-area: curves; }
.gnb-notes { grid-area: notes; }
@media (max-width: 900px) {
  .gnb { grid-template-columns: minmax(0, 1fr);
         grid-template-areas: "plane" "numbers" "graph" "curves" "notes"; }
}
.gnc-legend { font-size: 13px; color: #555; margin-top: 2px; }
.gnc-legend b { font-weight: 600; }
""" + NUMBERS_CSS

_CANVAS = st.components.v2.component("nnpg_gan_canvas", js=JS, css=CSS, isolate_styles=False)


def gan_canvas(payload: dict, *, key: str, on_point=None) -> None:
    """Mount or update one canvas view (payload["kind"]: "plane", "graph" or "curves"), or
    a board of several (kind "board": `parts`, each with an `area` of the grid: plane,
    numbers, graph, curves, notes; an "html" part carries our own escaped HTML). With
    payload["draw"], a click on the plane calls `on_point`; the click is then in
    `st.session_state[key]["point"]` as {"xy": [x, y], "id": ...} in data coordinates.

    The payload goes as one JSON text in bytes, as the 2D painter's frames do (a dict costs
    Streamlit ~1.5 ms of CPU per value, every frame, looking for data frames in it)."""
    _CANVAS(data=json.dumps(payload, separators=(",", ":")).encode(), key=key,
            on_point_change=on_point or (lambda: None))
