"""The Dataset record every loader returns: plain numpy, no torch, no streamlit.

Keeping datasets as numpy lets `viz/` plot them and `engine/` turn them into tensors
without either package knowing about the other.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

CLASSIFICATION = "classification"
REGRESSION = "regression"

KIND_2D = "2d"            # points in the plane; the 2D playground page
KIND_TABULAR = "tabular"  # feature vectors (iris, wine, breast cancer)
KIND_IMAGE = "image"      # C×H×W images
KIND_SEQUENCE = "sequence"  # T×F sequences
IGNORE = -1   # a per-step target with no answer due: left out of the loss and the accuracy

# Called with (bytes_done, bytes_total or None) while a download runs.
ProgressFn = Callable[[int, "int | None"], None]


class DatasetError(ValueError):
    """A dataset cannot be produced; the message says why in plain words."""


class OfflineError(DatasetError):
    """A download was needed but the network is unreachable."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """One train/test split, ready for a model. Arrays are read-only."""

    name: str
    task: str                        # CLASSIFICATION or REGRESSION
    kind: str                        # one of the KIND_* constants
    x_train: np.ndarray              # float32, (N, *input_shape): what the model sees
    y_train: np.ndarray              # int64 class indices, or float32 (N,) targets
    x_test: np.ndarray
    y_test: np.ndarray
    input_shape: tuple[int, ...]     # (F,) vectors, (C, H, W) images, (T, F) sequences
    class_names: tuple[str, ...] = ()          # () for regression
    feature_names: tuple[str, ...] = ()        # column names of vector inputs
    extent: tuple[float, float, float, float] | None = None  # 2D domain (xmin, xmax, ymin, ymax)
    points_train: np.ndarray | None = None     # raw (N, 2) coordinates, for 2D plots
    points_test: np.ndarray | None = None
    # Token sequences: x is one-hot over `vocab` (input_shape (T, len(vocab))), so every layer
    # reads them as they are and an embedding layer can look the token up instead.
    vocab: tuple[str, ...] = ()
    # Per-step targets: y is (N, T) int64 class per time step, IGNORE where no answer is due
    # (the copy task's reading phase); the head then answers at every step.
    per_step: bool = False
    # Per-example training weights (float32, one per row of y_train, read-only): how much each
    # example counts in the loss (the data lab's re-weighting remedy). None: each counts once.
    w_train: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.w_train is not None and len(self.w_train) != len(self.y_train):
            raise DatasetError(f"{len(self.w_train)} training weights for "
                               f"{len(self.y_train)} training examples: one each is needed.")

    @property
    def n_outputs(self) -> int:
        """Logits per class for classification; values per example for regression (k ahead)."""
        if self.task == CLASSIFICATION:
            return len(self.class_names)
        return 1 if self.y_train.ndim == 1 else int(self.y_train.shape[-1])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)


def split_train_test(x: np.ndarray, y: np.ndarray, train_ratio: float,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle once with `rng`, then cut at floor(n * train_ratio) (TF Playground's rule)."""
    order = rng.permutation(len(x))
    cut = int(np.floor(len(x) * train_ratio))
    cut = min(max(cut, 1), len(x) - 1)     # both sides non-empty
    tr, te = order[:cut], order[cut:]
    return x[tr], y[tr], x[te], y[te]


def freeze(a: np.ndarray) -> np.ndarray:
    """Mark an array read-only so a cached dataset cannot be changed by one session."""
    a.setflags(write=False)
    return a


def subsample(x: np.ndarray, y: np.ndarray, n_samples: int,
              rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Keep a random n_samples rows (all rows, in order, when n_samples >= len(x)).

    Fixed-size sets (iris, digits) honour the sample slider by drawing without
    replacement, so a small classroom run stays fast and still covers every class.
    """
    if n_samples >= len(x):
        return x, y
    keep = np.sort(rng.choice(len(x), size=n_samples, replace=False))
    return x[keep], y[keep]
