"""The dataset catalogue and load_dataset(): completeness, dtypes, read-only arrays, errors."""
from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from datasets import DATASETS, Dataset, DatasetError, DatasetInfo, apply_features, load_dataset
from datasets.drawn import DEFAULT_DRAWN
from datasets.base import CLASSIFICATION, KIND_2D, KIND_IMAGE, KIND_SEQUENCE, KIND_TABULAR, REGRESSION

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ("circle", "xor", "gauss", "spiral", "moons", "blobs", "spiral_multi", "draw", "reg_plane",
            "reg_gauss", "draw_reg", "iris", "wine", "breast_cancer", "loan", "csv", "digits", "shapes", "mnist",
            "fashion_mnist", "sine", "parity", "sines", "damped", "logistic", "copy", "reverse",
            "sort", "count", "sentences", "brackets")
OFFLINE = [n for n in EXPECTED if n not in ("mnist", "fashion_mnist", "csv")]
TWO_D_BINARY = ("circle", "xor", "gauss", "spiral", "moons")


def small(name: str, **kw) -> Dataset:
    kw.setdefault("n_samples", 120)
    kw.setdefault("noise", 0.1)
    return load_dataset(name, **kw)


def arrays(ds: Dataset) -> list[np.ndarray]:
    return [a for a in (ds.x_train, ds.y_train, ds.x_test, ds.y_test, ds.points_train, ds.points_test)
            if a is not None]


def test_registry_keys_and_infos():
    assert tuple(DATASETS) == EXPECTED
    for name, info in DATASETS.items():
        assert isinstance(info, DatasetInfo) and info.name == name
        assert info.title and info.description and info.default_samples >= 2
        assert info.kind in (KIND_2D, KIND_TABULAR, KIND_IMAGE, KIND_SEQUENCE)
        assert info.task in (CLASSIFICATION, REGRESSION)
        assert info.needs_download == (name in ("mnist", "fashion_mnist"))
        assert info.multi_class == (name in ("blobs", "spiral_multi"))


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        DATASETS["new"] = DATASETS["circle"]                      # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        DATASETS["circle"].title = "x"                            # type: ignore[misc]


@pytest.mark.parametrize("name", OFFLINE)
def test_every_offline_dataset_loads_with_the_right_types(name):
    info = DATASETS[name]
    ds = small(name)
    assert ds.name == name and ds.task == info.task and ds.kind == info.kind
    assert ds.x_train.dtype == np.float32 and ds.x_test.dtype == np.float32
    assert ds.x_train.shape[1:] == ds.input_shape == ds.x_test.shape[1:]
    assert len(ds.x_train) == len(ds.y_train) > 0 and len(ds.x_test) == len(ds.y_test) > 0
    assert ds.y_train.ndim == (2 if info.per_step else 1)    # per step: (N, T)
    if info.task == CLASSIFICATION:
        assert ds.y_train.dtype == np.int64 and len(ds.class_names) >= 2
        scored = ds.y_train[ds.y_train != -1]                   # -1: no answer due at that step
        assert scored.min() >= 0 and scored.max() < len(ds.class_names)
    else:
        assert ds.y_train.dtype == np.float32 and ds.class_names == () and ds.n_outputs == 1
        if info.kind == KIND_2D:
            assert ds.y_train.min() >= -1 and ds.y_train.max() <= 1
    if info.kind == KIND_2D:
        assert ds.extent == (-6.0, 6.0, -6.0, 6.0) and ds.input_shape == (2,)
        assert ds.points_train.shape == (len(ds.x_train), 2) and ds.feature_names == ("x1", "x2")
        drawn = len(DEFAULT_DRAWN.split(";"))          # the drawing is the data: no n_samples
        assert len(ds.x_train) + len(ds.x_test) == (drawn if "draw" in name else 120)
    else:
        assert ds.points_train is None and ds.extent is None


@pytest.mark.parametrize("name", OFFLINE)
def test_arrays_are_read_only(name):
    for a in arrays(small(name)):
        assert not a.flags.writeable
        with pytest.raises(ValueError):
            a.flat[0] = 0


@pytest.mark.parametrize("name", OFFLINE)
def test_same_seed_same_arrays_other_seed_other_arrays(name):
    a, b, c = small(name, seed=11), small(name, seed=11), small(name, seed=12)
    for x, y in zip(arrays(a), arrays(b)):
        assert np.array_equal(x, y)
    assert not np.array_equal(a.x_train, c.x_train)


def test_two_d_class_names_and_split():
    for name in TWO_D_BINARY:
        assert small(name).class_names == ("orange", "blue")
    ds = load_dataset("circle", n_samples=101, train_ratio=0.3)
    assert len(ds.x_train) == 30 and len(ds.x_test) == 71


@pytest.mark.parametrize("name", TWO_D_BINARY + ("blobs", "spiral_multi"))
def test_two_d_label_balance(name):
    ds = load_dataset(name, n_samples=600, noise=0.0)
    counts = np.bincount(np.concatenate([ds.y_train, ds.y_test]))
    assert counts.sum() == 600
    assert counts.max() - counts.min() <= (60 if name == "xor" else 1)


def test_two_d_features_are_applied_to_the_raw_points():
    feats = ("x1_sq", "x1x2", "sin_x2")
    ds = load_dataset("spiral", n_samples=80, features=feats)
    assert ds.input_shape == (3,) and ds.feature_names == feats
    assert np.allclose(ds.x_train, apply_features(ds.points_train, feats))
    assert np.allclose(ds.x_test[:, 0], ds.points_test[:, 0].astype(np.float64) ** 2, rtol=1e-5)
    plain = load_dataset("spiral", n_samples=80)                   # same seed: same points
    assert np.array_equal(plain.points_train, ds.points_train)


@pytest.mark.parametrize("name", ["blobs", "spiral_multi"])
def test_n_classes_honoured(name):
    ds = load_dataset(name, n_samples=100, n_classes=5)
    assert ds.class_names == ("class 1", "class 2", "class 3", "class 4", "class 5")
    assert set(np.unique(np.concatenate([ds.y_train, ds.y_test]))) == set(range(5))


def test_arguments_that_do_not_apply_are_ignored():
    assert small("circle", n_classes=5).class_names == ("orange", "blue")
    assert small("iris", features=("bogus",)).input_shape == (4,)


def test_unknown_name_lists_valid_datasets():
    with pytest.raises(DatasetError) as err:
        load_dataset("cifar10")
    for name in EXPECTED:
        assert name in str(err.value)


@pytest.mark.parametrize("kwargs", [
    {"n_samples": 1}, {"n_samples": 2.5}, {"noise": -0.1}, {"noise": 0.9}, {"noise": float("nan")},
    {"train_ratio": 0.0}, {"train_ratio": 1.0}, {"features": ()}, {"features": ("x9",)},
])
def test_bad_arguments_raise_dataset_error(kwargs):
    with pytest.raises(DatasetError):
        load_dataset("circle", **kwargs)


@pytest.mark.parametrize("k", [1, 6])
def test_bad_class_count(k):
    with pytest.raises(DatasetError):
        load_dataset("blobs", n_classes=k)


def test_import_boundary():
    code = ("import datasets, sys; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('torch', 'streamlit', 'plotly', 'pandas')]; "
            "assert not bad, bad")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_sources_use_no_forbidden_modules():
    forbidden = ("import torch", "import streamlit", "import plotly", "import pandas", "import pickle",
                 "from torch", "from streamlit", "from plotly", "from pandas", "eval(")
    pandas_ok = ("table.py", "csv_table.py", "table_sources.py")   # the data lab's tables
    for path in (ROOT / "datasets").glob("*.py"):
        text = path.read_text()
        if path.name in pandas_ok:
            text = text.replace("import pandas as pd", "")
        assert not [f for f in forbidden if f in text], path.name
        assert len(text.splitlines()) <= 300, path.name


def test_info_classes_match_loaded_class_names():
    from datasets import DATASETS, load_dataset
    for name, info in DATASETS.items():
        if info.needs_download or name == "csv":      # csv: a file of the user's
            continue
        assert info.classes == len(load_dataset(name, n_samples=60).class_names), name
