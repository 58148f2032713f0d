"""Offline image sets: sklearn's 8×8 digits and procedurally drawn 28×28 shapes.

Both work without a network, so the image/CNN pages always have something to train
on even when MNIST cannot be downloaded (a classroom behind a firewall).
"""
from __future__ import annotations

import numpy as np

from .base import CLASSIFICATION, KIND_IMAGE, Dataset, freeze, split_train_test, subsample
from .toy2d import class_counts

SHAPE_CLASSES: tuple[str, ...] = ("circle", "square", "triangle", "cross", "line")
SHAPE_SIZE = 28
_CHUNK = 2048        # images rasterised at once


def load_digits(n_samples: int, train_ratio: float, rng: np.random.Generator) -> Dataset:
    """sklearn's bundled 8×8 handwritten digits (1,797 images), scaled to [0, 1]: a mini MNIST."""
    from sklearn.datasets import load_digits as _sk_load_digits   # lazy: sklearn.datasets imports pandas

    bunch = _sk_load_digits()
    x = (np.asarray(bunch.images, dtype=np.float32) / 16.0).reshape(-1, 1, 8, 8)
    y = np.asarray(bunch.target, dtype=np.int64)
    x, y = subsample(x, y, n_samples, rng)
    x_tr, y_tr, x_te, y_te = split_train_test(x, y, train_ratio, rng)
    return Dataset(
        name="digits", task=CLASSIFICATION, kind=KIND_IMAGE,
        x_train=freeze(x_tr), y_train=freeze(y_tr), x_test=freeze(x_te), y_test=freeze(y_te),
        input_shape=(1, 8, 8), class_names=tuple(str(d) for d in range(10)),
    )


def _soft(d: np.ndarray) -> np.ndarray:
    """Signed distance (pixels, negative inside) -> ink in [0, 1] with a one-pixel anti-aliased edge."""
    return np.clip(0.5 - d, 0.0, 1.0)


def _bar(u: np.ndarray, v: np.ndarray, half_len: np.ndarray, half_width: np.ndarray) -> np.ndarray:
    """Signed distance (box approximation) to a bar along the rotated u axis."""
    return np.maximum(np.abs(u) - half_len, np.abs(v) - half_width)


def _draw(cls: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Rasterise n images of one class with numpy coordinate grids; returns (n, 28, 28) float32.

    Every shape's outline fits in a circle of radius `size` (plus stroke) around its
    centre, and the centre keeps that far from the border, so nothing is cut off; circles/squares/triangles are filled or outlined at random, crosses and lines
    are strokes. Size, position, rotation, stroke width and brightness vary per image.
    """
    s = SHAPE_SIZE
    size = rng.uniform(4.5, 9.5, n)                                 # bounding radius, pixels
    half_w = rng.uniform(0.7, 1.4, n)                                # half stroke width
    margin = size + 2 * half_w + 1.5      # stroke (x2 at a triangle's tip) + anti-aliasing + 1 px
    cx = rng.uniform(margin, s - margin)[:, None, None]
    cy = rng.uniform(margin, s - margin)[:, None, None]
    size, half_w = size[:, None, None], half_w[:, None, None]
    theta = rng.uniform(0.0, 2 * np.pi, n)[:, None, None]
    filled = rng.random(n)[:, None, None] < 0.5
    bright = rng.uniform(0.7, 1.0, n)[:, None, None]

    grid = np.arange(s, dtype=np.float64) + 0.5                      # pixel centres
    px, py = grid[None, None, :] - cx, grid[None, :, None] - cy
    u = np.cos(theta) * px + np.sin(theta) * py
    v = -np.sin(theta) * px + np.cos(theta) * py

    name = SHAPE_CLASSES[cls]
    if name == "cross":
        d = np.minimum(_bar(u, v, size, half_w), _bar(v, u, size, half_w))
        return (_soft(d) * bright).astype(np.float32)
    if name == "line":
        return (_soft(_bar(u, v, size, half_w)) * bright).astype(np.float32)
    if name == "circle":
        d = np.hypot(u, v) - size
    elif name == "square":
        d = np.maximum(np.abs(u), np.abs(v)) - size / np.sqrt(2.0)   # corners touch the bounding circle
    else:  # triangle: equilateral, circumradius = size, inradius = size / 2
        normals = np.array([np.pi / 2, np.pi / 2 + 2 * np.pi / 3, np.pi / 2 + 4 * np.pi / 3])
        d = np.max([np.cos(a) * u + np.sin(a) * v for a in normals], axis=0) - size / 2.0
    ink = np.where(filled, _soft(d), _soft(np.abs(d) - half_w))
    return (ink * bright).astype(np.float32)


def make_shapes(n_samples: int, noise: float,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Balanced procedural shape images (N, 1, 28, 28) in [0, 1] and int64 labels.

    Gaussian pixel noise of std `noise` is added last and clipped, so noise=0 gives
    clean drawings and a higher slider makes the task visibly harder. Images are drawn
    in fixed-size chunks to bound peak memory for large requests.
    """
    counts = class_counts(n_samples, len(SHAPE_CLASSES))
    x = np.empty((n_samples, 1, SHAPE_SIZE, SHAPE_SIZE), dtype=np.float32)
    labels = np.repeat(np.arange(len(SHAPE_CLASSES), dtype=np.int64), counts)
    start = 0
    for cls, n in enumerate(counts):
        for lo in range(0, n, _CHUNK):
            m = min(_CHUNK, n - lo)
            x[start:start + m, 0] = _draw(cls, m, rng)
            start += m
    if noise > 0:
        for lo in range(0, n_samples, _CHUNK):
            block = x[lo:lo + _CHUNK]
            block += rng.standard_normal(block.shape, dtype=np.float32) * np.float32(noise)
            np.clip(block, 0.0, 1.0, out=block)
    return x, labels


def load_shapes(n_samples: int, noise: float, train_ratio: float, rng: np.random.Generator) -> Dataset:
    """The shapes set as a ready train/test split."""
    x, y = make_shapes(n_samples, noise, rng)
    x_tr, y_tr, x_te, y_te = split_train_test(x, y, train_ratio, rng)
    return Dataset(
        name="shapes", task=CLASSIFICATION, kind=KIND_IMAGE,
        x_train=freeze(x_tr), y_train=freeze(y_tr), x_test=freeze(x_te), y_test=freeze(y_te),
        input_shape=(1, SHAPE_SIZE, SHAPE_SIZE), class_names=SHAPE_CLASSES,
    )
