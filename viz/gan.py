"""The GAN game's picture helpers from numpy arrays: G's arrows and the model overview.

The plane itself is painted on a canvas in the browser (viz.gan_payload builds its frames).
Arrows use one fixed scale (capped), so vanishing gradients look short instead of being
stretched back to full length. The overview (noise → G → fake → D ← real) is painted by the
same canvas component from `graph_payload` (a graphviz chart re-laid out in the browser every
frame halved the frame rate). No torch, no streamlit: arrays in, picture out.
"""
from __future__ import annotations

import numpy as np

ARROW_SCALE, ARROW_CAP, ARROWS_SHOWN = 0.15, 0.35, 160


def arrow_ends(points: np.ndarray, arrows: np.ndarray) -> np.ndarray:
    """Where each drawn arrow ends: ARROW_SCALE × the vector, capped at ARROW_CAP long."""
    vec = arrows * ARROW_SCALE
    length = np.linalg.norm(vec, axis=1, keepdims=True)
    vec = np.where(length > ARROW_CAP, vec * ARROW_CAP / np.maximum(length, 1e-12), vec)
    return points + vec


def graph_payload(d_loss: float, g_loss: float, d_real: float, d_fake: float, *,
                  critic: bool = False) -> dict:
    """The model overview's frame for the canvas: the numbers each box shows."""
    score = "critic" if critic else "D(x)"

    def num(v: float, digits: int = 3) -> str:
        return f"{v:.{digits}f}" if np.isfinite(v) else "–"

    return {"kind": "graph", "g": f"loss {num(g_loss)}", "d": f"loss {num(d_loss)}",
            "fake": f"{score} = {num(d_fake, 2)}", "real": f"{score} = {num(d_real, 2)}",
            "legend": "The model: noise goes through G to make fake points; D scores fake and "
                      "real points; D's gradient on the fakes is what trains G."}
