"""The generative lab's live view for the 8×8 digits: generated digits from fixed noise, a
walk through noise space, real digits to compare, D's scores, the model graph and the curves.
"""
from __future__ import annotations

import math

import streamlit as st

from engine.inspect.gan_digits import DigitsFrame
from ui.messages import show_error
from ui.views.gan_canvas import gan_canvas
from viz.gan import graph_payload
from viz.gan_digits import digit_grid
from viz.gan_payload import curves_payload


def _num(value: float) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.3f}"


def draw_digits_frame(frame: DigitsFrame) -> None:
    """One live frame of the digits GAN."""
    critic = frame.loss == "wgangp"
    last = frame.losses[-1] if len(frame.losses) else (0, math.nan, math.nan)
    if frame.diverged:
        show_error(frame.diverged)
    left, right = st.columns([1.35, 1])
    with left:
        cols = st.columns([1.25, 1])
        cols[0].image(digit_grid(frame.fake, 6, scale=7), caption="Generated digits (the same "
                      "36 noise vectors every frame)", width="content")
        cols[1].image(digit_grid(frame.real, 6, scale=5), caption="Real digits (sklearn's "
                      "8×8 handwriting)", width="content")
        st.image(digit_grid(frame.walk, 10, scale=6), width="content",
                 caption="A walk through noise space: from the first generated digit's noise "
                         "to the second's, in 10 steps. Smooth changes mean G has learnt a "
                         "continuous space of digits, not a list of copies.")
    with right:
        score = "critic" if critic else "D(x)"
        cols = st.container(key="gn_numbers").columns(2) * 2
        cols[0].metric("Step", f"{frame.steps:,}", help="Rounds of the game: D's steps, "
                       "then one G step.")
        cols[1].metric("D loss", _num(last[1]), help="The discriminator's loss on its last "
                       "batch.")
        cols[2].metric("G loss", _num(last[2]), help="The generator's loss on its last batch.")
        cols[3].metric(f"{score}: real − fake", _num(frame.d_real - frame.d_fake),
                       help="How much more real D finds the real digits than the generated "
                            "ones: near 0 when it can no longer tell them apart.")
        gan_canvas(graph_payload(last[1], last[2], frame.d_real, frame.d_fake, critic=critic),
                   key="gn_graph")
        gan_canvas(curves_payload(frame.losses, frame.losses[:0, :2], critic=critic),
                   key="gn_curves")
