"""Engineered input features for 2D points (TF Playground's input column) and the plot grid.

A student ticks X₁², sin(X₁), ... to see how feature engineering lets even a linear
model separate a circle; the same function turns a grid of plane coordinates into
model inputs for the decision-boundary heatmap, so training and plotting agree.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Callable, Mapping, Sequence

import numpy as np

from .base import DatasetError

FeatureFn = Callable[[np.ndarray, np.ndarray], np.ndarray]

DEFAULT_EXTENT: tuple[float, float, float, float] = (-6.0, 6.0, -6.0, 6.0)

# name -> (plain-language description, fn(x1, x2)); read-only so no session can change it.
FEATURES: Mapping[str, tuple[str, FeatureFn]] = MappingProxyType({
    "x1": ("the horizontal coordinate", lambda x1, x2: x1),
    "x2": ("the vertical coordinate", lambda x1, x2: x2),
    "x1_sq": ("the horizontal coordinate squared", lambda x1, x2: x1 * x1),
    "x2_sq": ("the vertical coordinate squared", lambda x1, x2: x2 * x2),
    "x1x2": ("the product of both coordinates", lambda x1, x2: x1 * x2),
    "sin_x1": ("the sine of the horizontal coordinate", lambda x1, x2: np.sin(x1)),
    "sin_x2": ("the sine of the vertical coordinate", lambda x1, x2: np.sin(x2)),
})

FEATURE_LABELS: Mapping[str, str] = MappingProxyType({
    "x1": "X₁",
    "x2": "X₂",
    "x1_sq": "X₁²",
    "x2_sq": "X₂²",
    "x1x2": "X₁X₂",
    "sin_x1": "sin(X₁)",
    "sin_x2": "sin(X₂)",
})


def check_features(names: Sequence[str]) -> tuple[str, ...]:
    """Validate a feature selection early, so the UI can show a plain message instead of a crash."""
    names = tuple(names)
    valid = ", ".join(FEATURES)
    if not names:
        raise DatasetError(f"Pick at least one input feature. Valid features: {valid}.")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise DatasetError(f"Unknown feature(s) {', '.join(map(repr, unknown))}. "
                           f"Valid features: {valid}.")
    if len(set(names)) != len(names):
        raise DatasetError(f"Each feature may be chosen only once, got {names!r}.")
    return names


def apply_features(points: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Turn raw (N, 2) coordinates into the (N, len(names)) float32 matrix the model sees."""
    names = check_features(names)
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise DatasetError(f"Features need points of shape (N, 2), got {pts.shape}.")
    x1, x2 = pts[:, 0], pts[:, 1]
    columns = [np.broadcast_to(FEATURES[n][1](x1, x2), x1.shape) for n in names]
    return np.stack(columns, axis=1).astype(np.float32)


def make_grid(extent: tuple[float, float, float, float] = DEFAULT_EXTENT,
              resolution: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grid of plane points for decision-boundary heatmaps.

    Row-major: reshaping any per-point output to (R, R) gives rows = y ascending and
    columns = x ascending, which is what heatmap/contour plots expect (z[row=y][col=x]).
    Returns (points (R*R, 2) float32, xs (R,), ys (R,)).
    """
    xmin, xmax, ymin, ymax = (float(v) for v in extent)
    if not (xmin < xmax and ymin < ymax):
        raise DatasetError(f"Grid extent must be (xmin, xmax, ymin, ymax) with min < max, got {extent}.")
    if int(resolution) < 2:
        raise DatasetError(f"Grid resolution must be at least 2, got {resolution}.")
    xs = np.linspace(xmin, xmax, int(resolution), dtype=np.float32)
    ys = np.linspace(ymin, ymax, int(resolution), dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)          # 'xy' indexing: gx[row, col] = xs[col], gy[row, col] = ys[row]
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    return points, xs, ys
