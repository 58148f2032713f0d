"""The generative lab's live views: draws a GanFrame (captured under the lock) as the plane,
the model overview with its losses, the curves, the numbers and the diagnoses.

No torch here: the frame is numpy, the figures come from viz.gan. Each element has a fixed
key, so a frame redraws the same elements in place.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import streamlit as st

from engine.gan.spec import LOSSES
from engine.inspect.gan import GanFrame
from ui.messages import show_error
from ui.views.gan_canvas import gan_canvas
from viz.gan import graph_payload
from viz.gan_payload import curves_payload, plane_payload


@dataclass(frozen=True)
class Layers:
    """Which layers of the plane the student wants to see."""

    heat: bool = True
    mesh: bool = True
    arrows: bool = True


def _num(value: float) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.3f}"


def draw_gan_frame(frame: GanFrame, layers: Layers, *, drawn=None, on_point=None) -> None:
    """One live frame of the lab; `drawn` (the student's target points) makes the plane
    clickable, each click calling `on_point`."""
    critic = frame.loss == "wgangp"
    last = frame.losses[-1] if len(frame.losses) else (0, math.nan, math.nan)
    js = float(frame.divergence[-1, 1]) if len(frame.divergence) else math.nan
    if frame.diverged:
        show_error(frame.diverged)
    left, right = st.columns([1.35, 1])
    with left:
        gan_canvas(plane_payload(frame.real, frame.fake, frame.arrows, frame.heat,
                                 frame.heat_range, frame.mesh, critic=critic,
                                 show_heat=layers.heat, show_mesh=layers.mesh,
                                 show_arrows=layers.arrows, drawn=drawn),
                   key="gn_plane", on_point=on_point)
        st.caption("The purple points come from the same noise every frame, so you watch each "
                   "one move. An orange arrow is minus the gradient of that point's generator "
                   "loss: where G's next update pushes it. The grey mesh is a grid of noise "
                   "mapped through G (the manifold).")
    with right:
        cols = st.container(key="gn_numbers").columns(2) * 2   # 2 rows of 2: numbers fit
        cols[0].metric("Step", f"{frame.steps:,}", help="Rounds of the game: D's steps, "
                       "then one G step.")
        cols[1].metric("D loss", _num(last[1]), help="The discriminator's loss on its last "
                       "batch" + (" (critic loss, with the penalty)." if critic else "."))
        cols[2].metric("G loss", _num(last[2]), help="The generator's loss on its last batch.")
        cols[3].metric("JS", _num(js), help="Jensen-Shannon divergence between the real and "
                       "fake points on a 24 × 24 grid, in bits: 1 = no overlap, 0 = the same.")
        if frame.n_modes:
            st.progress(frame.covered / frame.n_modes,
                        text=f"Modes covered: {frame.covered} of {frame.n_modes}")
        else:
            st.progress(frame.reach, text=f"Real points with a fake nearby: {frame.reach:.0%}")
        gan_canvas(graph_payload(last[1], last[2], frame.d_real, frame.d_fake, critic=critic),
                   key="gn_graph")
        gan_canvas(curves_payload(frame.losses, frame.divergence, critic=critic),
                   key="gn_curves")
    _diagnoses(frame)


def _diagnoses(frame: GanFrame) -> None:
    with st.container(key="gn_diagnoses"):
        if not frame.diagnoses:
            st.caption(f"Diagnosis ({LOSSES[frame.loss]} loss): nothing wrong to report"
                       + (" yet (the first 300 steps are a warm-up)." if frame.steps < 300
                          else "."))
            return
        for d in frame.diagnoses:
            st.markdown(f"**{d.title}.** {d.text} *Try:* {d.fix}")
