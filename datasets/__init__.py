"""NN Playground datasets: numpy-only loaders (no torch, no streamlit).

Use `load_dataset(name, ...)` and the `DATASETS` catalogue; every array in a returned
`Dataset` is read-only so cached datasets can be shared safely between sessions.
"""
from .base import Dataset, DatasetError, OfflineError
from .download import default_cache_dir
from .features import FEATURE_LABELS, FEATURES, apply_features, make_grid
from .registry import DATASETS, DatasetInfo, load_dataset

__all__ = [
    "Dataset", "DatasetInfo", "DATASETS", "load_dataset", "apply_features", "make_grid",
    "FEATURES", "FEATURE_LABELS", "DatasetError", "OfflineError", "default_cache_dir",
]
