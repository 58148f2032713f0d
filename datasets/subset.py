"""Fewer training examples, same test set: so a student sees what more data buys.

The split is already shuffled, so taking examples in order is a random sample; interleaving
the classes first keeps even a tiny training set balanced (50 digits = 5 of each).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .base import CLASSIFICATION, Dataset, DatasetError, freeze


def balanced_order(labels: np.ndarray) -> np.ndarray:
    """Indices that take one example of each class in turn, keeping each class's order."""
    labels = np.asarray(labels)
    rank = np.empty(len(labels), dtype=np.int64)
    for cls in np.unique(labels):
        where = np.flatnonzero(labels == cls)
        rank[where] = np.arange(len(where))      # k-th example of its class
    return np.lexsort((labels, rank))            # by rank, then by class


def take_train(ds: Dataset, n: int) -> Dataset:
    """The same dataset with only `n` training examples (class-balanced); test set unchanged."""
    total = len(ds.x_train)
    if n < 1:
        raise DatasetError(f"The training set needs at least one example, got {n}.")
    if n >= total:
        return ds
    order = (balanced_order(ds.y_train) if ds.task == CLASSIFICATION
             else np.arange(total))[:n]
    order = np.sort(order)                        # keep the split's shuffled order
    w = None if ds.w_train is None else freeze(ds.w_train[order])
    return dataclasses.replace(ds, x_train=freeze(ds.x_train[order]),
                               y_train=freeze(ds.y_train[order]), w_train=w)


def only_classes(ds: Dataset, classes: tuple[int, ...]) -> Dataset:
    """The same split keeping only `classes` (in both train and test), relabelled 0..k-1 in
    the order given: digits 5–9 become a five-class task whose class 0 is "5"."""
    if ds.task != CLASSIFICATION:
        raise DatasetError("Only a classification set can be cut down to some classes.")
    lookup = np.full(len(ds.class_names), -1, dtype=np.int64)
    lookup[list(classes)] = np.arange(len(classes))

    def cut(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keep = lookup[y] >= 0
        return freeze(x[keep]), freeze(lookup[y[keep]])

    x_tr, y_tr = cut(ds.x_train, ds.y_train)
    x_te, y_te = cut(ds.x_test, ds.y_test)
    w = None if ds.w_train is None else freeze(ds.w_train[lookup[ds.y_train] >= 0])
    return dataclasses.replace(ds, x_train=x_tr, y_train=y_tr, x_test=x_te, y_test=y_te,
                               w_train=w, class_names=tuple(ds.class_names[c] for c in classes))
