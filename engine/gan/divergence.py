"""How far the fake points are from the real ones, as one number a student can watch fall.

Jensen-Shannon divergence between the two point clouds, each smoothed into a histogram on a
grid over the plane: 0 bits when the clouds match, 1 bit when they do not overlap at all. It is
the quantity the original minimax game minimises, measured here independently of D (which
may be fooled or may be winning). numpy only.
"""
from __future__ import annotations

import numpy as np

BINS = 24
EXTENT = (-2.0, 2.0)


def histogram(points: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Share of `points` in each cell of a bins × bins grid over EXTENT (points outside count
    in the border cells)."""
    clipped = np.clip(points, EXTENT[0], EXTENT[1] - 1e-9)
    h, _, _ = np.histogram2d(clipped[:, 0], clipped[:, 1], bins=bins, range=[EXTENT, EXTENT])
    return h / max(len(points), 1)


def js_on_grid(real: np.ndarray, fake: np.ndarray, bins: int = BINS) -> float:
    """JS(real ‖ fake) in bits from grid histograms."""
    p, q = histogram(real, bins), histogram(fake, bins)
    m = 0.5 * (p + q)

    def kl(a: np.ndarray) -> float:
        mask = a > 0
        return float((a[mask] * np.log2(a[mask] / m[mask])).sum())

    return max(0.0, 0.5 * kl(p) + 0.5 * kl(q))
