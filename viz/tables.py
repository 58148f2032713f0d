"""The data lab's figures: the input plane with decision regions, the last hidden layer's
plane, and learning curves. numpy in, plotly figure out (no torch, no streamlit)."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

FONT = 13
HEIGHT = 360
# qualitative colours (TF Playground's orange and blue first), light versions for regions
COLOURS = ("#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


def _light(hex_colour: str, alpha: float = 0.28) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(title=dict(text=title, y=0.98, yanchor='top', font=dict(size=FONT + 1)), height=HEIGHT,
                      margin=dict(l=40, r=10, t=70, b=40), font=dict(size=FONT),
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=1,
                                  xanchor="right"), plot_bgcolor="white",
                      uirevision="keep")
    fig.update_xaxes(title=x_title, showgrid=False, zeroline=False)
    fig.update_yaxes(title=y_title, showgrid=False, zeroline=False)
    return fig


def _points(fig: go.Figure, points: np.ndarray, labels: np.ndarray,
            class_names: Sequence[str], classification: bool) -> None:
    if not classification:
        fig.add_trace(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers", name="rows",
                                 marker=dict(color=labels, colorscale="Viridis", size=6,
                                             line=dict(width=0.5, color="white"),
                                             colorbar=dict(title="target"))))
        return
    for i, name in enumerate(class_names):
        mask = labels == i
        fig.add_trace(go.Scatter(x=points[mask, 0], y=points[mask, 1], mode="markers",
                                 name=str(name), marker=dict(
                                     color=COLOURS[i % len(COLOURS)], size=6,
                                     line=dict(width=0.6, color="white"))))


def plot_input_plane(points: np.ndarray, labels: np.ndarray, class_names: Sequence[str],
                     grid_x: np.ndarray, grid_y: np.ndarray, regions: np.ndarray,
                     confidence: np.ndarray, classification: bool,
                     explained: tuple[float, float]) -> go.Figure:
    """Test rows in the inputs' first two principal components, over the network's decision
    regions in that plane (each region's colour: the class it predicts, paler where unsure)."""
    fig = go.Figure()
    if classification:
        n = max(len(class_names), 1)
        # one colour band per class index; confidence folds into the opacity via two layers
        scale = []
        for i in range(n):
            c = _light(COLOURS[i % len(COLOURS)], 0.45)
            scale += [(i / n, c), ((i + 1) / n, c)]
        fig.add_trace(go.Heatmap(x=grid_x, y=grid_y, z=regions + 0.5, zmin=0, zmax=n,
                                 colorscale=scale, showscale=False, hoverinfo="skip",
                                 name="regions"))
        fig.add_trace(go.Heatmap(x=grid_x, y=grid_y, z=1 - confidence, zmin=0, zmax=1,
                                 colorscale=[(0, "rgba(255,255,255,0)"),
                                             (1, "rgba(255,255,255,0.9)")],
                                 showscale=False, hoverinfo="skip", name="unsure"))
    else:
        fig.add_trace(go.Heatmap(x=grid_x, y=grid_y, z=regions, colorscale="Viridis",
                                 opacity=0.35, showscale=False, hoverinfo="skip"))
    _points(fig, points, labels, class_names, classification)
    return _layout(fig, "Inputs (PCA) and the network's decision regions",
                   f"PC1 ({explained[0]:.0%} of the variance)",
                   f"PC2 ({explained[1]:.0%})")


def plot_hidden_plane(hidden: np.ndarray, labels: np.ndarray, class_names: Sequence[str],
                      classification: bool, layer: str,
                      explained: tuple[float, float]) -> go.Figure:
    """The same test rows as the last hidden layer sees them (its own first two principal
    components): classes drift apart as the network learns features that separate them."""
    fig = go.Figure()
    _points(fig, hidden, labels, class_names, classification)
    return _layout(fig, f"Last hidden layer ({layer}), PCA: what the network made of them",
                   f"PC1 ({explained[0]:.0%})", f"PC2 ({explained[1]:.0%})")


def plot_learning_curve(sizes: Sequence[int], scores: Mapping[str, Sequence[float]],
                        metric: str) -> go.Figure:
    """Test score against training rows (log axis), one line per model; the network bold."""
    fig = go.Figure()
    for i, (name, values) in enumerate(scores.items()):
        network = name == "Network"
        fig.add_trace(go.Scatter(x=list(sizes)[:len(values)], y=list(values),
                                 mode="lines+markers", name=name,
                                 line=dict(width=4 if network else 2,
                                           color="black" if network
                                           else COLOURS[(i - 1) % len(COLOURS)],
                                           dash=None if network else "dot")))
    fig.update_xaxes(type="log")
    return _layout(fig, f"Learning curve: test {metric} against training rows",
                   "training rows (log scale)", f"test {metric}")


def plot_importance(features: Sequence[str], network: Sequence[float],
                    forest: Sequence[float], metric: str, top: int = 15) -> go.Figure:
    """Drop in test score when each input is shuffled, network beside forest (largest first)."""
    net, tree = np.asarray(network), np.asarray(forest)
    order = np.argsort(-(np.maximum(net, 0) + np.maximum(tree, 0)))[:top][::-1]
    names = [str(features[i]) for i in order]
    fig = go.Figure([go.Bar(y=names, x=net[order], orientation="h", name="Network",
                            marker_color="black"),
                     go.Bar(y=names, x=tree[order], orientation="h", name="Random forest",
                            marker_color=COLOURS[1])])
    fig.update_layout(barmode="group")
    _layout(fig, "Permutation importance: what each model relies on",
            f"drop in test {metric} when the column is shuffled", "")
    fig.update_layout(height=max(HEIGHT, 30 * len(names) + 120))
    return fig


def plot_contributions(features: Sequence[str], network: Sequence[float],
                       linear: Sequence[float], label: str, top: int = 12) -> go.Figure:
    """One row's per-feature contributions: the network's gradient × input beside the linear
    model's terms (largest first; positive pushes towards `label`)."""
    net, lin = np.asarray(network), np.asarray(linear)
    order = np.argsort(-(np.abs(net) + np.abs(lin)))[:top][::-1]
    names = [str(features[i]) for i in order]
    fig = go.Figure([go.Bar(y=names, x=net[order], orientation="h", name="Network (gradient × input)",
                            marker_color="black"),
                     go.Bar(y=names, x=lin[order], orientation="h",
                            name="Linear model (coefficient × value)", marker_color=COLOURS[0])])
    fig.update_layout(barmode="group")
    _layout(fig, f"Why this row: contributions towards {label}", "contribution", "")
    fig.update_layout(height=max(HEIGHT, 30 * len(names) + 120))
    return fig


def plot_boundaries(names: Sequence[str], outputs: Sequence[np.ndarray],
                    scores: Sequence[float], extent: tuple[float, float, float, float],
                    points: np.ndarray, labels: np.ndarray, classification: bool) -> go.Figure:
    """Small multiples: each classic model's decision regions with the training points
    (scikit-learn's classifier comparison)."""
    from plotly.subplots import make_subplots

    cols = 3
    rows = max(1, -(-len(names) // cols))
    metric = "acc" if classification else "R²"
    fig = make_subplots(rows=rows, cols=cols, horizontal_spacing=0.04, vertical_spacing=0.1,
                        subplot_titles=[f"{n} · test {metric} {s:.0%}" if classification
                                        else f"{n} · test R² {s:.2f}"
                                        for n, s in zip(names, scores)])
    xs = np.linspace(extent[0], extent[1], outputs[0].shape[1]) if outputs else []
    ys = np.linspace(extent[2], extent[3], outputs[0].shape[0]) if outputs else []
    colours = [COLOURS[int(c) % len(COLOURS)] for c in labels] if classification else None
    for i, z in enumerate(outputs):
        r, c = i // cols + 1, i % cols + 1
        if classification:
            n = int(max(z.max(), labels.max())) + 1
            scale = []
            for j in range(n):
                scale += [(j / n, _light(COLOURS[j % len(COLOURS)], 0.5)),
                          ((j + 1) / n, _light(COLOURS[j % len(COLOURS)], 0.5))]
            fig.add_trace(go.Heatmap(x=xs, y=ys, z=z + 0.5, zmin=0, zmax=n, colorscale=scale,
                                     showscale=False, hoverinfo="skip"), row=r, col=c)
        else:
            fig.add_trace(go.Heatmap(x=xs, y=ys, z=z, colorscale="RdBu", showscale=False,
                                     hoverinfo="skip"), row=r, col=c)
        fig.add_trace(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers",
                                 showlegend=False, marker=dict(
                                     size=4, color=colours if classification else labels,
                                     colorscale=None if classification else "RdBu",
                                     line=dict(width=0.4, color="white"))), row=r, col=c)
    fig.update_xaxes(showticklabels=False, range=[extent[0], extent[1]])
    fig.update_yaxes(showticklabels=False, range=[extent[2], extent[3]])
    fig.update_layout(height=260 * rows + 40, margin=dict(l=10, r=10, t=40, b=10),
                      font=dict(size=FONT - 1), plot_bgcolor="white", showlegend=False)
    fig.update_annotations(font_size=FONT - 1)
    return fig
