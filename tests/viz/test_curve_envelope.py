"""Long runs draw curves at a bounded cost: at most the lowest and highest point per pixel."""
import re

import numpy as np

from viz.curves import _envelope, curves_svg


def test_a_long_run_keeps_each_columns_extremes_and_both_ends():
    rng = np.random.default_rng(0)
    px = np.linspace(0, 100, 5000)
    py = rng.normal(size=5000)
    xs, ys = _envelope(px, py, columns=100)
    assert len(xs) <= 2 * 100 + 2 and np.all(np.diff(xs) > 0)      # in order, bounded
    assert xs[0] == px[0] and xs[-1] == px[-1]
    assert ys.min() == py.min() and ys.max() == py.max()           # spikes survive
    short = px[:150], py[:150]
    assert all(np.array_equal(a, b) for a, b in zip(_envelope(*short, columns=100), short))


def test_the_svg_of_fifty_thousand_epochs_stays_small():
    n = 50_000
    history = {"epoch": np.arange(1, n + 1, dtype=float),
               "train_loss": np.linspace(1, 0, n), "test_loss": np.linspace(1.2, 0.1, n)}
    svg = curves_svg(history, "loss", width=360)
    points = [len(p.split()) for p in re.findall(r'points="([^"]*)"', svg)]
    assert len(points) == 2 and all(20 < k <= 2 * 306 + 2 for k in points)
