"""The data lab's table preparation on tiny frames with answers worked out by hand: task from
the target, one-hot with the training categories, median imputation with a note,
standardisation with the training rows only, groups of a sensitive column."""
import numpy as np
import pandas as pd
import pytest

from datasets import DatasetError
from datasets.table import MISSING, prepare, target_task
from engine.spec.limits import LIMITS


def split_rows(n, ratio, seed):
    order = np.random.default_rng(seed).permutation(n)
    cut = min(max(int(np.floor(n * ratio)), 1), n - 1)
    return order[:cut], order[cut:]


def test_task_follows_the_target():
    assert target_task(pd.Series(["a", "b", "a"])) == "classification"
    assert target_task(pd.Series([0, 1, 1, 0])) == "classification"          # few values
    assert target_task(pd.Series([str(v) for v in np.linspace(0, 1, 50)])) == "regression"


def test_numbers_are_standardised_on_the_training_rows_only():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 100])           # one huge value
    df = pd.DataFrame({"x": x.astype(str), "y": list("abababab")})
    t = prepare(df, "y", limits=LIMITS, train_ratio=0.5, seed=3)
    tr, te = split_rows(8, 0.5, 3)
    mean, std = x[tr].mean(), x[tr].std()
    np.testing.assert_allclose(t.dataset.x_train[:, 0], (x[tr] - mean) / std, rtol=1e-5)
    np.testing.assert_allclose(t.dataset.x_test[:, 0], (x[te] - mean) / std, rtol=1e-5)
    assert t.dataset.x_train[:, 0].mean() == pytest.approx(0, abs=1e-6)
    assert t.dataset.class_names == ("a", "b") and t.dataset.task == "classification"
    assert list(t.dataset.y_train) == [0 if v == "a" else 1 for v in df["y"].to_numpy()[tr]]


def test_missing_numbers_get_the_training_median_and_a_note():
    x = [1.0, np.nan, 3.0, 5.0, np.nan, 7.0, 9.0, 11.0]
    df = pd.DataFrame({"x": x, "y": list("abababab")})
    t = prepare(df, "y", limits=LIMITS, train_ratio=0.5, seed=0)
    tr, _ = split_rows(8, 0.5, 0)
    median = np.nanmedian(np.array(x)[tr])
    filled = np.where(np.isnan(np.array(x)), median, np.array(x))
    mean, std = filled[tr].mean(), filled[tr].std()
    np.testing.assert_allclose(t.dataset.x_train[:, 0], (filled[tr] - mean) / std, rtol=1e-5)
    assert any("2 missing input values" in n for n in t.notes)


def test_categories_are_one_hot_with_the_training_categories():
    df = pd.DataFrame({"city": ["P", "L", "P", "N", None, "L"], "y": list("ababab")})
    t = prepare(df, "y", limits=LIMITS, train_ratio=0.5, seed=0)
    tr, te = split_rows(6, 0.5, 0)
    seen = sorted({MISSING if v is None else v for v in df["city"].to_numpy()[tr]})
    assert t.dataset.feature_names == tuple(f"city={c}" for c in seen)
    assert t.categorical == ("city",) and t.numeric == ()
    raw = (t.dataset.x_train * 1)                           # standardised one-hot columns
    for row, i in zip(raw, tr):                             # the largest entry marks the city
        city = MISSING if df["city"][i] is None else df["city"][i]
        assert t.dataset.feature_names[int(np.argmax(row))] == f"city={city}"


def test_rows_without_a_target_are_left_out_with_a_note():
    df = pd.DataFrame({"x": range(8), "y": ["a", None, "b", "a", "b", None, "a", "b"]})
    t = prepare(df, "y", limits=LIMITS)
    assert len(t.dataset.x_train) + len(t.dataset.x_test) == 6
    assert any("2 rows without a y value" in n for n in t.notes)


def test_formula_cells_are_text_categories():
    df = pd.DataFrame({"f": ["=cmd|' /C calc'!A0", "=1+1", "+SUM(A1)", "@x"] * 2,
                       "y": list("abababab")})
    t = prepare(df, "y", limits=LIMITS)
    assert "f==cmd|' /C calc'!A0" in t.dataset.feature_names


def test_wide_text_columns_and_empty_columns_are_dropped_with_notes():
    df = pd.DataFrame({"id": [f"row{i}" for i in range(60)], "e": [None] * 60,
                       "x": np.arange(60.0), "y": ["a", "b"] * 30})
    t = prepare(df, "y", limits=LIMITS)
    assert t.dataset.feature_names == ("x",)
    assert len(t.notes) == 2


@pytest.mark.parametrize("frame, words", [
    (pd.DataFrame({"x": range(6), "y": ["a"] * 6}), "single value"),
    (pd.DataFrame({"x": [None] * 6, "y": list("ababab")}), "No input column"),
    (pd.DataFrame({"x": range(6), "y": [None] * 6}), "no values"),
    (pd.DataFrame({"x": range(3), "y": list("aba")}), "at least 4"),
])
def test_tables_that_cannot_be_learnt_get_a_message(frame, words):
    with pytest.raises(DatasetError, match=words):
        prepare(frame, "y", limits=LIMITS)


def test_sensitive_column_gives_groups_per_row():
    df = pd.DataFrame({"g": list("AABBAABB"), "x": range(8), "y": list("abababab")})
    t = prepare(df, "y", limits=LIMITS, sensitive="g", train_ratio=0.5, seed=2)
    tr, te = split_rows(8, 0.5, 2)
    assert t.group_names == ("A", "B") and t.sensitive == "g"
    assert list(t.group_test) == [0 if df["g"][i] == "A" else 1 for i in te]


def test_regression_targets_stay_numbers():
    y = np.linspace(0, 10, 40)
    df = pd.DataFrame({"x": y * 2, "y": y})
    t = prepare(df, "y", limits=LIMITS, seed=0)
    assert t.dataset.task == "regression" and t.dataset.class_names == ()
    assert t.dataset.y_train.dtype == np.float32


def test_one_hot_width_is_bounded_by_limits():
    df = pd.DataFrame({f"c{i}": [f"v{j % 40}" for j in range(80)] for i in range(20)})
    df["y"] = ["a", "b"] * 40
    with pytest.raises(DatasetError, match="input columns; the limit is 500"):
        prepare(df, "y", limits=LIMITS)
