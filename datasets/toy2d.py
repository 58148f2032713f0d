"""TensorFlow Playground's 2D point generators, plus a few multi-class extras.

Ported from TFP's dataset.ts so that students see the same pictures as on
playground.tensorflow.org. Every generator has the signature
``fn(n_samples, noise, rng) -> (points float32 (N, 2), labels)`` and draws all of its
randomness from ``rng`` so a seed reproduces a dataset exactly. ``noise`` is TFP's
slider value divided by 100 (0.0 .. 0.8). Classification labels are int64 class
indices (TFP's -1 becomes 0, +1 becomes 1); regression labels are float32 in [-1, 1].
"""
from __future__ import annotations

from typing import Callable

import numpy as np

Generator2D = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]

BLOB_RADIUS = 3.5            # centres of the `blobs` classes lie on this circle
SPIRAL_RADIUS = 5.0          # TFP: r = i / n * 5
SPIRAL_TURNS = 1.75          # TFP: t = 1.75 * i / n * 2π
MOONS_SCALE = 10.0 / 3.0     # sklearn moons span 3 units in x; stretch them to [-5, 5]


def class_counts(n_samples: int, n_classes: int) -> list[int]:
    """Split n_samples over classes as evenly as possible, extras going to the last classes.

    Keeping exactly n_samples points (rather than n // K per class) means the sample-count
    slider always shows the number of points the student asked for.
    """
    base, extra = divmod(n_samples, n_classes)
    return [base + (1 if k >= n_classes - extra else 0) for k in range(n_classes)]


def _normal(rng: np.random.Generator, mean: float, variance: float, size: int) -> np.ndarray:
    """TFP's normalRandom(mean, variance): note it takes a variance, not a std."""
    return mean + np.sqrt(variance) * rng.standard_normal(size)


def _pack(x: np.ndarray, y: np.ndarray, labels: np.ndarray,
          regression: bool = False) -> tuple[np.ndarray, np.ndarray]:
    points = np.stack([x, y], axis=1).astype(np.float32)
    return points, labels.astype(np.float32 if regression else np.int64)


def circle(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TFP 'Circle': a disc of one class inside a ring of the other; noise blurs the labels.

    As in TFP, noise moves the point only for the labelling test: the stored point is
    the clean one, so a noisy dataset shows 'wrong colour' points near the boundary.
    """
    radius = 5.0
    n_neg, n_pos = class_counts(n_samples, 2)    # TFP draws positives (inside) first

    def ring(n: int, r_lo: float, r_hi: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r = rng.uniform(r_lo, r_hi, n)
        angle = rng.uniform(0.0, 2 * np.pi, n)
        x, y = r * np.sin(angle), r * np.cos(angle)
        noise_x = rng.uniform(-radius, radius, n) * noise
        noise_y = rng.uniform(-radius, radius, n) * noise
        label = np.hypot(x + noise_x, y + noise_y) < radius * 0.5
        return x, y, label

    xp, yp, lp = ring(n_pos, 0.0, radius * 0.5)
    xn, yn, ln = ring(n_neg, radius * 0.7, radius)
    return _pack(np.concatenate([xp, xn]), np.concatenate([yp, yn]), np.concatenate([lp, ln]))


def xor(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TFP 'Exclusive or': the label is the sign of x*y, with a 0.3 gap around the axes."""
    padding = 0.3
    x = rng.uniform(-5.0, 5.0, n_samples)
    x = x + np.where(x > 0, padding, -padding)
    y = rng.uniform(-5.0, 5.0, n_samples)
    y = y + np.where(y > 0, padding, -padding)
    noise_x = rng.uniform(-5.0, 5.0, n_samples) * noise
    noise_y = rng.uniform(-5.0, 5.0, n_samples) * noise
    label = (x + noise_x) * (y + noise_y) >= 0
    return _pack(x, y, label)


def gauss(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TFP 'Gaussian': two clouds at (2, 2) and (-2, -2); noise widens them until they overlap."""
    variance = 0.5 + (4.0 - 0.5) * noise / 0.5   # d3 linear [0, .5] -> [.5, 4], unclamped
    n_neg, n_pos = class_counts(n_samples, 2)
    x = np.concatenate([_normal(rng, 2.0, variance, n_pos), _normal(rng, -2.0, variance, n_neg)])
    y = np.concatenate([_normal(rng, 2.0, variance, n_pos), _normal(rng, -2.0, variance, n_neg)])
    labels = np.concatenate([np.ones(n_pos), np.zeros(n_neg)])
    return _pack(x, y, labels)


def _spiral_arm(n: int, delta_t: float, noise: float,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One TFP spiral arm: radius grows linearly to 5 over 1.75 turns."""
    i = np.arange(n, dtype=np.float64)
    frac = i / max(n, 1)
    r = frac * SPIRAL_RADIUS
    t = SPIRAL_TURNS * frac * 2 * np.pi + delta_t
    x = r * np.sin(t) + rng.uniform(-1.0, 1.0, n) * noise
    y = r * np.cos(t) + rng.uniform(-1.0, 1.0, n) * noise
    return x, y


def spiral(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TFP 'Spiral': two interleaved arms, the classic 'hard for a linear model' set."""
    n_neg, n_pos = class_counts(n_samples, 2)
    xp, yp = _spiral_arm(n_pos, 0.0, noise, rng)       # deltaT = 0 -> TFP label +1
    xn, yn = _spiral_arm(n_neg, np.pi, noise, rng)     # deltaT = π -> TFP label -1
    labels = np.concatenate([np.ones(n_pos), np.zeros(n_neg)])
    return _pack(np.concatenate([xp, xn]), np.concatenate([yp, yn]), labels)


def moons(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half moons (sklearn's make_moons), centred and scaled to about [-5, 5].

    Computed here rather than by sklearn so that `rng` drives it; angles are random
    rather than evenly spaced so that a different seed gives different points.
    Noise is Gaussian with std noise * 2 plane units.
    """
    n_outer, n_inner = class_counts(n_samples, 2)
    a_out = rng.uniform(0.0, np.pi, n_outer)
    a_in = rng.uniform(0.0, np.pi, n_inner)
    x = np.concatenate([np.cos(a_out), 1.0 - np.cos(a_in)]) - 0.5
    y = np.concatenate([np.sin(a_out), 1.0 - np.sin(a_in) - 0.5]) - 0.25
    x = x * MOONS_SCALE + rng.standard_normal(n_samples) * noise * 2.0
    y = y * MOONS_SCALE + rng.standard_normal(n_samples) * noise * 2.0
    labels = np.concatenate([np.zeros(n_outer), np.ones(n_inner)])
    return _pack(x, y, labels)


def blobs(n_samples: int, noise: float, rng: np.random.Generator,
          n_classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """K Gaussian blobs on a circle: the simplest multi-class set (softmax, one-vs-rest)."""
    xs, ys, labels = [], [], []
    std = 0.6 + noise * 4.0
    for k, n in enumerate(class_counts(n_samples, n_classes)):
        angle = 2 * np.pi * k / n_classes
        xs.append(BLOB_RADIUS * np.cos(angle) + rng.standard_normal(n) * std)
        ys.append(BLOB_RADIUS * np.sin(angle) + rng.standard_normal(n) * std)
        labels.append(np.full(n, k))
    return _pack(np.concatenate(xs), np.concatenate(ys), np.concatenate(labels))


def spiral_multi(n_samples: int, noise: float, rng: np.random.Generator,
                 n_classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """K spiral arms 2π/K apart with TFP's radius/turn law: a hard multi-class set."""
    xs, ys, labels = [], [], []
    for k, n in enumerate(class_counts(n_samples, n_classes)):
        x, y = _spiral_arm(n, 2 * np.pi * k / n_classes, noise, rng)
        xs.append(x)
        ys.append(y)
        labels.append(np.full(n, k))
    return _pack(np.concatenate(xs), np.concatenate(ys), np.concatenate(labels))


def reg_plane(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TFP 'Plane' regression: the target rises linearly along the diagonal x + y."""
    return _tfp_regression(n_samples, noise, rng,
                           lambda x, y: np.clip((x + y) / 10.0, -1.0, 1.0))


def _tfp_regression(n_samples: int, noise: float, rng: np.random.Generator,
                    label_of) -> tuple[np.ndarray, np.ndarray]:
    """TFP's regression sampling: uniform points in ±6, labels read at a noise-shifted spot."""
    radius = 6.0
    x = rng.uniform(-radius, radius, n_samples)
    y = rng.uniform(-radius, radius, n_samples)
    noise_x = rng.uniform(-radius, radius, n_samples) * noise
    noise_y = rng.uniform(-radius, radius, n_samples) * noise
    return _pack(x, y, label_of(x + noise_x, y + noise_y), regression=True)


_GAUSSIANS = np.array([(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1),
                       (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)], dtype=np.float64)


def multi_gauss_label(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """TFP's multi-gaussian target: the strongest of six ±bumps (strictly-larger wins, first on ties)."""
    d = np.hypot(x[:, None] - _GAUSSIANS[None, :, 0], y[:, None] - _GAUSSIANS[None, :, 1])
    values = _GAUSSIANS[None, :, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)
    best = np.argmax(np.abs(values), axis=1)          # all-zero rows pick 0, whose value is 0
    return values[np.arange(len(x)), best]


def reg_gauss(n_samples: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TFP 'Multi Gaussian' regression: six bumps of alternating sign on a 3×2 grid."""
    return _tfp_regression(n_samples, noise, rng, multi_gauss_label)
