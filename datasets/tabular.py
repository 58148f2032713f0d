"""Small real tabular sets bundled with scikit-learn (iris, wine, breast cancer): no download.

They show students that the same MLP that separates spirals also classifies flowers
or tumours, once each column is put on a common scale.
"""
from __future__ import annotations

import numpy as np

from .base import CLASSIFICATION, KIND_TABULAR, Dataset, DatasetError, freeze, split_train_test, subsample

TABULAR_NAMES = ("iris", "wine", "breast_cancer")


def _load_raw(name: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """Read one bundled set. sklearn.datasets is imported here, not at module level,
    because it pulls in pandas and costs ~2 s: `import datasets` stays light."""
    from sklearn import datasets as skd

    loaders = {"iris": skd.load_iris, "wine": skd.load_wine, "breast_cancer": skd.load_breast_cancer}
    if name not in loaders:
        raise DatasetError(f"Unknown tabular dataset {name!r}; valid: {', '.join(TABULAR_NAMES)}.")
    bunch = loaders[name]()
    classes = tuple(str(c) for c in bunch.target_names)
    features = tuple(str(f) for f in bunch.feature_names)
    return np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target, dtype=np.int64), classes, features


def standardize(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale columns with the TRAINING mean/std only, so no test information leaks into
    the inputs; constant columns (std 0) are only centred."""
    mean = train.mean(axis=0)
    std = train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return ((train - mean) / std).astype(np.float32), ((test - mean) / std).astype(np.float32)


def load_tabular(name: str, n_samples: int, train_ratio: float, rng: np.random.Generator) -> Dataset:
    """Subsample (if asked for fewer rows than exist), split, then standardize on the train part."""
    x, y, classes, features = _load_raw(name)
    x, y = subsample(x, y, n_samples, rng)
    x_tr, y_tr, x_te, y_te = split_train_test(x, y, train_ratio, rng)
    x_tr, x_te = standardize(x_tr, x_te)
    return Dataset(
        name=name, task=CLASSIFICATION, kind=KIND_TABULAR,
        x_train=freeze(x_tr), y_train=freeze(y_tr.astype(np.int64)),
        x_test=freeze(x_te), y_test=freeze(y_te.astype(np.int64)),
        input_shape=(x.shape[1],), class_names=classes, feature_names=features,
    )
