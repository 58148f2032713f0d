"""The GAN's target distributions: deterministic per seed, on the plane, and the mode-coverage
count on hand-placed points."""
import numpy as np
import pytest

from datasets.gan2d import EXTENT, TARGETS, mode_counts, modes_covered, sample_target


@pytest.mark.parametrize("name", list(TARGETS))
def test_each_target_is_deterministic_per_seed(name):
    a, b = sample_target(name, 500, 7), sample_target(name, 500, 7)
    assert a.shape == (500, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, sample_target(name, 500, 8))
    assert a.min() >= EXTENT[0] and a.max() <= EXTENT[1] and a.std() > 0.1


def test_mixture_samples_cover_all_eight_modes():
    points = sample_target("mixture8", 2000, 0)
    target = TARGETS["mixture8"]
    assert modes_covered(points, target) == 8
    assert mode_counts(points, target).sum() > 0.99 * 2000


def test_mode_coverage_on_hand_placed_points():
    target = TARGETS["mixture8"]
    c = target.modes
    two = np.concatenate([np.repeat(c[:1], 490, 0), np.repeat(c[3:4], 490, 0),
                          np.repeat(c[5:6], 20, 0)])           # 20 is below a fifth of 125
    assert modes_covered(two, target) == 2
    spread = np.repeat(c, 30, axis=0)                        # 30 each: above 0.2 × 30
    assert modes_covered(spread, target) == 8
    between = (c[:1] + c[1:2]) / 2 + np.zeros((100, 2))      # between two blobs: no mode
    assert modes_covered(between, target) == 0
    assert modes_covered(spread, TARGETS["ring"]) is None


def test_the_grid_has_25_modes():
    assert modes_covered(sample_target("grid25", 5000, 1), TARGETS["grid25"]) == 25


def test_reach_counts_the_real_points_with_a_fake_nearby():
    from datasets.gan2d import reach
    real = sample_target("ring", 400, 0)
    assert reach(real, real) == 1.0
    half = real[real[:, 0] > 0]                      # fakes on the right half of the ring only
    assert 0.35 < reach(real, half) < 0.65
    assert reach(real, np.zeros((50, 2))) == 0.0     # all at the centre: none on the ring


def test_reach_matches_every_pair_checked_by_hand():
    """The tree search gives what comparing every real point with every fake gives, including
    a fake at exactly the radius (it counts)."""
    from datasets.gan2d import reach
    rng = np.random.default_rng(3)
    real, fake = rng.normal(size=(300, 2)), rng.normal(size=(200, 2))
    d2 = ((real[:, None, :] - fake[None, :, :]) ** 2).sum(axis=2)
    assert reach(real, fake, 0.1) == float((d2.min(axis=1) <= 0.01).mean())
    assert reach(np.array([[0.0, 0.0]]), np.array([[0.5, 0.0]]), radius=0.5) == 1.0
    assert reach(np.array([[0.0, 0.0]]), np.array([[0.51, 0.0]]), radius=0.5) == 0.0
