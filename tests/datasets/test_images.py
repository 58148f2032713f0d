"""Offline image sets: sklearn digits and the procedural shapes."""
from __future__ import annotations

import time

import numpy as np

from datasets import load_dataset
from datasets.images import SHAPE_CLASSES, make_shapes


def test_digits_shape_range_and_names():
    ds = load_dataset("digits", n_samples=5000, train_ratio=0.5)
    assert len(ds.x_train) + len(ds.x_test) == 1797
    assert ds.x_train.shape[1:] == (1, 8, 8) and ds.input_shape == (1, 8, 8)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert ds.x_train.min() >= 0.0 and ds.x_train.max() == 1.0
    assert ds.class_names == tuple("0123456789")


def test_digits_subsample():
    ds = load_dataset("digits", n_samples=300, train_ratio=0.8, seed=2)
    assert len(ds.x_train) == 240 and len(ds.x_test) == 60


def test_shapes_balanced_in_range_and_labelled():
    x, y = make_shapes(503, 0.3, np.random.default_rng(0))
    assert x.shape == (503, 1, 28, 28) and x.dtype == np.float32 and y.dtype == np.int64
    counts = np.bincount(y)
    assert len(counts) == len(SHAPE_CLASSES) and counts.max() - counts.min() <= 1
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert SHAPE_CLASSES == ("circle", "square", "triangle", "cross", "line")


def test_clean_shapes_have_ink_and_stay_inside_the_frame():
    x, _ = make_shapes(250, 0.0, np.random.default_rng(1))
    img = x[:, 0]
    assert (img.reshape(250, -1).max(axis=1) > 0.5).all()             # every image drawn
    border = np.concatenate([img[:, 0], img[:, -1], img[:, :, 0], img[:, :, -1]], axis=1)
    assert border.max() == 0.0                                        # nothing cut off
    assert (img == 0.0).mean() > 0.5                                  # clean background


def test_shapes_classes_differ_on_average():
    x, y = make_shapes(1000, 0.0, np.random.default_rng(2))
    ink = x.reshape(len(x), -1).mean(axis=1)
    means = [ink[y == k].mean() for k in range(5)]
    assert means[4] < means[0]                                        # a line has less ink than a circle
    centroids = np.stack([x[y == k].mean(axis=0).ravel() for k in range(5)])
    dists = np.linalg.norm(centroids[:, None] - centroids[None], axis=2)
    assert (dists + np.eye(5) * 99).min() > 0.5


def test_noise_changes_pixels_and_zero_noise_is_clean():
    clean, _ = make_shapes(50, 0.0, np.random.default_rng(3))
    noisy, _ = make_shapes(50, 0.4, np.random.default_rng(3))
    assert np.array_equal(clean, make_shapes(50, 0.0, np.random.default_rng(3))[0])
    assert (noisy != clean).mean() > 0.3


def test_shapes_deterministic_per_seed():
    a = load_dataset("shapes", n_samples=200, noise=0.2, seed=7)
    b = load_dataset("shapes", n_samples=200, noise=0.2, seed=7)
    c = load_dataset("shapes", n_samples=200, noise=0.2, seed=8)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.x_train, c.x_train)
    assert a.input_shape == (1, 28, 28) and a.class_names == SHAPE_CLASSES


def test_shapes_are_fast():
    start = time.perf_counter()
    make_shapes(2000, 0.2, np.random.default_rng(0))
    assert time.perf_counter() - start < 2.0
