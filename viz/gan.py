"""Pictures of the GAN game from numpy arrays: the plane, the curves and the model graph.

The plane layers, back to front: D's opinion as a heatmap, the manifold (the noise grid
through G, a warped mesh), the real points, the fake points, and on each of a share of the
fakes an arrow along minus the gradient of its generator loss (where G's update pushes it).
Arrows use one fixed scale (capped), so vanishing gradients look short instead of being
stretched back to full length. No torch, no streamlit: arrays in, figure out.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

REAL, FAKE, ARROW, MESH = "#1b9e77", "#7b3fc4", "#d95f02", "rgba(80,80,80,0.45)"
ARROW_SCALE, ARROW_CAP, ARROWS_SHOWN = 0.15, 0.35, 160
D_COLORS = [[0.0, "#e7d4f7"], [0.5, "#ffffff"], [1.0, "#cdeee2"]]   # fake-ish .. real-ish


def _segments(starts: np.ndarray, ends: np.ndarray) -> tuple[list, list]:
    """x and y lists drawing each start→end segment, separated by None (one trace)."""
    xs: list = []
    ys: list = []
    for (x0, y0), (x1, y1) in zip(starts, ends):
        xs += [float(x0), float(x1), None]
        ys += [float(y0), float(y1), None]
    return xs, ys


def arrow_ends(points: np.ndarray, arrows: np.ndarray) -> np.ndarray:
    """Where each drawn arrow ends: ARROW_SCALE × the vector, capped at ARROW_CAP long."""
    vec = arrows * ARROW_SCALE
    length = np.linalg.norm(vec, axis=1, keepdims=True)
    vec = np.where(length > ARROW_CAP, vec * ARROW_CAP / np.maximum(length, 1e-12), vec)
    return points + vec


def mesh_lines(mesh: np.ndarray) -> tuple[list, list]:
    """The manifold's grid lines (rows and columns of the noise grid after G)."""
    xs: list = []
    ys: list = []
    lines = [mesh[i] for i in range(mesh.shape[0])]
    if mesh.shape[0] > 1:
        lines += [mesh[:, j] for j in range(mesh.shape[1])]
    for line in lines:
        xs += [*map(float, line[:, 0]), None]
        ys += [*map(float, line[:, 1]), None]
    return xs, ys


def plot_plane(real: np.ndarray, fake: np.ndarray, arrows: np.ndarray, heat: np.ndarray,
               heat_range: tuple[float, float], mesh: np.ndarray, *, extent=(-2.0, 2.0),
               critic: bool = False, show_heat: bool = True, show_mesh: bool = True,
               show_arrows: bool = True, height: int = 520) -> go.Figure:
    """The game on the plane: D's heatmap, the manifold, real and fake points, G's arrows."""
    fig = go.Figure()
    if show_heat:
        ticks = np.linspace(extent[0], extent[1], heat.shape[0])
        fig.add_trace(go.Heatmap(
            x=ticks, y=ticks, z=heat, zmin=heat_range[0], zmax=heat_range[1],
            colorscale=D_COLORS, showscale=True, hoverinfo="skip", name="D",
            colorbar=dict(title="critic" if critic else "D: real?", thickness=10, len=0.6)))
    if show_mesh:
        xs, ys = mesh_lines(mesh)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=MESH, width=1),
                                 name="manifold", hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=real[:, 0], y=real[:, 1], mode="markers", name="real",
                             marker=dict(color=REAL, size=4, opacity=0.7)))
    fig.add_trace(go.Scatter(x=fake[:, 0], y=fake[:, 1], mode="markers", name="fake",
                             marker=dict(color=FAKE, size=4, opacity=0.8)))
    if show_arrows:
        shown = slice(0, ARROWS_SHOWN)
        xs, ys = _segments(fake[shown], arrow_ends(fake[shown], arrows[shown]))
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="G's push",
                                 line=dict(color=ARROW, width=1.3), hoverinfo="skip"))
    axis = dict(range=list(extent), zeroline=False, showgrid=False, constrain="domain")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10),
                      xaxis=axis, yaxis=dict(axis, scaleanchor="x", scaleratio=1),
                      legend=dict(orientation="h", y=-0.02, yanchor="top"),
                      uirevision="plane", plot_bgcolor="white")
    return fig


def plot_curves(losses: np.ndarray, divergence: np.ndarray, *, critic: bool = False,
                height: int = 260) -> go.Figure:
    """D and G losses per step, and the JS divergence (right axis)."""
    fig = go.Figure()
    if len(losses):
        fig.add_trace(go.Scatter(x=losses[:, 0], y=losses[:, 1], name="D loss",
                                 line=dict(color="#555", width=1.2)))
        fig.add_trace(go.Scatter(x=losses[:, 0], y=losses[:, 2], name="G loss",
                                 line=dict(color=FAKE, width=1.2)))
    if len(divergence):
        fig.add_trace(go.Scatter(x=divergence[:, 0], y=divergence[:, 1], yaxis="y2",
                                 name="JS divergence (bits)",
                                 line=dict(color=ARROW, width=1.5, dash="dot")))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=24, b=10),
                      xaxis=dict(title="step"), yaxis=dict(title="critic loss" if critic
                                                           else "loss"),
                      yaxis2=dict(title="JS", overlaying="y", side="right", range=[0, 1],
                                  showgrid=False),
                      legend=dict(orientation="h", y=1.15), uirevision="curves")
    return fig


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
