"""Diagnostics: a real run built to trigger each finding, and a healthy run that triggers none."""
import numpy as np
import pytest
import torch

from tests.recorded import Recorded
from engine.inspect.diagnostics import Diagnosis, diagnose
from engine.spec.layers import make_layer
from engine.record.recorder import Recording
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
from engine.train import Trainer

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
    found = diagnose(t.history.as_dict(), t.layer_history.view(), status=t.status,
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
    d = {x.code: x for x in diagnose(h)}["diverged"]
    assert d.since_epoch == 24                        # first epoch ≥ 10× the best (0.5) and > 1


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
