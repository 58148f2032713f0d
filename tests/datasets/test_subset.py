"""Fewer training images, same test set, classes kept balanced."""
import numpy as np
import pytest

from datasets import DatasetError, load_dataset
from datasets.subset import balanced_order, take_train


def test_balanced_order_interleaves_classes_in_their_own_order():
    labels = np.array([2, 0, 0, 1, 2, 0])
    order = balanced_order(labels)
    assert labels[order].tolist() == [0, 1, 2, 0, 2, 0]
    assert order.tolist() == [1, 3, 0, 2, 4, 5]


def test_take_train_keeps_the_test_set_and_balances_classes():
    ds = load_dataset("digits", n_samples=1797, train_ratio=0.7, seed=1)
    small = take_train(ds, 50)
    assert len(small.x_train) == 50 and small.x_train.shape[1:] == (1, 8, 8)
    assert np.bincount(small.y_train, minlength=10).tolist() == [5] * 10
    assert small.x_test is ds.x_test and small.y_test is ds.y_test
    assert not small.x_train.flags.writeable
    rows = {tuple(r.ravel()) for r in ds.x_train}
    assert all(tuple(r.ravel()) in rows for r in small.x_train)     # a subset, not new images
    assert take_train(ds, 10**6) is ds
    bigger = take_train(ds, 200)                                     # nested: more data adds
    assert {tuple(r.ravel()) for r in small.x_train} <= {tuple(r.ravel()) for r in bigger.x_train}


def test_take_train_rejects_an_empty_training_set():
    ds = load_dataset("digits", n_samples=100, train_ratio=0.5, seed=1)
    with pytest.raises(DatasetError):
        take_train(ds, 0)
