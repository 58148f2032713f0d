"""Trainer: learning, determinism, live hyper-parameters, divergence, limits, history."""
import dataclasses
import math
import time

import numpy as np
import pytest
import torch

from engine.train.history import BoundedHistory
from engine.spec.layers import make_layer
from engine.train.objectives import lr_at
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
from engine.train import DIVERGED, EARLY_STOPPED, FINISHED, READY, Trainer, needs_rebuild

SMALL = Experiment(DataSpec("circle", n_samples=200), ModelSpec(), TrainSpec(batch_size=20))


def mlp(*units, act="relu"):
    return ModelSpec(tuple(make_layer("dense", units=u, activation=act) for u in units))


def weights(t: Trainer) -> list[torch.Tensor]:
    return [p.detach().clone() for p in t.model.parameters()]


def test_spiral_mlp_reaches_95_percent_within_fixed_budget():
    exp = Experiment(DataSpec("spiral", n_samples=500, train_ratio=0.5, seed=3),
                     mlp(16, 16, 16),
                     TrainSpec(optimizer="adam", lr=0.01, batch_size=32, epochs=300))
    t = Trainer(exp)
    while not t.done:
        t.step(100)
    assert t.status == FINISHED and t.epoch == 300
    assert t.metrics.test_acc >= 0.95


@pytest.mark.parametrize("train", [
    TrainSpec(optimizer="adam", lr=0.01, batch_size=16),
    TrainSpec(optimizer="momentum", lr=0.05, l1=0.001, l2=0.01, schedule="cosine", epochs=9),
])
def test_same_seed_same_curve_bit_for_bit(train):
    exp = Experiment(DataSpec("xor", n_samples=200),
                     ModelSpec(mlp(8).layers + (make_layer("dropout", rate=0.3),
                                                make_layer("batchnorm"))), train)
    a, b = Trainer(exp), Trainer(exp)
    for t in (a, b):
        for _ in range(8):
            torch.rand(3)                  # disturb the global RNG between calls
            t.step(7)
    assert np.array_equal(a.history.column("train_loss"), b.history.column("train_loss"))
    assert all(torch.equal(x, y) for x, y in zip(weights(a), weights(b)))
    c = Trainer(exp.replace("train", seed=2))
    c.step(56)
    assert not np.array_equal(a.history.column("train_loss"), c.history.column("train_loss"))


def test_loss_decreases_for_every_optimizer_and_loss():
    for opt in ("sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop"):
        for loss in ("auto", "mse", "huber", "tfp_squared"):
            lr = 0.01 if opt in ("adam", "adamw", "rmsprop") else 0.1
            t = Trainer(SMALL.replace("train", optimizer=opt, loss=loss, lr=lr, batch_size=10))
            start = t.metrics.train_loss
            t.step(400)
            assert t.metrics.train_loss < start, (opt, loss)


def test_live_changes_keep_the_weights():
    t = Trainer(SMALL)
    t.step(25)
    before = weights(t)
    for change in (dict(lr=0.3), dict(momentum=0.5, optimizer="momentum"), dict(l1=0.01),
                   dict(l2=0.1), dict(batch_size=50), dict(optimizer="adam")):
        new = t.spec.__class__(**{**t.spec.__dict__, **change})
        assert not needs_rebuild(t.experiment, Experiment(t.experiment.data, t.experiment.model, new))
        t.apply(new)
        assert all(torch.equal(x, y) for x, y in zip(before, weights(t)))
    assert t.lr == 0.3 and isinstance(t.optimizer, torch.optim.Adam)
    t.step_epoch()
    assert t.batches_per_epoch == 2       # 100 training points / batch 50
    assert needs_rebuild(SMALL, SMALL.replace("train", loss="mse"))
    assert needs_rebuild(SMALL, SMALL.replace("data", noise=0.1))


def test_divergence_keeps_last_finite_weights_and_says_why():
    exp = Experiment(DataSpec("reg_plane", n_samples=200), mlp(8, 8, act="linear"),
                     TrainSpec(lr=10.0, batch_size=5))
    t = Trainer(exp)
    t.step(500)
    assert t.status == DIVERGED
    assert "learning rate" in t.reason and "Lower" in t.reason
    assert all(torch.isfinite(p).all() for p in t.model.parameters())
    assert math.isfinite(t.metrics.train_loss)
    assert t.step(10) == 0                # a diverged run does not go on
    t.apply(dataclasses.replace(t.spec, l2=0.1))
    assert t.status == DIVERGED           # ... unless its steps get smaller:
    t.apply(dataclasses.replace(t.spec, lr=0.001))
    assert t.status == READY and t.step(10) == 10   # it goes on from the weights it kept
    assert math.isfinite(t.metrics.train_loss)


def test_epoch_limit_and_early_stop():
    t = Trainer(SMALL.replace("train", epochs=3))
    t.step(1000)
    assert (t.status, t.epoch) == (FINISHED, 3)
    t.apply(t.spec.__class__(**{**t.spec.__dict__, "epochs": 5}))
    assert t.status == READY
    t.step(1000)
    assert t.epoch == 5
    s = Trainer(SMALL.replace("train", patience=2, lr=1e-6))
    s.step(10_000)
    assert s.status == EARLY_STOPPED and "not improved" in s.reason


def test_run_for_respects_its_budget_and_step_epoch():
    t = Trainer(SMALL)
    t.subscribe("step", lambda _: time.sleep(0.02))      # a slow model: each batch >= 20 ms
    assert t.run_for(0.0) == 1 and t.steps == 1           # always at least one batch
    small = t.run_for(0.05)
    assert 1 <= small <= 3 and t.steps == 1 + small       # 3 batches take >= 60 ms > 50 ms
    before = t.steps
    assert t.run_for(60.0, max_batches=12) == 12          # a large budget: the cap, exactly
    assert t.steps == before + 12
    t.step(3)
    assert t.steps == before + 15
    t.step_epoch()
    assert t.batch_in_epoch == 0


def test_lr_schedules():
    step = TrainSpec(lr=0.1, schedule="step", step_size=10)
    assert lr_at(step, 9) == 0.1 and lr_at(step, 10) == 0.05 and lr_at(step, 25) == 0.025
    cos = TrainSpec(lr=0.1, schedule="cosine", epochs=100)
    assert lr_at(cos, 0) == pytest.approx(0.1) and lr_at(cos, 50) == pytest.approx(0.05)
    assert lr_at(cos, 100) == pytest.approx(0.0)


def test_history_is_bounded_and_evenly_downsampled():
    h = BoundedHistory(cap=8)
    for epoch in range(1000):
        h.record(epoch, {"train_loss": float(epoch)})
    epochs = h.column("epoch")
    assert len(h) <= 8 and epochs[0] == 0 and epochs[-1] >= 1000 - h.stride
    assert len(set(np.diff(epochs))) == 1
    assert np.array_equal(h.column("train_loss"), epochs)


def test_trainer_history_stays_bounded():
    t = Trainer(Experiment(DataSpec("gauss", n_samples=20), mlp(2), TrainSpec(batch_size=10)))
    t.step(2 * 5000)                       # 5000 epochs of 2 batches
    assert len(t.history) <= t.history.cap and t.history.column("epoch")[-1] >= 4990


def test_classification_image_and_sequence_tasks_train():
    for exp in (
        Experiment(DataSpec("digits", n_samples=300),
                   ModelSpec((make_layer("conv2d", channels=4), make_layer("maxpool2d"),
                              make_layer("flatten"), make_layer("dense", units=16))),
                   TrainSpec(optimizer="adam", lr=0.01, batch_size=32)),
        Experiment(DataSpec("sine", n_samples=200), ModelSpec((make_layer("gru", units=8),)),
                   TrainSpec(optimizer="adam", lr=0.01, batch_size=32)),
        Experiment(DataSpec("iris"), mlp(8), TrainSpec(optimizer="adam", lr=0.01)),
    ):
        t = Trainer(exp)
        start = t.metrics.train_loss
        t.step(60)
        assert t.metrics.train_loss < start, exp.data.dataset
