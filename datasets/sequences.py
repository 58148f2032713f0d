"""Tiny sequence tasks for the recurrent-network page: sine forecasting and bit parity.

Both are generated in milliseconds and show what recurrence buys: continuing a wave
needs phase and frequency from several steps, and parity needs memory of every bit.
"""
from __future__ import annotations

import numpy as np

from .base import CLASSIFICATION, KIND_SEQUENCE, REGRESSION, Dataset, freeze, split_train_test
from .toy2d import class_counts

SINE_STEPS = 20
PARITY_STEPS = 8


def make_sine(n_samples: int, noise: float, rng: np.random.Generator,
              steps: int = SINE_STEPS) -> tuple[np.ndarray, np.ndarray]:
    """Windows of sin(ω t + φ), t = 0..T-1, with random φ and ω ∈ [0.5, 1.5]; target = the clean value at t = T.

    Noise (std `noise`) is added to the inputs only, so the model is scored against
    the true continuation of the wave rather than against noise it cannot predict.
    """
    phase = rng.uniform(0.0, 2 * np.pi, (n_samples, 1))
    omega = rng.uniform(0.5, 1.5, (n_samples, 1))
    t = np.arange(steps + 1, dtype=np.float64)[None, :]
    wave = np.sin(omega * t + phase)
    x = wave[:, :steps] + noise * rng.standard_normal((n_samples, steps))
    return x[:, :, None].astype(np.float32), wave[:, steps].astype(np.float32)


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


def load_sine(n_samples: int, noise: float, train_ratio: float, rng: np.random.Generator) -> Dataset:
    """Sine forecasting as a regression Dataset with input_shape (T, 1)."""
    x, y = make_sine(n_samples, noise, rng)
    x_tr, y_tr, x_te, y_te = split_train_test(x, y, train_ratio, rng)
    return Dataset(
        name="sine", task=REGRESSION, kind=KIND_SEQUENCE,
        x_train=freeze(x_tr), y_train=freeze(y_tr), x_test=freeze(x_te), y_test=freeze(y_te),
        input_shape=(SINE_STEPS, 1), feature_names=("value",),
    )


def load_parity(n_samples: int, train_ratio: float, rng: np.random.Generator) -> Dataset:
    """Bit parity as a two-class Dataset ("even", "odd") with input_shape (T, 1); noise does not apply."""
    x, y = make_parity(n_samples, rng)
    x_tr, y_tr, x_te, y_te = split_train_test(x, y, train_ratio, rng)
    return Dataset(
        name="parity", task=CLASSIFICATION, kind=KIND_SEQUENCE,
        x_train=freeze(x_tr), y_train=freeze(y_tr), x_test=freeze(x_te), y_test=freeze(y_te),
        input_shape=(PARITY_STEPS, 1), class_names=("even", "odd"), feature_names=("bit",),
    )
