"""The sequence lab's figures: one example (forecast or tokens), memory heatmaps, gradients
through time, attention maps and the memory sweep. Numpy in, plotly figure out."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from engine.snapshot import MemorySweep

INK, GREY, BLUE, ORANGE = "#111111", "#8a8a8a", "#0877bd", "#f59322"
DIVERGING = [[0, ORANGE], [0.5, "#f4f4f4"], [1, BLUE]]    # the playground's -/+ colours
SWEEP_COLOURS = ("#0877bd", "#f59322", "#2ca02c", "#d62728", "#9467bd")
LONG_STRIP = 20          # positions beyond which the token strip leaves the % to the hover


def _layout(fig: go.Figure, height: int, **kw) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=40, r=10, t=45, b=30),
                      plot_bgcolor="white",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), **kw)
    return fig


def show_token(token: str) -> str:
    """A token as an axis label: a space is shown as ␣ (else the label looks empty)."""
    return "␣" if token == " " else token


def forecast_figure(inputs: np.ndarray, target: np.ndarray, predicted: np.ndarray) -> go.Figure:
    """A window of a series, the true continuation and the network's forecast after it."""
    series = np.asarray(inputs, dtype=float)[:, 0]
    t = np.arange(len(series))
    ahead = np.arange(len(series), len(series) + len(np.atleast_1d(target)))
    fig = go.Figure()
    fig.add_scatter(x=t, y=series, mode="lines+markers", name="input window",
                    line=dict(color=GREY), marker=dict(size=4))
    joined = np.r_[len(series) - 1, ahead]
    fig.add_scatter(x=joined, y=np.r_[series[-1], np.atleast_1d(target)], mode="lines+markers",
                    name="true continuation", line=dict(color=INK))
    fig.add_scatter(x=joined, y=np.r_[series[-1], np.atleast_1d(predicted)],
                    mode="lines+markers", name="forecast", line=dict(color=ORANGE, dash="dot"))
    fig.update_xaxes(title_text="time step")
    return _layout(fig, 260)


def token_strip(tokens: Sequence[str], target: np.ndarray, probabilities: np.ndarray,
                vocab: Sequence[str]) -> go.Figure:
    """Per position: the input token, the answer due (blank where none), the network's answer,
    coloured by the probability it gives the right answer (its own answer where none is due)."""
    probabilities = np.asarray(probabilities, dtype=float)        # (T, C)
    target = np.asarray(target)
    said = probabilities.argmax(axis=1)
    due = target >= 0
    right = np.where(due, probabilities[np.arange(len(target)), np.where(due, target, 0)],
                     probabilities.max(axis=1))
    rows = [[show_token(tok) for tok in tokens],
            [show_token(vocab[int(c)]) if d else "" for c, d in zip(target, due)],
            [show_token(vocab[int(c)]) for c in said]]
    z = np.full((3, len(tokens)), np.nan)
    z[2] = right
    text = [[f"{a}" for a in row] for row in rows]
    long = len(tokens) > LONG_STRIP          # no room for a % under each character
    text[2] = [f"<i>{a}</i>" if not d else a if long else f"{a}<br>{p:.0%}"
               for a, p, d in zip(rows[2], right, due)]
    size = 14 if not long else 11
    hover = [[""] * len(tokens), [""] * len(tokens),
             [f"step {i}: {p:.0%}" for i, p in enumerate(right)]]
    fig = go.Figure(go.Heatmap(
        z=z, text=text, texttemplate="%{text}", zmin=0, zmax=1, customdata=hover,
        colorscale=[[0, "#fde0c5"], [1, "#b3d4ec"]], showscale=False,
        hovertemplate="%{customdata}<extra></extra>", xgap=2, ygap=2,
        textfont=dict(size=size)))
    fig.add_trace(go.Heatmap(z=np.where(np.isnan(z), 0.0, np.nan), text=text,
                             texttemplate="%{text}", colorscale=[[0, "#f4f4f4"], [1, "#f4f4f4"]],
                             showscale=False, hoverinfo="skip", xgap=2, ygap=2,
                             textfont=dict(size=size)))
    fig.update_yaxes(tickvals=[0, 1, 2], ticktext=["input", "answer due", "network says"],
                     autorange="reversed")
    fig.update_xaxes(title_text="position", showgrid=False)
    _layout(fig, 230)
    fig.update_layout(margin=dict(t=10))
    return fig


def class_bars(probabilities: np.ndarray, class_names: Sequence[str], true_class: int
               ) -> go.Figure:
    """One answer for the whole sequence: the probability of each class (true one in black)."""
    colours = [INK if i == true_class else BLUE for i in range(len(class_names))]
    fig = go.Figure(go.Bar(x=[str(c) for c in class_names], y=probabilities,
                           marker_color=colours))
    fig.update_yaxes(range=[0, 1], title_text="probability")
    return _layout(fig, 220)


def units_heatmap(values: np.ndarray, labels: Sequence[str], title: str, *, zmin: float,
                  zmax: float, diverging: bool) -> go.Figure:
    """(units, T) over time: a hidden state, a cell state or a gate."""
    fig = go.Figure(go.Heatmap(
        z=values, x=list(range(values.shape[1])), zmin=zmin, zmax=zmax,
        colorscale=DIVERGING if diverging else "Blues", colorbar=dict(thickness=10)))
    fig.update_xaxes(title_text="time step")
    if labels:
        fig.update_xaxes(tickvals=list(range(len(labels))),
                         ticktext=[show_token(t) for t in labels])
    fig.update_yaxes(title_text="unit", autorange="reversed")
    return _layout(fig, 300, title=dict(text=title, font=dict(size=13)))


def gate_means(gates: Mapping[str, np.ndarray]) -> go.Figure:
    """Each gate's mean over the units at every step (0 = closed, 1 = open)."""
    fig = go.Figure()
    for colour, (name, values) in zip(SWEEP_COLOURS, gates.items()):
        fig.add_scatter(y=values.mean(axis=0), mode="lines+markers", name=f"{name} gate",
                        line=dict(color=colour))
    fig.update_yaxes(range=[-0.03, 1.03], title_text="mean over units")
    fig.update_xaxes(title_text="time step")
    return _layout(fig, 240)


def gradient_through_time(norms: Mapping[str, np.ndarray]) -> go.Figure:
    """‖∂loss/∂h_t‖ per step for each recurrent layer, on a log scale."""
    fig = go.Figure()
    for colour, (name, values) in zip(SWEEP_COLOURS, norms.items()):
        shown = np.where(np.asarray(values) > 0, values, np.nan)
        fig.add_scatter(y=shown, mode="lines+markers", name=name, line=dict(color=colour))
    fig.update_yaxes(type="log", dtick=1, exponentformat="power", title_text="‖∂loss/∂hₜ‖")
    fig.update_xaxes(title_text="time step t")
    return _layout(fig, 260)


def attention_map(weights: np.ndarray, labels: Sequence[str]) -> go.Figure:
    """One head: how much each query step (row) reads each key step (column); rows sum to 1."""
    t = weights.shape[0]
    ticks = [f"{i}:{show_token(s)}" for i, s in enumerate(labels)] if labels else list(range(t))
    fig = go.Figure(go.Heatmap(z=weights, x=ticks, y=ticks, zmin=0, zmax=1,
                               colorscale="Blues", colorbar=dict(thickness=10)))
    fig.update_xaxes(title_text="key (read from)", type="category", tickangle=0)
    fig.update_yaxes(title_text="query (reading step)", type="category",
                     autorange="reversed")
    return _layout(fig, 380)


def sweep_figure(sweeps: Mapping[str, MemorySweep]) -> go.Figure:
    """Accuracy (or error) against delay or length, one line per model; the trained value
    marked."""
    fig = go.Figure()
    first = next(iter(sweeps.values()))
    for colour, (name, sweep) in zip(SWEEP_COLOURS, sweeps.items()):
        fig.add_scatter(x=sweep.values, y=sweep.scores, mode="lines+markers", name=name,
                        line=dict(color=colour))
    fig.add_vline(x=first.trained, line=dict(color=GREY, dash="dash"),
                  annotation_text="trained at", annotation_position="bottom right")
    fig.update_xaxes(title_text="delay (blank steps)" if first.setting == "delay"
                     else "sequence length")
    if first.metric == "accuracy":
        fig.update_yaxes(range=[0, 1.02], title_text="accuracy on fresh examples")
    else:
        fig.update_yaxes(type="log", dtick=1, exponentformat="power",
                         title_text="mean squared error")
    return _layout(fig, 300)


def focus_figure(epochs: Sequence[float], focus: np.ndarray) -> go.Figure:
    """Each head's focus (0: reads every step evenly, 1: reads one step) against epochs."""
    focus = np.asarray(focus).reshape(len(epochs), -1)
    fig = go.Figure([go.Scatter(x=list(epochs), y=focus[:, h], mode="lines+markers",
                                name=f"head {h + 1}", line=dict(
                                    color=SWEEP_COLOURS[h % len(SWEEP_COLOURS)]))
                     for h in range(focus.shape[1])])
    fig.update_xaxes(title_text="epoch")
    fig.update_yaxes(title_text="focus", range=[0, 1.02])
    _layout(fig, 280, showlegend=focus.shape[1] > 1)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.3, x=0),
                      margin=dict(t=20, b=40))          # below: the tool bar sits on top
    return fig


def attention_film(epochs: Sequence[float], maps: Sequence[np.ndarray]) -> go.Figure:
    """One head's map at a few moments of training, side by side (no labels: a thumbnail)."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=len(maps), horizontal_spacing=0.02,
                        subplot_titles=[f"epoch {e:.1f}" for e in epochs])
    for i, weights in enumerate(maps, start=1):
        fig.add_trace(go.Heatmap(z=weights, zmin=0, zmax=1, colorscale="Blues",
                                 showscale=False), row=1, col=i)
        fig.update_xaxes(showticklabels=False, row=1, col=i)
        fig.update_yaxes(showticklabels=False, autorange="reversed", scaleanchor=f"x{i}",
                         row=1, col=i)
    return _layout(fig, 190)
