"""Loss and accuracy curves: a light SVG, cheap enough to redraw on every live frame."""
from __future__ import annotations

from typing import Sequence

import numpy as np

TRAIN_COLOUR, TEST_COLOUR = "#8a8a8a", "#111111"
CURSOR_COLOUR, MARKER_COLOUR = "#0877bd", "#d62728"   # the viewed moment, branch points


def polyline_points(xs: np.ndarray, ys: np.ndarray, box: tuple[float, float, float, float],
                    x_range: tuple[float, float], y_range: tuple[float, float]) -> str:
    """An SVG polyline's points for (xs, ys) mapped into `box` (left, top, width, height)."""
    left, top, w, h = box
    (xa, xb), (ya, yb) = x_range, y_range
    px = left + (xs - xa) / max(xb - xa, 1e-12) * w
    py = top + h - (ys - ya) / max(yb - ya, 1e-12) * h
    ok = np.isfinite(py)
    px, py = _envelope(px[ok], py[ok], columns=max(int(w), 1))
    return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py))


def axes_svg(box: tuple[float, float, float, float], height: int, y_range: tuple[float, float],
             x_first: str, x_last: str) -> str:
    """The two axis lines, the y range at the top and bottom, the x labels at both ends."""
    left, top, w, h = box
    lo, hi = y_range
    return (f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#999"/>'
            f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" stroke="#999"/>'
            f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{hi:.3g}</text>'
            f'<text x="{left - 4}" y="{top + h}" text-anchor="end">{lo:.3g}</text>'
            f'<text x="{left}" y="{height - 6}">{x_first}</text>'
            f'<text x="{left + w}" y="{height - 6}" text-anchor="end">{x_last}</text>')


def _envelope(px: np.ndarray, py: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """At most the lowest and highest point of each pixel column, in order: the same picture
    (jitter included) for a run of 50,000 epochs as for 500, at a bounded cost per frame."""
    if len(px) <= 2 * columns:
        return px, py
    column = np.clip(((px - px[0]) / max(px[-1] - px[0], 1e-12) * columns).astype(int),
                     0, columns - 1)
    order = np.lexsort((py, column))             # by column, then by height within it
    first = np.r_[True, column[order][1:] != column[order][:-1]]
    last = np.r_[first[1:], True]
    keep = np.unique(np.r_[order[first], order[last], 0, len(px) - 1])
    return px[keep], py[keep]


def _vline(x: float, box: tuple[float, float, float, float], x_range: tuple[float, float],
           colour: str, dash: str, label: str) -> str:
    left, top, w, h = box
    (xa, xb) = x_range
    if not xa <= x <= xb:
        return ""
    px = left + (x - xa) / max(xb - xa, 1e-12) * w
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line class="{label}" x1="{px:.1f}" y1="{top}" x2="{px:.1f}" y2="{top + h}" '
            f'stroke="{colour}" stroke-width="1.5"{dashes}><title>{label} at epoch {x:g}'
            '</title></line>')


def curves_svg(history: dict[str, np.ndarray], metric: str = "loss", *, width: int = 360,
               height: int = 120, markers: Sequence[float] = (),
               cursor: float | None = None) -> str:
    """Train (grey) and test (black) curves against epochs, TF Playground style, with axes.

    `markers`: epochs drawn as dashed red lines (where the run was branched); `cursor`: the
    epoch being viewed on the timeline, a solid blue line.
    """
    epochs = history.get("epoch", np.array([]))
    train, test = history.get(f"train_{metric}", epochs), history.get(f"test_{metric}", epochs)
    box = (44.0, 8.0, width - 54.0, height - 30.0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             'font-family="sans-serif" font-size="10">']
    values = np.concatenate([train, test]) if len(epochs) else np.array([])
    values = values[np.isfinite(values)]
    if len(epochs) >= 2 and values.size:
        lo, hi = (0.0, 1.0) if metric == "acc" else (0.0, float(values.max()) or 1.0)
        xr = (float(epochs[0]), float(epochs[-1]) or 1.0)
        for m in markers:
            parts.append(_vline(float(m), box, xr, MARKER_COLOUR, "4,3", "branch"))
        if cursor is not None:
            parts.append(_vline(float(cursor), box, xr, CURSOR_COLOUR, "", "viewing"))
        for series, colour in ((train, TRAIN_COLOUR), (test, TEST_COLOUR)):
            parts.append(f'<polyline points="{polyline_points(epochs, series, box, xr, (lo, hi))}" '
                         f'fill="none" stroke="{colour}" stroke-width="1.6"/>')
        parts.append(axes_svg(box, height, (lo, hi), f"{xr[0]:.0f}", f"epoch {xr[1]:.0f}"))
    parts.append("</svg>")
    return "".join(parts)
