"""The GAN game's picture helpers from numpy arrays: G's arrows and the model graph.

The plane itself is painted on a canvas in the browser (viz.gan_payload builds its frames).
Arrows use one fixed scale (capped), so vanishing gradients look short instead of being
stretched back to full length. No torch, no streamlit: arrays in, picture out.
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


def model_graph(d_loss: float, g_loss: float, d_real: float, d_fake: float, *,
                critic: bool = False) -> str:
    """The model overview as Graphviz DOT: noise → G → fake → D ← real, with the losses."""
    score = "critic" if critic else "D(x)"
    d_loss, g_loss, d_real, d_fake = (f"{v:.3f}" if np.isfinite(v) else "–"
                                      for v in (d_loss, g_loss, d_real, d_fake))
    return f"""digraph gan {{
rankdir=LR; node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=11];
edge [fontname="sans-serif", fontsize=10];
z [label="noise z", fillcolor="#eeeeee"];
G [label="Generator G\\nloss {g_loss}", fillcolor="#e7d4f7"];
fake [label="fake points\\n{score} = {d_fake}", shape=ellipse, fillcolor="#f3eafc"];
real [label="real points\\n{score} = {d_real}", shape=ellipse, fillcolor="#dff3ec"];
D [label="Discriminator D\\nloss {d_loss}", fillcolor="#cdeee2"];
z -> G -> fake -> D; real -> D;
D -> G [label="gradient", style=dashed, color="#d95f02", constraint=false];
}}"""
