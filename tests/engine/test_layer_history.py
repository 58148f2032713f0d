"""Layer history: bounded and evenly thinned, rows equal the probe, update ratio exact."""
import math

import numpy as np
import torch

from tests.recorded import Recorded
from engine.record.layer_history import LayerHistory
from engine.spec.layers import make_layer
from engine.inspect.probe import layer_stats
from engine.record.recorder import RECORD_OFF, Recording
from engine.snapshot import PERCENTILES, LayerStats
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec

EXP = Experiment(DataSpec("circle", n_samples=200),
                 ModelSpec((make_layer("dense", units=6, activation="relu"),
                            make_layer("dense", units=4, activation="tanh"))),
                 TrainSpec(optimizer="adam", lr=0.01, batch_size=20))
EVERY_EPOCH = Recording(layer_every_steps=1)


def fake(value: float) -> LayerStats:
    return LayerStats("L1", "dense", "relu", 4, value, 1.0, (value,) * len(PERCENTILES),
                      0.25, math.nan, value, 2.0)


def test_bounded_and_evenly_thinned():
    h = LayerHistory(["L1"], ["dense"], ["relu"], cap=8)
    for epoch in range(1000):
        if h.due(epoch):
            h.record(epoch, [fake(float(epoch))])
    r = h.view()
    assert len(r) <= 8 and r.epochs[0] == 0 and r.epochs[-1] >= 1000 - h.stride
    assert len(set(np.diff(r.epochs))) == 1
    assert np.array_equal(r.grad_norm[:, 0], r.epochs) and (r.dead == 0.25).all()
    assert r.upto(r.epochs[2]).epochs.tolist() == r.epochs[:3].tolist()


def test_rows_equal_the_probe_and_update_ratio_is_the_next_step():
    t = Recorded(EXP, recording=EVERY_EPOCH)
    t.step(3 * t.batches_per_epoch)
    x, y = t.x_train[:256], t.y_train[:256]
    now = layer_stats(t.model, x, y, t.objective.loss)
    r = t.layers.view()
    assert r.epochs.tolist() == [0, 1, 2, 3] and r.names == ("L1", "L2", "head")
    for i, s in enumerate(now):
        assert np.allclose(r.percentiles[-1, i], s.act_percentiles)
        assert r.grad_norm[-1, i] == s.grad_norm and r.weight_norm[-1, i] == s.weight_norm
    assert r.dead[-1, 0] == now[0].dead_fraction and np.isnan(r.dead[-1, 1])
    assert np.isnan(r.update_ratio[-1]).all()         # measured by the next step
    before = [p.detach().clone() for p in t.model.L1.parameters()]
    t.step(1)
    moved = sum((p.detach() - b).pow(2).sum() for p, b in zip(t.model.L1.parameters(), before))
    size = sum(b.pow(2).sum() for b in before)
    ratio = t.layers.view().update_ratio[-1, 0]
    assert math.isclose(ratio, float(torch.sqrt(moved / size)), rel_tol=1e-5)


def test_trainer_layer_history_stays_bounded_and_off_means_off():
    t = Recorded(Experiment(DataSpec("gauss", n_samples=20), EXP.model, TrainSpec(batch_size=10)),
                recording=Recording(layer_cap=8, layer_every_steps=1))
    t.step(3000)                                     # 3000 epochs of one batch
    r = t.layers.view()
    assert len(r) <= 8 and r.epochs[-1] >= 3000 - t.layers.stride
    off = Recorded(EXP, recording=RECORD_OFF)
    off.step(50)
    assert len(off.layers) == 0 and len(off.timeline) == 0


def test_default_cadence_probes_every_256_steps_or_more():
    t = Recorded(EXP)                                 # 5 batches per epoch -> every 64 epochs
    assert t.layers.stride * t.batches_per_epoch >= 256
    t.step(130 * t.batches_per_epoch)
    assert t.layers.view().epochs.tolist() == [0, 64, 128]
