"""The network diagram: every neuron as a small map of its output, edges coloured by weight.

As in TF Playground: blue edges are positive weights, orange negative, width grows with
magnitude; hovering a neuron or an edge shows its value (SVG <title> tooltips). Returned as an
SVG string, so it costs one small text delta per frame instead of a chart remount.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np

from viz.palette import BLUE, ORANGE, hex_colour


@dataclass(frozen=True)
class Column:
    """One column of neurons: the inputs, a hidden layer or the output."""

    title: str                 # e.g. "L1 · dense 4 tanh"
    labels: tuple[str, ...]    # one per neuron (shown on hover)
    images: tuple[str, ...]    # data-URI PNG per neuron
    more: int = 0              # neurons of the layer not drawn (wide layers)


def _edge_style(w: float, max_abs: float) -> tuple[str, float]:
    colour = hex_colour(BLUE if w >= 0 else ORANGE)
    width = 0.5 + 5.5 * min(abs(w) / max(max_abs, 1e-9), 1.0)
    return colour, width


def network_svg(columns: list[Column], weights: list[np.ndarray | None], *, thumb: int = 40,
                gap: int = 10, col_width: int = 150, selected: str | None = None) -> str:
    """SVG of the network. weights[i] is the (n_out, n_in) matrix from column i to i+1.

    A NaN weight draws no edge (an input that is switched off).
    """
    tallest = max(len(c.labels) for c in columns)
    height = 40 + tallest * (thumb + gap)
    width = col_width * (len(columns) - 1) + thumb + 40

    def pos(ci: int, ni: int) -> tuple[float, float]:
        n = len(columns[ci].labels)
        top = 30 + (tallest - n) * (thumb + gap) / 2
        return 20 + ci * col_width, top + ni * (thumb + gap)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">']
    finite = [np.abs(w[np.isfinite(w)]) for w in weights if w is not None]
    max_abs = max((float(a.max()) for a in finite if a.size), default=1.0)
    parts.append('<g fill="none" opacity="0.75">')    # shared by every edge: a wide network
    for ci, w in enumerate(weights):                    # has thousands, so each stays short
        if w is None:
            continue
        for o in range(w.shape[0]):
            for i in range(w.shape[1]):
                if not np.isfinite(w[o, i]):              # an input that is switched off
                    continue
                x0, y0 = pos(ci, i)
                x1, y1 = pos(ci + 1, o)
                colour, lw = _edge_style(float(w[o, i]), max_abs)
                a, b, c = x0 + thumb, y0 + thumb / 2, y1 + thumb / 2
                mid = (a + x1) / 2
                parts.append(
                    f'<path d="M{a:g},{b:g}C{mid:g},{b:g} {mid:g},{c:g} {x1:g},{c:g}" '
                    f'stroke="{colour}" stroke-width="{lw:.1f}"><title>'
                    f'{escape(columns[ci].labels[i])} → {escape(columns[ci + 1].labels[o])}: '
                    f'{w[o, i]:.3g}</title></path>')
    parts.append("</g>")
    for ci, col in enumerate(columns):
        x, _ = pos(ci, 0)
        parts.append(f'<text x="{x + thumb / 2}" y="14" text-anchor="middle" fill="#444">'
                     f'{escape(col.title)}</text>')
        for ni, (label, image) in enumerate(zip(col.labels, col.images)):
            x, y = pos(ci, ni)
            ring = "#111" if label == selected else "#bbb"
            parts.append(f'<g><title>{escape(label)}</title>'
                         f'<image href="{image}" x="{x}" y="{y}" width="{thumb}" height="{thumb}" '
                         f'style="image-rendering:pixelated"/>'
                         f'<rect x="{x}" y="{y}" width="{thumb}" height="{thumb}" fill="none" '
                         f'stroke="{ring}" stroke-width="{2 if label == selected else 1}"/></g>')
        if col.more:
            x, y = pos(ci, len(col.labels) - 1)
            parts.append(f'<text x="{x + thumb / 2}" y="{y + thumb + 11}" text-anchor="middle" '
                         f'font-size="10" fill="#666">+{col.more} more</text>')
    parts.append("</svg>")
    return "".join(parts)
