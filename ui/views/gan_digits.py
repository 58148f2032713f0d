"""The generative lab's live view for the 8×8 digits: generated digits from fixed noise, a
walk through noise space, real digits to compare, D's scores, the model graph and the curves,
all in one board element.
"""
from __future__ import annotations

import base64
import math
from html import escape

from engine.inspect.gan_digits import DigitsFrame
from ui.messages import show_error
from ui.views.gan_canvas import gan_canvas
from viz.gan import graph_payload
from viz.gan_digits import digit_grid
from viz.gan_payload import curves_payload
from viz.live_numbers import numbers_html, value_text
from viz.raster import to_png


def _figure(pixels, caption: str) -> str:
    """One picture (a PNG inline) with its caption, as HTML."""
    data = base64.b64encode(to_png(pixels)).decode("ascii")
    return (f'<figure class="nnpg-fig"><img src="data:image/png;base64,{data}" '
            f'alt="{escape(caption)}"><figcaption>{escape(caption)}</figcaption></figure>')


def draw_digits_frame(frame: DigitsFrame) -> None:
    """One live frame of the digits GAN: one board element (ui.views.gan_canvas), as the 2D
    targets' frame is, so the browser re-renders the page once per frame, not once per
    picture and number."""
    critic = frame.loss == "wgangp"
    last = frame.losses[-1] if len(frame.losses) else (0, math.nan, math.nan)
    if frame.diverged:
        show_error(frame.diverged)
    score = "critic" if critic else "D(x)"
    pictures = ('<div class="nnpg-figs">'
                + _figure(digit_grid(frame.fake, 6, scale=7), "Generated digits (the same 36 "
                          "noise vectors every frame)")
                + _figure(digit_grid(frame.real, 6, scale=5), "Real digits (sklearn's 8×8 "
                          "handwriting)") + "</div>"
                + _figure(digit_grid(frame.walk, 10, scale=6), "A walk through noise space: "
                          "from the first generated digit's noise to the second's, in 10 "
                          "steps. Smooth changes mean G has learnt a continuous space of "
                          "digits, not a list of copies."))
    numbers = numbers_html([
        ("Step", f"{frame.steps:,}", "Rounds of the game: D's steps, then one G step."),
        ("D loss", value_text(last[1]), "The discriminator's loss on its last batch."),
        ("G loss", value_text(last[2]), "The generator's loss on its last batch."),
        (f"{score}: real − fake", value_text(frame.d_real - frame.d_fake),
         "How much more real D finds the real digits than the generated ones: near 0 when "
         "it can no longer tell them apart.")])
    gan_canvas({"kind": "board", "parts": [
        {"area": "plane", "kind": "html", "html": pictures},
        {"area": "numbers", "kind": "html", "html": numbers},
        {"area": "graph", **graph_payload(last[1], last[2], frame.d_real, frame.d_fake,
                                          critic=critic)},
        {"area": "curves", **curves_payload(frame.losses, frame.losses[:0, :2],
                                            critic=critic)}]},
        key="gn_digits")
