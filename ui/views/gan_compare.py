"""Compare mode's view in the generative lab: both games side by side (each run's plane with
D's opinion, the fakes and their arrows, and its numbers), the JS divergence of both against
steps (A solid, B dashed) and, paused, the verdict. No torch: the frame is numpy."""
from __future__ import annotations

import math

import streamlit as st

from engine.inspect.gan_compare import GanPairFrame, js_series
from engine.inspect.gan import GanFrame
from ui.messages import show_error, show_info
from ui.views.gan_canvas import gan_canvas
from viz.gan_payload import plane_payload
from viz.live_numbers import value_text
from viz.pair_curves import A_COLOUR, B_COLOUR, overlay_svg


def _numbers(name: str, frame: GanFrame, colour: str, line: str) -> str:
    last = frame.losses[-1] if len(frame.losses) else (0, math.nan, math.nan)
    js = float(frame.divergence[-1, 1]) if len(frame.divergence) else math.nan
    modes = (f" · modes **{frame.covered} of {frame.n_modes}**" if frame.n_modes
             else f" · reach **{frame.reach:.0%}**")
    return (f"<span style='color:{colour};font-weight:600'>Run {name}</span> "
            f"<span style='color:#666'>({line})</span> · step **{frame.steps:,}** · D loss "
            f"{value_text(last[1])} · G loss {value_text(last[2])} · JS **{value_text(js)}**{modes}")


def draw_gan_pair(frame: GanPairFrame, *, playing: bool, layers) -> None:
    """One frame of both games (`layers`: which layers of the planes the student shows)."""
    state = "**Training both runs**" if playing else "Paused"
    st.markdown(f"{state} · the run that is behind trains next, so both reach the same step.")
    cols = st.container(key="gnc_planes").columns(2)
    for col, name, run, colour, line in ((cols[0], "A", frame.a, A_COLOUR, "solid"),
                                         (cols[1], "B", frame.b, B_COLOUR, "dashed")):
        with col:
            st.markdown(_numbers(name, run, colour, line), unsafe_allow_html=True)
            if run.diverged:
                show_error(f"Run {name}: {run.diverged}")
            gan_canvas(plane_payload(run.real, run.fake, run.arrows, run.heat, run.heat_range,
                                     run.mesh, critic=run.loss == "wgangp",
                                     show_heat=layers.heat, show_mesh=layers.mesh,
                                     show_arrows=layers.arrows),
                       key=f"gnc_plane_{name.lower()}")
    svg = overlay_svg(js_series(frame.a), js_series(frame.b), y_range=(0.0, 1.0))
    legend = (f"<span style='color:{A_COLOUR}'>━ A</span> &nbsp; "
              f"<span style='color:{B_COLOUR}'>╍ B</span>")
    with st.container(key="gnc_curves"):
        st.markdown(f"<div style='font-size:0.875rem;color:rgba(49,51,63,0.6)'>JS divergence "
                    f"between real and fake points (bits; 0 = the same): {legend}</div>{svg}",
                    unsafe_allow_html=True)
    if not playing:
        with st.container(key="gnc_verdict"):
            show_info(frame.verdict, icon=":material/balance:")
