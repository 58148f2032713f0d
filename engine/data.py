"""The engine's one door to the datasets package (which knows nothing of specs or torch).

Every engine module that needs data names, features or arrays imports them from here, so the
arrow engine -> datasets has one place (a test checks it).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from datasets import (DATASETS, FEATURE_LABELS, FEATURES, Dataset, DatasetError, apply_features,
                      load_dataset, make_grid)
from datasets.base import ProgressFn
from datasets.drawn import DEFAULT_DRAWN, clean_drawn, drawing_problem, read_rows
from datasets.registry import DRAWN_SETS
from datasets.subset import only_classes, take_train
from datasets.gan2d import (TARGETS as GAN_TARGETS, digit_pixels, drawn_target, modes_covered,
                            reach, sample_target)

if TYPE_CHECKING:
    from engine.spec.experiment import DataSpec

__all__ = ["DATASETS", "FEATURES", "FEATURE_LABELS", "Dataset", "DatasetError",
           "apply_features", "make_grid", "load_data", "load_csv_table"]


def load_data(spec: "DataSpec", *, cache_dir: Path | None = None,
              progress: ProgressFn | None = None) -> Dataset:
    """Load the dataset a DataSpec describes (deterministic for the same spec)."""
    return load_dataset(spec.dataset, n_samples=spec.n_samples, noise=spec.noise,
                        train_ratio=spec.train_ratio, seed=spec.seed, features=spec.features,
                        n_classes=spec.n_classes, seq_len=spec.seq_len, delay=spec.delay,
                        horizon=spec.horizon, drawn=spec.drawn, cache_dir=cache_dir,
                        progress=progress)


def load_csv_table(data: bytes, target: str | None, sensitive: str, train_ratio: float,
                   seed: int, limits):
    """A CSV file's bytes read and prepared as the data lab prepares an upload (a
    datasets.table.Table); `target` None means the last column."""
    from datasets.csv_table import read_csv_bytes
    from datasets.table import prepare

    frame, _ = read_csv_bytes(data, limits)
    return prepare(frame, target if target is not None else str(frame.columns[-1]),
                   limits=limits, name="csv", train_ratio=train_ratio, seed=seed,
                   sensitive=sensitive)
