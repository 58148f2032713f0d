"""viz.transfer: numpy in, figure or pixels out."""
import numpy as np

from viz.transfer import (SCRATCH, TRANSFER, filter_change, filter_rows, plot_transfer_curves,
                          plot_transfer_sweep)


def test_curves_overlay_both_runs_with_final_accuracy_in_the_legend():
    steps = np.array([0, 10, 20])
    fig = plot_transfer_curves(steps, np.array([0.2, 0.8, 0.95]), np.array([0.2, 0.6, 0.9]), 10)
    d = fig.to_dict()
    assert [t["name"] for t in d["data"]] == [f"{TRANSFER}: 95.0%", f"{SCRATCH}: 90.0%"]
    assert list(d["data"][0]["x"]) == [0, 10, 20]
    assert d["layout"]["yaxis"]["range"][1] > 1.0


def test_sweep_has_a_mean_line_and_every_seed_per_run():
    t = np.array([[0.9, 0.92], [0.95, 0.97]])
    s = np.array([[0.8, 0.84], [0.93, 0.95]])
    d = plot_transfer_sweep((5, 10), t, s).to_dict()
    means = [tr for tr in d["data"] if tr["mode"] == "lines+markers"]
    assert np.allclose([list(m["y"]) for m in means], [[0.91, 0.96], [0.82, 0.94]])
    dots = [tr for tr in d["data"] if tr["mode"] == "markers"]
    assert all(len(tr["y"]) == 4 for tr in dots)
    assert d["layout"]["xaxis"]["type"] == "log"


def test_filter_rows_share_one_scale():
    a = np.zeros((8, 1, 3, 3), dtype=np.float32)
    a[0, 0, 0, 0] = 1.0
    b = a * 0.5
    row_a, row_b = filter_rows(a, b, tile=9)
    assert row_a.shape == row_b.shape and row_a.dtype == np.uint8
    assert not np.array_equal(row_a, row_b)      # half the weight: a paler blue, same scale
    assert filter_change(a, a) == 0.0 and filter_change(a, b) == 0.5
