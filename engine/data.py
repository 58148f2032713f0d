"""The bridge from a DataSpec to the datasets package (which knows nothing of specs)."""
from __future__ import annotations

from pathlib import Path

from datasets import Dataset, load_dataset
from datasets.base import ProgressFn
from engine.spec import DataSpec


def load_data(spec: DataSpec, *, cache_dir: Path | None = None,
              progress: ProgressFn | None = None) -> Dataset:
    """Load the dataset a DataSpec describes (deterministic for the same spec)."""
    return load_dataset(spec.dataset, n_samples=spec.n_samples, noise=spec.noise,
                        train_ratio=spec.train_ratio, seed=spec.seed, features=spec.features,
                        n_classes=spec.n_classes, cache_dir=cache_dir, progress=progress)
