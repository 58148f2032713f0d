"""Engineered 2D features and the plotting grid."""
from __future__ import annotations

import numpy as np
import pytest

from datasets import FEATURE_LABELS, FEATURES, DatasetError, apply_features, make_grid
from datasets.features import DEFAULT_EXTENT

NAMES = ("x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2")


def test_feature_keys_and_labels():
    assert tuple(FEATURES) == NAMES
    assert set(FEATURE_LABELS) == set(NAMES)
    assert FEATURE_LABELS["x1"] == "X₁" and FEATURE_LABELS["x1_sq"] == "X₁²"
    assert FEATURE_LABELS["x1x2"] == "X₁X₂" and FEATURE_LABELS["sin_x1"] == "sin(X₁)"
    for description, fn in FEATURES.values():
        assert isinstance(description, str) and description and callable(fn)


def test_feature_tables_are_read_only():
    with pytest.raises(TypeError):
        FEATURES["cube"] = ("x cubed", lambda a, b: a ** 3)     # type: ignore[index]


def test_feature_values():
    pts = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, -1.5]], dtype=np.float32)
    out = apply_features(pts, NAMES)
    assert out.shape == (3, 7) and out.dtype == np.float32
    x1, x2 = pts[:, 0], pts[:, 1]
    expected = np.stack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)], axis=1)
    assert np.allclose(out, expected, atol=1e-6)


def test_feature_order_follows_the_request():
    pts = np.array([[2.0, 3.0]])
    assert np.allclose(apply_features(pts, ("x1x2", "x1")), [[6.0, 2.0]])
    assert np.allclose(apply_features(pts, ["x2_sq"]), [[9.0]])


@pytest.mark.parametrize("names", [(), ("x3",), ("x1", "cos_x1")])
def test_bad_feature_names_list_valid_ones(names):
    with pytest.raises(DatasetError) as err:
        apply_features(np.zeros((2, 2)), names)
    for valid in NAMES:
        assert valid in str(err.value)


def test_points_must_be_n_by_2():
    with pytest.raises(DatasetError):
        apply_features(np.zeros((4, 3)), ("x1",))


def test_grid_orientation_rows_are_y_cols_are_x():
    points, xs, ys = make_grid((-6.0, 6.0, -3.0, 3.0), 5)
    assert points.shape == (25, 2) and points.dtype == np.float32
    assert xs.shape == (5,) and ys.shape == (5,)
    assert np.allclose(xs, np.linspace(-6, 6, 5)) and np.allclose(ys, np.linspace(-3, 3, 5))
    gx = points[:, 0].reshape(5, 5)
    gy = points[:, 1].reshape(5, 5)
    assert np.allclose(gx, np.broadcast_to(xs, (5, 5)))           # every row: x ascending
    assert np.allclose(gy, np.broadcast_to(ys[:, None], (5, 5)))  # every column: y ascending
    # a function of the plane reshaped to (R, R) is indexed [y_index, x_index]
    z = (points[:, 0] * 10 + points[:, 1]).reshape(5, 5)
    assert np.isclose(z[4, 0], xs[0] * 10 + ys[4])


def test_grid_default_extent_and_validation():
    points, xs, ys = make_grid(DEFAULT_EXTENT, 3)
    assert DEFAULT_EXTENT == (-6.0, 6.0, -6.0, 6.0)
    assert points.min() == -6.0 and points.max() == 6.0
    with pytest.raises(DatasetError):
        make_grid((1.0, -1.0, 0.0, 1.0), 10)
    with pytest.raises(DatasetError):
        make_grid(DEFAULT_EXTENT, 1)
