"""Inside-the-network figures on a synthetic record: traces, log axes, markers; curve markers."""
import numpy as np

from engine.snapshot import LayerRecord
from engine.snapshot import PERCENTILES
from viz.curves import curves_svg
from viz.inside import (FLOOR, FONT, plot_activation_bands, plot_layer_series,
                        plot_unit_health)

N, L = 6, 3


def record() -> LayerRecord:
    epochs = np.arange(N) * 10
    pct = np.broadcast_to(np.array(PERCENTILES, float) / 100, (N, L, len(PERCENTILES))).copy()
    nan = np.full((N, L), np.nan)
    grad = np.tile([1e-7, 1e-3, 0.5], (N, 1))
    grad[:, 0] = 0.0                                  # a dead layer
    dead = nan.copy()
    dead[:, 0] = np.linspace(0, 1, N)
    sat = nan.copy()
    sat[:, 1] = 0.1
    return LayerRecord(("L1", "L2", "head"), ("dense", "dense", "head"), ("relu", "tanh", None),
                       epochs, pct, nan, nan, dead, sat, grad, np.ones((N, L)), grad / 10)


def test_activation_bands_are_nested_fills_with_a_median():
    fig = plot_activation_bands(record(), "L2", cursor=20, branches=[30])
    d = fig.to_dict()
    fills = [t for t in d["data"] if t.get("fill") == "tonexty"]
    assert len(fills) == len(PERCENTILES) // 2 and d["data"][-1]["name"] == "median"
    assert np.allclose(fig.data[-1].y, 0.5)          # (to_dict() base64-encodes arrays)
    alphas = [float(t["fillcolor"].rsplit(",", 1)[1].rstrip(")")) for t in fills]
    assert alphas == sorted(alphas)                  # inner bands darker
    assert "L2" in d["layout"]["title"]["text"] and d["layout"]["font"]["size"] >= 14
    xs = sorted(s["x0"] for s in d["layout"]["shapes"])
    assert xs == [20, 30]


def test_gradient_norm_is_on_a_log_axis_with_zero_floored():
    fig = plot_layer_series(record(), "grad_norm")
    d = fig.to_dict()
    assert d["layout"]["yaxis"]["type"] == "log"
    names = [t["name"] for t in d["data"]]
    assert names == ["L1", "L2", "head"]
    assert np.allclose(fig.data[0].y, FLOOR) and np.allclose(fig.data[0].customdata, 0)
    assert d["layout"]["font"]["size"] == FONT


def test_update_ratio_log_with_reference_and_weight_norm_linear():
    upd = plot_layer_series(record(), "update_ratio").to_dict()
    assert upd["layout"]["yaxis"]["type"] == "log"
    assert any(s["y0"] == 1e-3 for s in upd["layout"]["shapes"])
    w = plot_layer_series(record(), "weight_norm", branches=[10, 40]).to_dict()
    assert w["layout"]["yaxis"].get("type") != "log"
    dashed = [s for s in w["layout"]["shapes"] if s["line"].get("dash") == "dash"]
    assert sorted(s["x0"] for s in dashed) == [10, 40]


def test_unit_health_shows_only_layers_that_have_the_activation():
    d = plot_unit_health(record(), cursor=50).to_dict()
    assert [t["name"] for t in d["data"]] == ["L1 dead", "L2 saturated"]
    assert d["layout"]["yaxis"]["range"] == [0, 1.02]
    assert any(s["x0"] == 50 and s["line"]["width"] == 3 for s in d["layout"]["shapes"])


def test_curves_mark_branches_and_the_viewed_moment():
    h = {"epoch": np.arange(0, 101, 10.0), "train_loss": np.linspace(1, 0.1, 11),
         "test_loss": np.linspace(1, 0.2, 11)}
    svg = curves_svg(h, "loss", markers=[30, 500], cursor=55)
    assert svg.count('class="branch"') == 1 and svg.count('class="viewing"') == 1
    assert 'stroke-dasharray="4,3"' in svg
    assert curves_svg(h, "loss") == curves_svg(h, "loss", markers=(), cursor=None)
    assert 'class=' not in curves_svg(h, "loss")
