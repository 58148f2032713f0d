"""Target distributions for the generative lab: the 2D shapes a GAN learns to draw.

GAN Lab's pictures (a ring, a mixture of Gaussians, a line) plus a grid of 25, two moons and a
spiral. Each target is a sampler `fn(n, rng) -> float32 (n, 2)` drawing all of its randomness
from `rng`, so `sample_target(name, n, seed)` is deterministic per seed. Targets with separate
modes (the 8-Gaussian mixture, the grid) list their centres and spread, so mode coverage can be
counted. Points lie inside EXTENT on both axes. numpy only (no torch, no streamlit).
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np

EXTENT = (-2.0, 2.0)        # the plane the lab draws (both axes)
MIX_RADIUS, MIX_STD = 1.4, 0.08
GRID_STEP, GRID_STD = 0.6, 0.05

Sampler = Callable[[int, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class Target:
    """One target distribution: how to sample it and, if it has separate modes, where they are."""

    name: str
    title: str
    description: str
    sample: Sampler
    modes: np.ndarray | None = None     # (K, 2) centres of separate modes, or None
    mode_std: float = 0.0               # spread of each mode (coverage counts within 3 std)


def _ring(n: int, rng: np.random.Generator) -> np.ndarray:
    angle = rng.uniform(0, 2 * np.pi, n)
    r = 1.2 + 0.06 * rng.standard_normal(n)
    return np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)


def _mixture_centres() -> np.ndarray:
    angle = np.arange(8) * (2 * np.pi / 8)
    return MIX_RADIUS * np.stack([np.cos(angle), np.sin(angle)], axis=1)


def _grid_centres() -> np.ndarray:
    ticks = (np.arange(5) - 2) * GRID_STEP
    return np.array([(x, y) for y in ticks for x in ticks])


def _around(centres: np.ndarray, std: float) -> Sampler:
    def sample(n: int, rng: np.random.Generator) -> np.ndarray:
        which = rng.integers(0, len(centres), n)
        return centres[which] + std * rng.standard_normal((n, 2))
    return sample


def _line(n: int, rng: np.random.Generator) -> np.ndarray:
    t = rng.uniform(-1.5, 1.5, n)
    return np.stack([t, 0.5 * t], axis=1) + 0.03 * rng.standard_normal((n, 2))


def _moons(n: int, rng: np.random.Generator) -> np.ndarray:
    upper = rng.random(n) < 0.5
    t = rng.uniform(0, np.pi, n)
    x = np.where(upper, np.cos(t), 1 - np.cos(t)) - 0.5
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t)) - 0.25
    return 1.2 * np.stack([x, y], axis=1) + 0.05 * rng.standard_normal((n, 2))


def _spiral(n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.sqrt(rng.random(n)) * 3 * np.pi         # uniform along the arm's length (roughly)
    r = 0.17 * t
    return np.stack([r * np.cos(t), r * np.sin(t)], axis=1) + 0.03 * rng.standard_normal((n, 2))


TARGETS: Mapping[str, Target] = MappingProxyType({
    "mixture8": Target("mixture8", "Mixture of 8 Gaussians",
                       "Eight small blobs on a circle: the classic test of mode collapse.",
                       _around(_mixture_centres(), MIX_STD), _mixture_centres(), MIX_STD),
    "ring": Target("ring", "Ring", "Points on a thin circle (GAN Lab's first example).", _ring),
    "grid25": Target("grid25", "Grid of 25", "Twenty-five tiny blobs on a 5 × 5 grid: many "
                     "modes to cover.", _around(_grid_centres(), GRID_STD), _grid_centres(),
                     GRID_STD),
    "line": Target("line", "Line", "A thin slanted segment: one dimension inside two.", _line),
    "moons": Target("moons", "Two moons", "Two interleaved half circles.", _moons),
    "spiral": Target("spiral", "Spiral", "One arm winding out from the centre.", _spiral),
})


DRAWN_STD = 0.04            # spread of the real points around each point a student drew


def drawn_target(points: np.ndarray) -> Target:
    """A target made of the points a student drew: real points scatter around them."""
    return Target("drawn", "Draw your own", "Click on the plane to add points.",
                  _around(np.asarray(points, dtype=float).reshape(-1, 2), DRAWN_STD))


def sample_target(name: str, n: int, seed: int, drawn: np.ndarray | None = None) -> np.ndarray:
    """`n` points of target `name` (or of the `drawn` points for "drawn"), float32 (n, 2),
    the same for the same seed."""
    rng = np.random.default_rng(seed)
    target = drawn_target(drawn) if name == "drawn" else TARGETS[name]
    points = target.sample(int(n), rng)
    return np.clip(points, *EXTENT).astype(np.float32)


def mode_counts(points: np.ndarray, target: Target) -> np.ndarray | None:
    """Per mode, how many of `points` lie within 3 standard deviations of its centre."""
    if target.modes is None:
        return None
    d = np.linalg.norm(points[:, None, :] - target.modes[None, :, :], axis=2)   # (n, K)
    near = d.min(axis=1) <= 3 * target.mode_std
    return np.bincount(d.argmin(axis=1)[near], minlength=len(target.modes))


def modes_covered(points: np.ndarray, target: Target, share: float = 0.2) -> int | None:
    """How many modes got at least `share` of their fair share (n / K) of the points.

    A fifth of the fair share: a generator that puts 125 of 1,000 points on each of 8 modes
    covers all 8; one that puts 980 on 2 modes and a few strays elsewhere covers 2.
    """
    counts = mode_counts(points, target)
    if counts is None:
        return None
    fair = len(points) / len(counts)
    return int((counts >= max(1.0, share * fair)).sum())


def reach(real: np.ndarray, fake: np.ndarray, radius: float = 0.15) -> float:
    """Share of the real points with a fake point within `radius`: 1 when the fakes spread
    over the whole target, low when they crowd onto part of it (for targets without modes)."""
    if len(real) == 0 or len(fake) == 0:
        return 0.0
    from scipy.spatial import cKDTree     # scikit-learn's own dependency; lazy import

    nearest, _ = cKDTree(fake).query(real, k=1)   # a tree: 0.2 ms, not 6 ms of 512 × 512 pairs
    return float((nearest <= radius).mean())


def digit_pixels() -> np.ndarray:
    """sklearn's 1,797 handwritten 8×8 digits as float32 rows of 64 pixels in [-1, 1] (the
    range of the generator's tanh output): the GAN lab's image target."""
    from sklearn.datasets import load_digits   # lazy: sklearn.datasets imports pandas

    pixels = np.asarray(load_digits().images, dtype=np.float32).reshape(-1, 64) / 16.0
    return pixels * 2 - 1
