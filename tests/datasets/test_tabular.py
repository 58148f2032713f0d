"""Bundled sklearn tables: splitting, subsampling and train-only standardization."""
from __future__ import annotations

import numpy as np
import pytest

from datasets import load_dataset
from datasets.tabular import standardize

SIZES = {"iris": (150, 4, 3), "wine": (178, 13, 3), "breast_cancer": (569, 30, 2)}


@pytest.mark.parametrize("name", list(SIZES))
def test_shapes_names_and_clamping(name):
    rows, cols, classes = SIZES[name]
    ds = load_dataset(name, n_samples=10_000, train_ratio=0.6)
    assert len(ds.x_train) + len(ds.x_test) == rows                 # clamped to the set size
    assert len(ds.x_train) == int(np.floor(rows * 0.6))
    assert ds.x_train.shape[1:] == (cols,) and ds.input_shape == (cols,)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert len(ds.class_names) == classes and len(ds.feature_names) == cols
    assert set(np.unique(np.concatenate([ds.y_train, ds.y_test]))) == set(range(classes))


def test_iris_names_come_from_sklearn():
    ds = load_dataset("iris")
    assert ds.class_names == ("setosa", "versicolor", "virginica")
    assert ds.feature_names[0] == "sepal length (cm)"


def test_subsampling_keeps_n_rows():
    ds = load_dataset("breast_cancer", n_samples=100, train_ratio=0.5, seed=3)
    assert len(ds.x_train) == 50 and len(ds.x_test) == 50


@pytest.mark.parametrize("name", list(SIZES))
def test_standardized_on_training_statistics(name):
    ds = load_dataset(name, n_samples=10_000, train_ratio=0.5, seed=1)
    assert np.allclose(ds.x_train.mean(axis=0), 0.0, atol=1e-4)
    assert np.allclose(ds.x_train.std(axis=0), 1.0, atol=1e-3)
    assert not np.allclose(ds.x_test.mean(axis=0), 0.0, atol=1e-4)  # test is not re-centred


def test_standardize_uses_train_only_and_survives_constant_columns():
    train = np.array([[0.0, 5.0], [2.0, 5.0]])
    test = np.array([[10.0, 7.0]])
    tr, te = standardize(train, test)
    assert np.allclose(tr, [[-1.0, 0.0], [1.0, 0.0]])
    assert np.allclose(te, [[9.0, 2.0]])                              # std 0 -> divide by 1
    assert tr.dtype == np.float32 and te.dtype == np.float32


def test_deterministic_split():
    a = load_dataset("wine", seed=4)
    b = load_dataset("wine", seed=4)
    c = load_dataset("wine", seed=5)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)
