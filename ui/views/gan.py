"""The generative lab's live views: draws a GanFrame (captured under the lock) as the plane,
the model overview with its losses, the curves, the numbers and the diagnoses.

No torch here: the frame is numpy, the figures come from viz.gan. The whole frame is one
element, a board of canvases and HTML painted in place (ui.views.gan_canvas): each element a
live frame sends costs the browser a React re-render of the page, on the cores that train
(measured: ten elements took about 115 ms of Chromium's CPU per frame, one board about 90).
Its key stays `gn_plane`: clicks on the plane arrive under it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from engine.gan.spec import LOSSES
from engine.inspect.gan import GanFrame
from ui.messages import show_error
from ui.views.gan_canvas import gan_canvas
from viz.gan import graph_payload
from viz.gan_payload import curves_payload, plane_payload
from viz.live_numbers import numbers_html, value_text


@dataclass(frozen=True)
class Layers:
    """Which layers of the plane the student wants to see."""

    heat: bool = True
    mesh: bool = True
    arrows: bool = True


def draw_gan_frame(frame: GanFrame, layers: Layers, *, drawn=None, on_point=None) -> None:
    """One live frame of the lab; `drawn` (the student's target points) makes the plane
    clickable, each click calling `on_point`."""
    critic = frame.loss == "wgangp"
    last = frame.losses[-1] if len(frame.losses) else (0, math.nan, math.nan)
    js = float(frame.divergence[-1, 1]) if len(frame.divergence) else math.nan
    if frame.diverged:
        show_error(frame.diverged)
    if frame.n_modes:
        bar = (frame.covered / frame.n_modes,
               f"Modes covered: {frame.covered} of {frame.n_modes}")
    else:
        bar = (frame.reach, f"Real points with a fake nearby: {frame.reach:.0%}")
    numbers = numbers_html([
        ("Step", f"{frame.steps:,}", "Rounds of the game: D's steps, then one G step."),
        ("D loss", value_text(last[1]), "The discriminator's loss on its last batch"
         + (" (critic loss, with the penalty)." if critic else ".")),
        ("G loss", value_text(last[2]), "The generator's loss on its last batch."),
        ("JS", value_text(js), "Jensen-Shannon divergence between the real and fake points on a "
         "24 × 24 grid, in bits: 1 = no overlap, 0 = the same.")], bar)
    gan_canvas({"kind": "board", "parts": [
        {"area": "plane", **plane_payload(frame.real, frame.fake, frame.arrows, frame.heat,
                                          frame.heat_range, frame.mesh, critic=critic,
                                          show_heat=layers.heat, show_mesh=layers.mesh,
                                          show_arrows=layers.arrows, drawn=drawn,
                                          explain=True)},
        {"area": "numbers", "kind": "html", "html": numbers},
        {"area": "graph", **graph_payload(last[1], last[2], frame.d_real, frame.d_fake,
                                          critic=critic)},
        {"area": "curves", **curves_payload(frame.losses, frame.divergence, critic=critic)},
        {"area": "notes", "kind": "html", "html": _diagnoses(frame)}]},
        key="gn_plane", on_point=on_point)


def _diagnoses(frame: GanFrame) -> str:
    """What looks wrong, in plain words (HTML, every text escaped)."""
    if not frame.diagnoses:
        text = (f"Diagnosis ({LOSSES[frame.loss]} loss): nothing wrong to report"
                + (" yet (the first 300 steps are a warm-up)." if frame.steps < 300 else "."))
        return f'<p class="nnpg-note">{escape(text)}</p>'
    return "".join(f"<p><b>{escape(d.title)}.</b> {escape(d.text)} <i>Try:</i> "
                   f"{escape(d.fix)}</p>" for d in frame.diagnoses)
