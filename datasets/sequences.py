"""Sequence forecasting and bit parity: windows of a series, and a bit string's parity.

All are generated in milliseconds and show what recurrence buys: continuing a wave needs phase
and frequency from several steps, a chaotic series punishes every small error, and parity needs
memory of every bit. Token tasks (copy, reverse, ...) are in `memory_tasks`, text in `toy_text`.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .base import CLASSIFICATION, KIND_SEQUENCE, REGRESSION, Dataset, freeze, split_train_test
from .toy2d import class_counts

SINE_STEPS = 20
PARITY_STEPS = 8
LOGISTIC_R = 3.9          # inside the logistic map's chaotic range (r > 3.57)

# (n, length, rng) -> (n, length) clean series
Series = Callable[[int, int, np.random.Generator], np.ndarray]


def _sine_series(n: int, length: int, rng: np.random.Generator) -> np.ndarray:
    """sin(ω t + φ) with random φ and ω ∈ [0.5, 1.5]."""
    phase = rng.uniform(0.0, 2 * np.pi, (n, 1))
    omega = rng.uniform(0.5, 1.5, (n, 1))
    return np.sin(omega * np.arange(length, dtype=np.float64)[None, :] + phase)


def _sines_series(n: int, length: int, rng: np.random.Generator) -> np.ndarray:
    """A sum of three sines of random frequency, phase and amplitude (peak about 1)."""
    t = np.arange(length, dtype=np.float64)[None, :, None]
    omega = rng.uniform(0.2, 1.6, (n, 1, 3))
    phase = rng.uniform(0.0, 2 * np.pi, (n, 1, 3))
    amp = rng.uniform(0.2, 1.0, (n, 1, 3))
    return (amp * np.sin(omega * t + phase)).sum(axis=2) / amp.sum(axis=2)


def _damped_series(n: int, length: int, rng: np.random.Generator) -> np.ndarray:
    """A damped oscillation e^(-γt) sin(ωt + φ): the model must learn the decay as well."""
    t = np.arange(length, dtype=np.float64)[None, :]
    omega = rng.uniform(0.5, 1.5, (n, 1))
    gamma = rng.uniform(0.0, 0.15, (n, 1))
    phase = rng.uniform(0.0, 2 * np.pi, (n, 1))
    start = rng.integers(0, 10, (n, 1))       # windows start at different points of the decay
    return np.exp(-gamma * (t + start)) * np.sin(omega * (t + start) + phase)


def _logistic_series(n: int, length: int, rng: np.random.Generator) -> np.ndarray:
    """The chaotic logistic map x ← r·x·(1 − x), rescaled to [-1, 1]: deterministic, yet a tiny
    error grows at every step, so only a model that learned the rule forecasts well."""
    x = rng.uniform(0.05, 0.95, n)
    for _ in range(20):                       # settle onto the attractor first
        x = LOGISTIC_R * x * (1 - x)
    out = np.empty((n, length))
    for t in range(length):
        out[:, t] = x
        x = LOGISTIC_R * x * (1 - x)
    return 2 * out - 1


SERIES: dict[str, Series] = {"sine": _sine_series, "sines": _sines_series,
                             "damped": _damped_series, "logistic": _logistic_series}


def make_forecast(series: Series, n_samples: int, noise: float, rng: np.random.Generator,
                  steps: int, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Windows (N, steps, 1) of a series and the next `horizon` clean values: (N,) or (N, k).

    Noise (std `noise`) is added to the inputs only, so the model is scored against the true
    continuation rather than against noise it cannot predict.
    """
    wave = series(n_samples, steps + horizon, rng)
    x = wave[:, :steps] + noise * rng.standard_normal((n_samples, steps))
    y = wave[:, steps] if horizon == 1 else wave[:, steps:]
    return x[:, :, None].astype(np.float32), y.astype(np.float32)


def make_sine(n_samples: int, noise: float, rng: np.random.Generator,
              steps: int = SINE_STEPS, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Windows of sin(ω t + φ), t = 0..T-1; target = the clean value(s) after the window."""
    return make_forecast(_sine_series, n_samples, noise, rng, steps, horizon)


def make_parity(n_samples: int, rng: np.random.Generator,
                steps: int = PARITY_STEPS) -> tuple[np.ndarray, np.ndarray]:
    """Random bit strings (N, T, 1) in {0, 1}; label 1 when the number of ones is odd.

    Half of the strings are forced to each parity (by flipping one random bit when
    needed) so the classes are exactly balanced and chance accuracy is 50 %.
    """
    bits = rng.integers(0, 2, (n_samples, steps))
    want = np.repeat(np.arange(2), class_counts(n_samples, 2))
    wrong = bits.sum(axis=1) % 2 != want
    flip_at = rng.integers(0, steps, n_samples)
    rows = np.nonzero(wrong)[0]
    bits[rows, flip_at[rows]] ^= 1
    labels = (bits.sum(axis=1) % 2).astype(np.int64)
    return bits[:, :, None].astype(np.float32), labels


def load_forecast(name: str, n_samples: int, noise: float, train_ratio: float,
                  rng: np.random.Generator, steps: int = SINE_STEPS,
                  horizon: int = 1) -> Dataset:
    """A forecasting series (sine, sines, damped, logistic) as a regression Dataset (T, 1)."""
    x, y = make_forecast(SERIES[name], n_samples, noise, rng, steps, horizon)
    x_tr, y_tr, x_te, y_te = split_train_test(x, y, train_ratio, rng)
    return Dataset(
        name=name, task=REGRESSION, kind=KIND_SEQUENCE,
        x_train=freeze(x_tr), y_train=freeze(y_tr), x_test=freeze(x_te), y_test=freeze(y_te),
        input_shape=(steps, 1), feature_names=("value",),
    )


def load_sine(n_samples: int, noise: float, train_ratio: float, rng: np.random.Generator,
              steps: int = SINE_STEPS, horizon: int = 1) -> Dataset:
    """Sine forecasting as a regression Dataset with input_shape (T, 1)."""
    return load_forecast("sine", n_samples, noise, train_ratio, rng, steps, horizon)


def load_parity(n_samples: int, train_ratio: float, rng: np.random.Generator,
                steps: int = PARITY_STEPS) -> Dataset:
    """Bit parity as a two-class Dataset ("even", "odd") with input_shape (T, 1); noise does not apply."""
    x, y = make_parity(n_samples, rng, steps)
    x_tr, y_tr, x_te, y_te = split_train_test(x, y, train_ratio, rng)
    return Dataset(
        name="parity", task=CLASSIFICATION, kind=KIND_SEQUENCE,
        x_train=freeze(x_tr), y_train=freeze(y_tr), x_test=freeze(x_te), y_test=freeze(y_te),
        input_shape=(steps, 1), class_names=("even", "odd"), feature_names=("bit",),
    )
