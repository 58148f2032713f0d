"""Diagnostics: a real run built to trigger each finding, and a healthy run that triggers none."""
import numpy as np
import pytest
import torch

from tests.recorded import Recorded
from engine.inspect.diagnostics import Diagnosis, diagnose
from engine.snapshot import LayerRecord
from engine.spec.layers import layers_from_text, make_layer
from engine.record.recorder import Recording
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec

EVERY_EPOCH = Recording(layer_every_steps=1)


def mlp(units, act):
    return ModelSpec(tuple(make_layer("dense", units=u, activation=act) for u in units))


def run(exp, epochs, tweak=None):
    """Train for `epochs`; `tweak(model)` edits the fresh weights (records restart after it)."""
    t = Recorded(exp, recording=EVERY_EPOCH)
    if tweak is not None:
        with torch.no_grad():
            tweak(t.model)
        t.restart_records()
    t.step(epochs * t.batches_per_epoch)
    return t


def findings(t) -> dict[str, Diagnosis]:
    found = diagnose(t.history.as_dict(), t.layers.view(), status=t.status,
                     epoch=t.epoch)
    for d in found:                                  # every line is plain, complete advice
        assert d.message and d.advice and d.since_epoch is not None
    return {d.code: d for d in found}


def test_healthy_run_triggers_nothing():
    t = run(Experiment(DataSpec("circle"), mlp((8, 8), "tanh"),
                       TrainSpec(optimizer="adam", lr=0.03)), 100)
    assert t.metrics.test_acc > 0.95
    assert findings(t) == {}


def test_too_high_learning_rate_diverges():
    t = run(Experiment(DataSpec("reg_plane", n_samples=200), mlp((8, 8), "linear"),
                       TrainSpec(lr=10.0, batch_size=5)), 20)
    d = findings(t)["diverged"]
    assert d.severity == "error" and d.since_epoch == t.epoch and "learning rate" in d.advice


def test_loss_climbing_tenfold_counts_as_diverging_before_nan():
    h = {"epoch": np.arange(30.0), "train_loss": np.r_[np.linspace(1, 0.5, 20), np.geomspace(
        1, 100, 10)], "test_loss": np.ones(30)}
    found = {x.code: x for x in diagnose(h)}
    assert found["diverged"].since_epoch == 24        # first epoch ≥ 10× the best (0.5) and > 1
    assert "oscillating" not in found                 # a steady climb does not jump back down


def test_tiny_learning_rate_is_flat():
    t = run(Experiment(DataSpec("circle"), mlp((8, 8), "tanh"), TrainSpec(lr=1e-6)), 30)
    d = findings(t)["flat"]
    assert d.since_epoch == 0 and "less than" in d.message and "learning rate" in d.advice


def test_deep_sigmoid_stack_vanishes_below_a_layer():
    t = run(Experiment(DataSpec("circle"), mlp((8,) * 8, "sigmoid"), TrainSpec(lr=0.1)), 5)
    d = findings(t)["vanishing"]
    assert d.layer in {f"L{i}" for i in range(3, 8)} and d.since_epoch == 0
    assert "ReLU" in d.advice and "batch norm" in d.advice and "residual" in d.advice


def test_huge_initial_weights_explode():
    def blow_up(model):
        for m in model.children():
            m.weight.mul_(8.0)
    t = run(Experiment(DataSpec("circle"), mlp((16,) * 6, "relu"), TrainSpec(lr=1e-6)), 2,
            blow_up)
    d = findings(t)["exploding"]
    assert d.severity == "error" and d.since_epoch == 0 and d.layer is not None


def test_negative_bias_kills_the_relus():
    def kill(model):
        for name, m in model.named_children():
            if name != "head":
                m.bias.fill_(-5.0)
    t = run(Experiment(DataSpec("circle"), mlp((8, 8), "relu"), TrainSpec(lr=0.03)), 25, kill)
    found = findings(t)
    assert found["dead_relu"].layer in ("L1", "L2") and found["dead_relu"].since_epoch == 0
    assert "100%" in found["dead_relu"].message
    assert found["flat"].layer == "L1" and "dead" in found["flat"].message
    assert found["flat"].since_epoch <= 5


def test_tiny_data_big_net_overfits():
    t = run(Experiment(DataSpec("circle", n_samples=40, noise=0.5), mlp((64, 64), "relu"),
                       TrainSpec(optimizer="adam", lr=0.01)), 150)
    d = findings(t)["overfit"]
    assert 0 < d.since_epoch < 60 and "L2" in d.advice and "dropout" in d.advice


def test_linear_model_on_circle_underfits():
    t = run(Experiment(DataSpec("circle"), ModelSpec(()), TrainSpec(optimizer="adam", lr=0.03)),
            40)
    found = findings(t)
    assert set(found) == {"underfit"} and "features" in found["underfit"].advice


@pytest.mark.parametrize("code", ["saturated"])
def test_saturated_units_are_named(code):
    def saturate(model):
        model.L1.bias.fill_(30.0)                   # every unit pinned at +1
    t = run(Experiment(DataSpec("circle"), mlp((8,), "tanh"), TrainSpec(lr=1e-6)), 1, saturate)
    d = findings(t)[code]
    assert d.layer == "L1" and d.since_epoch == 0


def test_huge_learning_rate_on_relus_oscillates_and_is_not_flat():
    """The 2D playground at lr=10: the loss jumps between ~0.7 and ~6 from epoch to epoch.

    Before: its min/max barely moved, so it read as "flat: raise the learning rate 10×".
    """
    t = run(Experiment(DataSpec("spiral"), mlp((8, 8), "relu"),
                       TrainSpec(lr=10.0, batch_size=10, seed=1)), 30)
    loss = t.history.as_dict()["train_loss"]
    assert t.status == "ready" and loss[-10:].max() > 5 * loss[-10:].min()   # it really jumps
    found = findings(t)
    assert not {"flat", "underfit", "overfit"} & set(found)
    d = found["oscillating"]
    assert d.severity == "error" and d.since_epoch <= 3 and "Lower the learning rate" in d.advice
    assert "Raise" not in d.advice
    assert found["dead_relu"].layer == "L2"           # the big steps also killed L2's ReLUs


def test_accurate_conv_net_gets_no_dead_relu_warning():
    """Digits conv net at ~98% test accuracy. Most of its dense ReLUs are silent on every
    probe input (the statistic is right: per channel in the conv layer, per unit in the
    dense one), but the live ones do the job: no warning may contradict the curves."""
    t = run(Experiment(DataSpec("digits", n_samples=1797, train_ratio=0.7),
                       ModelSpec(layers_from_text(
                           "conv2d:8:3:1:1:relu,maxpool2d:2:2,flatten,dense:32:relu")),
                       TrainSpec(optimizer="adam", lr=0.01, seed=1)), 6)
    assert t.metrics.test_acc > 0.95
    rec = t.layers.view()
    assert rec.dead[-1, rec.index("L1")] == 0          # conv: counted per channel, none dead
    assert rec.dead[-1, rec.index("L4")] > 1 / 3       # dense: really silent, yet harmless
    assert findings(t) == {}


def _record(dead: float, epochs: int) -> LayerRecord:
    """One ReLU layer of 8 and a head, `dead` of the ReLUs silent on every row."""
    ones, n = np.ones((epochs, 2)), epochs
    return LayerRecord(("L1", "head"), ("dense", "head"), ("relu", "linear"), np.arange(n),
                       np.zeros((n, 2, 9)), ones, ones, np.c_[np.full(n, dead), np.full(n, np.nan)],
                       np.full((n, 2), np.nan), ones * 1e-2, ones, ones * 1e-3)


@pytest.mark.parametrize("acc, dead, warns", [(0.99, 0.5, False), (0.6, 0.5, True),
                                              (0.99, 1.0, True)])
def test_dead_relus_warn_only_where_they_hurt(acc, dead, warns):
    n = 30
    h = {"epoch": np.arange(n), "train_loss": np.geomspace(0.7, 0.05, n),
         "test_loss": np.geomspace(0.7, 0.06, n), "train_acc": np.full(n, acc),
         "test_acc": np.full(n, acc)}
    assert ("dead_relu" in {d.code for d in diagnose(h, _record(dead, n))}) == warns


def test_noisy_test_loss_is_not_overfitting():
    """A test loss that only jitters around its level (train still falling) is no overfit."""
    rng = np.random.default_rng(0)
    n = 80
    te = 0.4 + 0.12 * rng.standard_normal(n).clip(-2, 2)
    h = {"epoch": np.arange(n), "train_loss": np.geomspace(0.7, 0.2, n), "test_loss": te}
    assert "overfit" not in {d.code for d in diagnose(h, classification=False)}


def test_the_running_median_is_each_trailing_windows_median_nans_left_out():
    from engine.inspect.diagnostics import _median
    rng = np.random.default_rng(3)
    for n in (0, 1, 4, 5, 6, 40):
        y = rng.normal(size=n)
        y[rng.random(n) < 0.25] = np.nan
        y[:2] = np.nan if n > 8 else y[:2]                  # windows of NaNs only, too
        for k in (1, 3, 5):
            got = _median(y, k)
            assert got.shape == y.shape
            for i in range(n):
                window = y[max(0, i - k + 1): i + 1]
                window = window[~np.isnan(window)]
                want = np.median(window) if len(window) else np.nan
                assert (np.isnan(got[i]) and np.isnan(want)) or got[i] == want, (n, k, i)
