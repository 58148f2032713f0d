"""Sequence tasks: sine forecasting and bit parity."""
from __future__ import annotations

import numpy as np

from datasets import load_dataset
from datasets.sequences import make_parity, make_sine


def test_sine_shapes_and_dtypes():
    ds = load_dataset("sine", n_samples=300, noise=0.1)
    assert ds.x_train.shape == (150, 20, 1) and ds.input_shape == (20, 1)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.float32
    assert ds.y_train.shape == (150,) and ds.task == "regression" and ds.class_names == ()


def test_sine_target_continues_the_wave():
    x, y = make_sine(200, 0.0, np.random.default_rng(0))
    s = x[:, :, 0].astype(np.float64)
    assert np.abs(s).max() <= 1.0 and np.abs(y).max() <= 1.0
    # a pure sinusoid obeys s[t+1] = 2 cos(ω) s[t] - s[t-1]: fit 2cos(ω) per window, extrapolate
    prev, cur, nxt = s[:, :-2], s[:, 1:-1], s[:, 2:]
    k = ((nxt + prev) * cur).sum(axis=1) / (cur * cur).sum(axis=1)
    assert np.allclose(nxt, k[:, None] * cur - prev, atol=1e-5)
    omega = np.arccos(np.clip(k / 2, -1, 1))
    assert omega.min() >= 0.5 - 1e-3 and omega.max() <= 1.5 + 1e-3
    assert np.allclose(y, k * s[:, -1] - s[:, -2], atol=1e-5)


def test_sine_noise_only_touches_inputs():
    clean = make_sine(50, 0.0, np.random.default_rng(1))
    noisy = make_sine(50, 0.5, np.random.default_rng(1))
    assert np.array_equal(clean[1], noisy[1])
    assert not np.allclose(clean[0], noisy[0])


def test_parity_labels_are_correct_and_balanced():
    x, y = make_parity(501, np.random.default_rng(0))
    assert x.shape == (501, 8, 1) and x.dtype == np.float32 and y.dtype == np.int64
    assert set(np.unique(x)) <= {0.0, 1.0}
    assert np.array_equal(y, x[:, :, 0].sum(axis=1).astype(np.int64) % 2)
    assert abs(int(np.bincount(y)[0]) - int(np.bincount(y)[1])) <= 1


def test_parity_dataset_ignores_noise():
    a = load_dataset("parity", n_samples=100, noise=0.0, seed=3)
    b = load_dataset("parity", n_samples=100, noise=0.7, seed=3)
    assert np.array_equal(a.x_train, b.x_train)
    assert a.class_names == ("even", "odd") and a.input_shape == (8, 1)
    assert np.array_equal(a.y_test, a.x_test[:, :, 0].sum(axis=1).astype(np.int64) % 2)
