"""TF Playground generators: sizes, dtypes, labelling rules, balance, determinism."""
from __future__ import annotations

import numpy as np
import pytest

from datasets import toy2d

CLASSIFIERS = [toy2d.circle, toy2d.xor, toy2d.gauss, toy2d.spiral, toy2d.moons]
MULTI = [toy2d.blobs, toy2d.spiral_multi]
REGRESSORS = [toy2d.reg_plane, toy2d.reg_gauss]
ALL = CLASSIFIERS + MULTI + REGRESSORS


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [2, 7, 100, 501])
def test_exact_size_and_dtypes(fn, n):
    points, labels = fn(n, 0.2, rng())
    assert points.shape == (n, 2) and points.dtype == np.float32
    assert labels.shape == (n,)
    assert labels.dtype == (np.float32 if fn in REGRESSORS else np.int64)
    assert np.isfinite(points).all()


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
def test_same_rng_seed_same_data(fn):
    a = fn(200, 0.3, rng(5))
    b = fn(200, 0.3, rng(5))
    c = fn(200, 0.3, rng(6))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_class_counts_keeps_total_and_gives_extras_to_last():
    assert toy2d.class_counts(7, 2) == [3, 4]
    assert toy2d.class_counts(12, 5) == [2, 2, 2, 3, 3]
    for n in range(0, 40):
        for k in range(2, 6):
            counts = toy2d.class_counts(n, k)
            assert sum(counts) == n and max(counts) - min(counts) <= 1
            assert counts == sorted(counts)


@pytest.mark.parametrize("fn", [toy2d.circle, toy2d.gauss, toy2d.spiral, toy2d.moons],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [500, 501])
def test_two_class_sets_are_balanced(fn, n):
    _, labels = fn(n, 0.0, rng())
    counts = np.bincount(labels, minlength=2)
    assert counts.sum() == n and abs(int(counts[0]) - int(counts[1])) <= 1


def test_xor_is_roughly_balanced():
    _, labels = toy2d.xor(4000, 0.0, rng())
    assert 0.45 < labels.mean() < 0.55


@pytest.mark.parametrize("fn", MULTI, ids=lambda f: f.__name__)
@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_multi_class_sets_are_balanced(fn, k):
    _, labels = fn(503, 0.1, rng(), n_classes=k)
    counts = np.bincount(labels)
    assert len(counts) == k and counts.sum() == 503 and counts.max() - counts.min() <= 1


def test_circle_without_noise_follows_the_geometric_rule():
    points, labels = toy2d.circle(1000, 0.0, rng())
    inside = np.hypot(points[:, 0], points[:, 1]) < 2.5
    assert np.array_equal(labels, inside.astype(np.int64))
    r = np.hypot(points[:, 0], points[:, 1])
    assert r.max() <= 5.0 + 1e-5
    assert not ((r > 2.5 + 1e-5) & (r < 3.5 - 1e-5)).any()      # the gap between disc and ring


def test_circle_noise_only_flips_labels_not_points():
    clean_points, _ = toy2d.circle(1000, 0.0, rng(1))
    points, labels = toy2d.circle(1000, 0.5, rng(1))
    r = np.hypot(points[:, 0], points[:, 1])
    assert r.max() <= 5.0 + 1e-5                               # stored points stay clean
    assert (labels != (r < 2.5)).any()                         # but some labels disagree


def test_xor_rule_and_padding():
    points, labels = toy2d.xor(1000, 0.0, rng())
    x, y = points[:, 0], points[:, 1]
    assert np.array_equal(labels, (x * y >= 0).astype(np.int64))
    assert np.abs(points).min() >= 0.3 - 1e-6
    assert np.abs(points).max() <= 5.3 + 1e-5


def test_gauss_centres_and_noise_widens():
    points, labels = toy2d.gauss(2000, 0.0, rng())
    assert np.allclose(points[labels == 1].mean(axis=0), [2, 2], atol=0.15)
    assert np.allclose(points[labels == 0].mean(axis=0), [-2, -2], atol=0.15)
    assert np.isclose(points[labels == 1].var(axis=0).mean(), 0.5, atol=0.1)   # TFP variance 0.5
    wide, wl = toy2d.gauss(2000, 0.5, rng())
    assert np.isclose(wide[wl == 1].var(axis=0).mean(), 4.0, rtol=0.15)        # TFP variance 4


def test_spiral_radius_law():
    points, labels = toy2d.spiral(400, 0.0, rng())
    r = np.hypot(points[:, 0], points[:, 1])
    assert r.max() < 5.0
    pos = points[labels == 1]
    # first point of the deltaT=0 arm is the origin, the next one lies at angle 1.75*2π/200 from +y
    assert np.allclose(pos[0], [0, 0])
    t = 1.75 * 2 * np.pi / 200
    assert np.allclose(pos[1], [5 / 200 * np.sin(t), 5 / 200 * np.cos(t)], atol=1e-6)
    neg = points[labels == 0]
    assert np.allclose(neg[1:], -pos[1:], atol=1e-5)          # deltaT = π mirrors the arm


def test_moons_fill_the_plane_and_separate():
    points, labels = toy2d.moons(1000, 0.0, rng())
    assert points[:, 0].min() >= -5.01 and points[:, 0].max() <= 5.01
    assert points[:, 0].max() - points[:, 0].min() > 9.0
    assert points[labels == 0, 1].mean() > points[labels == 1, 1].mean()   # outer moon on top


def test_blobs_centres_on_the_circle():
    points, labels = toy2d.blobs(3000, 0.0, rng(), n_classes=4)
    for k in range(4):
        centre = points[labels == k].mean(axis=0)
        assert np.isclose(np.hypot(*centre), 3.5, atol=0.15)


def test_spiral_multi_with_two_arms_matches_the_spiral_shape():
    points, labels = toy2d.spiral_multi(400, 0.0, rng(), n_classes=2)
    ref, ref_labels = toy2d.spiral(400, 0.0, rng())
    assert np.allclose(points[labels == 0], ref[ref_labels == 1], atol=1e-6)


def test_reg_plane_rule_and_range():
    points, labels = toy2d.reg_plane(1000, 0.0, rng())
    expected = np.clip((points[:, 0].astype(np.float64) + points[:, 1]) / 10, -1, 1)
    assert np.allclose(labels, expected, atol=1e-5)
    assert np.abs(points).max() <= 6.0
    _, noisy = toy2d.reg_plane(1000, 0.8, rng())
    assert noisy.min() >= -1.0 and noisy.max() <= 1.0


def test_reg_gauss_values_and_range():
    label = toy2d.multi_gauss_label
    assert np.allclose(label(np.array([-4.0, 0.0, 4.0, 6.0]), np.array([2.5, 2.5, -2.5, 0.0])),
                       [1.0, -1.0, -1.0, 0.0])
    assert np.isclose(label(np.array([-4.0]), np.array([3.5]))[0], 0.5)
    for noise in (0.0, 0.8):
        _, labels = toy2d.reg_gauss(1000, noise, rng())
        assert labels.min() >= -1.0 and labels.max() <= 1.0
        assert (labels > 0.5).any() and (labels < -0.5).any()
