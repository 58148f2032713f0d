"""A table (pandas DataFrame) turned into what a network and scikit-learn read: one split,
numbers only, on one scale.

Every step a student would otherwise do by hand, in the order that avoids leaking the test
set into training: choose the target; numeric or categorical per column; split; impute missing
values (numeric: the training median; categorical: a "(missing)" category) and say how many;
one-hot encode categoricals with the categories seen in training; standardise with the
training mean and spread. Classification or regression follows from the target. Cell values
are data, never code: a cell such as `=cmd|...` is just a text category.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from .base import CLASSIFICATION, KIND_TABULAR, REGRESSION, Dataset, DatasetError, freeze

MISSING = "(missing)"
MAX_GROUPS = 10          # a sensitive column with more values is not a group column
REGRESSION_MIN_VALUES = 20   # a numeric target with more distinct values is a quantity


@dataclass(frozen=True, eq=False)
class Table:
    """A prepared table: the Dataset, its rows' groups (when a column is sensitive) and the
    notes a student should read (what was imputed, dropped or guessed)."""

    dataset: Dataset
    target: str
    numeric: tuple[str, ...]            # input columns read as numbers
    categorical: tuple[str, ...]        # input columns one-hot encoded
    notes: tuple[str, ...] = ()
    sensitive: str = ""                 # "" when no column is marked sensitive
    group_names: tuple[str, ...] = ()
    group_train: np.ndarray | None = None   # int group index per training row
    group_test: np.ndarray | None = None


def target_task(values: pd.Series) -> str:
    """Regression for a numeric target with many distinct values, else classification."""
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric.notna().all() and numeric.nunique() > REGRESSION_MIN_VALUES:
        return REGRESSION
    return CLASSIFICATION


def _numeric_columns(df: pd.DataFrame) -> dict[str, pd.Series]:
    """Columns whose every present value reads as a finite number."""
    out = {}
    for name in df.columns:
        col = df[name]
        present = col.dropna()
        if present.empty:
            continue
        num = pd.to_numeric(present, errors="coerce")
        if num.notna().all() and np.isfinite(num.to_numpy(dtype=float)).all():
            out[name] = pd.to_numeric(col, errors="coerce").astype(float)
    return out


def _split(n: int, train_ratio: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    cut = min(max(int(np.floor(n * train_ratio)), 1), n - 1)
    return order[:cut], order[cut:]


def prepare(df: pd.DataFrame, target: str, *, limits: Mapping[str, tuple], name: str = "csv",
            train_ratio: float = 0.7, seed: int = 0, sensitive: str = "",
            test_target: str = "", drop: tuple[str, ...] = ()) -> Table:
    """Prepare `df` to predict `target` (DatasetError with a plain message when it cannot).

    `test_target`: another column the test rows are scored against (the synthetic loan
    table's fair decision); `drop`: columns that are not inputs; `limits`: engine LIMITS
    (categories per column)."""
    if target not in df.columns:
        raise DatasetError(f"There is no column {target!r} to predict.")
    notes = []
    y_raw = df[target]
    keep = y_raw.notna().to_numpy()
    if not keep.any():
        raise DatasetError(f"The target column {target!r} has no values: choose another.")
    if not keep.all():
        notes.append(f"{int((~keep).sum()):,} rows without a {target} value were left out.")
        df = df.loc[keep].reset_index(drop=True)
    if len(df) < 4:
        raise DatasetError(f"Only {len(df)} rows have a {target} value; at least 4 are needed "
                           "to train and test.")
    task = target_task(df[target])
    inputs = [c for c in df.columns if c not in (target, test_target, *drop)]
    empty = [c for c in inputs if df[c].isna().all()]
    if empty:
        notes.append(f"{len(empty)} column(s) with no values were left out: "
                     f"{', '.join(map(str, empty[:5]))}.")
    inputs = [c for c in inputs if c not in empty]
    numbers = _numeric_columns(df[inputs])
    numeric = [c for c in inputs if c in numbers]
    max_cats = int(limits["categories"][1])
    categorical, wide = [], []
    for c in inputs:
        if c in numbers:
            continue
        (categorical if df[c].nunique() <= max_cats else wide).append(c)
    if wide:
        notes.append(f"{len(wide)} text column(s) with more than {max_cats} different values "
                     f"(names or ids?) were left out: {', '.join(map(str, wide[:5]))}.")
    if not numeric and not categorical:
        raise DatasetError("No input column is left to learn from: the table needs at least "
                           "one column besides the target with values in it.")
    tr, te = _split(len(df), train_ratio, seed)
    y_tr, y_te, classes = _targets(df, target, test_target, task, tr, te)
    width = len(numeric) + sum(df[c].iloc[tr].astype(object).fillna(MISSING).astype(str)
                               .nunique() for c in categorical)
    max_inputs = int(limits["table_inputs"][1]) if "table_inputs" in limits else width
    if width > max_inputs:
        raise DatasetError(f"One-hot encoding makes {width:,} input columns; the limit is "
                           f"{max_inputs}. Leave out some text columns or use fewer columns.")
    x_tr, x_te, features, imputed = _inputs(df, numeric, categorical, numbers, tr, te)
    if imputed:
        notes.append(f"{imputed:,} missing input values were filled in (numbers: the training "
                     "median; text: a '(missing)' category).")
    groups: dict = {}
    if sensitive:
        groups = _groups(df, sensitive, tr, te)
    ds = Dataset(name=name, task=task, kind=KIND_TABULAR, x_train=freeze(x_tr),
                 y_train=freeze(y_tr), x_test=freeze(x_te), y_test=freeze(y_te),
                 input_shape=(x_tr.shape[1],), class_names=classes, feature_names=features)
    return Table(ds, str(target), tuple(map(str, numeric)), tuple(map(str, categorical)),
                 tuple(notes), sensitive=sensitive if groups else "", **groups)


def _targets(df, target, test_target, task, tr, te):
    """Class indices (classes from all rows, sorted) or float values, per split."""
    y = df[target]
    y_test_col = df[test_target] if test_target else y
    if task == REGRESSION:
        yf = pd.to_numeric(y, errors="coerce").to_numpy(dtype=np.float32)
        yt = pd.to_numeric(y_test_col, errors="coerce").to_numpy(dtype=np.float32)
        return yf[tr], yt[te], ()
    labels = y.astype(str)
    classes = sorted(set(labels) | set(y_test_col.astype(str)), key=_natural)
    if len(classes) < 2:
        raise DatasetError(f"The target {target!r} has a single value ({classes[0]!r}): there "
                           "is nothing to tell apart. Choose a column with two or more values.")
    index = {c: i for i, c in enumerate(classes)}
    y_idx = labels.map(index).to_numpy(dtype=np.int64)
    yt_idx = y_test_col.astype(str).map(index).to_numpy(dtype=np.int64)
    if len(set(y_idx[tr])) < 2:
        raise DatasetError("The training rows hold a single class: use more rows or a larger "
                           "training share.")
    return y_idx[tr], yt_idx[te], tuple(classes)


def _natural(value: str):
    """Numbers in numeric order ("2" before "10"), then text."""
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)


def _inputs(df, numeric, categorical, numbers, tr, te):
    """Imputed, one-hot encoded and standardised inputs (statistics from training rows)."""
    parts_tr, parts_te, names, imputed = [], [], [], 0
    if numeric:
        a = np.column_stack([numbers[c].to_numpy(dtype=float) for c in numeric])
        missing = np.isnan(a)
        imputed += int(missing.sum())
        median = np.nanmedian(np.where(missing[tr], np.nan, a[tr]), axis=0)
        median = np.where(np.isnan(median), 0.0, median)       # no training value at all
        a = np.where(missing, median, a)
        parts_tr.append(a[tr])
        parts_te.append(a[te])
        names += [str(c) for c in numeric]
    for c in categorical:
        col = df[c]
        imputed += int(col.isna().sum())
        text = col.astype(object).where(col.notna(), MISSING).astype(str)
        cats = sorted(set(text.iloc[tr]))                       # seen in training only
        onehot = (text.to_numpy()[:, None] == np.array(cats)[None, :]).astype(float)
        parts_tr.append(onehot[tr])
        parts_te.append(onehot[te])
        names += [f"{c}={v}" for v in cats]
    x_tr, x_te = np.hstack(parts_tr), np.hstack(parts_te)
    mean, std = x_tr.mean(axis=0), x_tr.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (((x_tr - mean) / std).astype(np.float32), ((x_te - mean) / std).astype(np.float32),
            tuple(names), imputed)


def _groups(df, sensitive, tr, te) -> dict:
    """Group index per row of a sensitive column (missing values form their own group)."""
    if sensitive not in df.columns:
        raise DatasetError(f"There is no column {sensitive!r} to mark as sensitive.")
    col = df[sensitive]
    text = col.astype(object).where(col.notna(), MISSING).astype(str)
    names = sorted(set(text), key=_natural)
    if len(names) > MAX_GROUPS:
        raise DatasetError(f"The column {sensitive!r} has {len(names)} different values; a "
                           f"sensitive column needs at most {MAX_GROUPS} groups.")
    index = {g: i for i, g in enumerate(names)}
    g = text.map(index).to_numpy(dtype=np.int64)
    return {"group_names": tuple(names), "group_train": freeze(g[tr]), "group_test": freeze(g[te])}
