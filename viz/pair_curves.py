"""Compare mode's curves: run A solid, run B dashed, on one pair of axes per measure.

The test curve of each run is drawn strong (it is what the verdict judges), the train curve
thin and faint, so a gap between train and test (overfitting) shows for each run too.
"""
from __future__ import annotations

import numpy as np

from viz.curves import axes_svg, polyline_points

A_COLOUR, B_COLOUR = "#0877bd", "#d95f02"       # the playground's blue, a contrasting orange
DASH = "6,4"


def pair_curves_svg(history_a: dict[str, np.ndarray], history_b: dict[str, np.ndarray],
                    metric: str = "loss", *, width: int = 300, height: int = 150) -> str:
    """Both runs' train and test `metric` against epochs (A solid, B dashed)."""
    runs = [(h.get("epoch", np.array([])), h, colour, dash)
            for h, colour, dash in ((history_a, A_COLOUR, ""), (history_b, B_COLOUR, DASH))]
    box = (44.0, 8.0, width - 54.0, height - 30.0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             'font-family="sans-serif" font-size="10">']
    ys = [h.get(f"{split}_{metric}", np.array([])) for _, h, _, _ in runs
          for split in ("train", "test")]
    values = np.concatenate(ys) if ys else np.array([])
    values = values[np.isfinite(values)]
    last = max((float(e[-1]) for e, *_ in runs if len(e)), default=0.0)
    if values.size and any(len(e) >= 2 for e, *_ in runs):
        lo, hi = (0.0, 1.0) if metric == "acc" else (0.0, float(values.max()) or 1.0)
        xr = (0.0, last or 1.0)
        for epochs, h, colour, dash in runs:
            if len(epochs) < 2:
                continue
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            for split, width_px, opacity in (("train", 1.0, 0.45), ("test", 2.0, 1.0)):
                series = h.get(f"{split}_{metric}", np.full(len(epochs), np.nan))
                parts.append(f'<polyline points="{polyline_points(epochs, series, box, xr, (lo, hi))}"'
                             f' fill="none" stroke="{colour}" stroke-width="{width_px}" '
                             f'stroke-opacity="{opacity}"{dashes}/>')
        parts.append(axes_svg(box, height, (lo, hi), "0", f"epoch {last:.0f}"))
    parts.append("</svg>")
    return "".join(parts)


def overlay_svg(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], *,
                y_range: tuple[float, float] | None = None, x_label: str = "step",
                width: int = 420, height: int = 150) -> str:
    """One measure of both runs against a shared x axis (A solid, B dashed): the GAN lab's
    JS divergence against steps. `y_range` defaults to 0 .. the largest value."""
    box = (44.0, 8.0, width - 54.0, height - 30.0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             'font-family="sans-serif" font-size="10">']
    ys = np.concatenate([np.asarray(a[1], float), np.asarray(b[1], float)])
    ys = ys[np.isfinite(ys)]
    last = max([float(x[-1]) for x, _ in (a, b) if len(x)], default=0.0)
    if ys.size and any(len(x) >= 2 for x, _ in (a, b)):
        lo, hi = y_range or (0.0, float(ys.max()) or 1.0)
        for (xs, values), colour, dash in ((a, A_COLOUR, ""), (b, B_COLOUR, DASH)):
            if len(xs) < 2:
                continue
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            points = polyline_points(np.asarray(xs, float), np.asarray(values, float), box,
                                     (0.0, last or 1.0), (lo, hi))
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                         f'stroke-width="2.0"{dashes}/>')
        parts.append(axes_svg(box, height, (lo, hi), "0", f"{x_label} {last:,.0f}"))
    parts.append("</svg>")
    return "".join(parts)
