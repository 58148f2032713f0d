"""Timeline: restore + continue is bit-identical, scrubbing shows the recorded weights, branches."""
import numpy as np
import pytest
import torch

from tests.recorded import Recorded
from engine.spec.layers import make_layer
from engine.record.recorder import RECORD_OFF, Recording, first_stride
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
from engine.record.timeline import Timeline
from engine.train import DIVERGED, READY

# Everything that carries state between steps: Adam's moments, dropout's RNG stream, batch-norm
# running statistics, a schedule, L2, early-stopping counters.
STATEFUL = Experiment(
    DataSpec("xor", n_samples=120),
    ModelSpec((make_layer("dense", units=8, activation="relu"), make_layer("dropout", rate=0.3),
               make_layer("batchnorm"), make_layer("dense", units=4, activation="tanh"))),
    TrainSpec(optimizer="adam", lr=0.01, batch_size=16, l2=0.01, schedule="cosine", epochs=40,
              patience=30))


def params(t):
    return [p.detach().clone() for p in t.model.state_dict().values()]


def same(a, b):
    return len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b))


def opt_tensors(t):
    return [v for s in t.optimizer.state_dict()["state"].values() for v in s.values()]


def test_restore_and_continue_is_bit_identical_mid_epoch():
    a = Recorded(STATEFUL)
    a.step(3 * a.batches_per_epoch + 2)              # stop inside epoch 4
    ck = a.checkpoint()
    a.step(60)
    after, after_opt = params(a), opt_tensors(a)
    loss = a.history.column("train_loss")
    a.restore(ck)
    assert a.rewound and a.steps == ck.steps and a.batch_in_epoch == 2
    a.step(60)
    assert same(params(a), after) and same(opt_tensors(a), after_opt)
    assert np.array_equal(a.history.column("train_loss"), loss)
    assert a.branches == [ck.position] and not a.rewound
    # recording (probes, checkpoints) never changes what training does
    b = Recorded(STATEFUL, recording=RECORD_OFF)
    b.step(3 * b.batches_per_epoch + 2 + 60)
    assert same(params(b), after)


def test_checkpoints_taken_during_training_replay_exactly():
    t = Recorded(STATEFUL.replace("train", epochs=0, patience=0))
    t.step(10 * t.batches_per_epoch)
    end, end_opt = params(t), opt_tensors(t)
    t.branch_from(4)                                 # recorded inside a run (live dropout RNG)
    t.step(6 * t.batches_per_epoch)
    assert same(params(t), end) and same(opt_tensors(t), end_opt)


def test_restore_into_a_fresh_trainer_continues_the_same_run():
    a = Recorded(STATEFUL)
    a.step(45)
    ck = a.checkpoint()
    a.step(50)
    b = Recorded(STATEFUL)
    b.restore(ck)
    b.step(50)
    assert same(params(a), params(b)) and (a.epoch, a.steps) == (b.epoch, b.steps)
    assert a.metrics == b.metrics


def test_scrubbing_shows_recorded_weights_and_back_to_latest_is_exact():
    t = Recorded(STATEFUL.replace("train", epochs=0, patience=0))
    t.step(12 * t.batches_per_epoch + 3)            # end mid-epoch: only a mark keeps it
    latest, latest_opt, steps = params(t), opt_tensors(t), t.steps
    epochs = [c.epoch for c in t.timeline.checkpoints]
    assert epochs[:13] == list(range(13))
    past = t.timeline.at_epoch(5)
    t.rewind(past.steps)
    assert (t.epoch, t.batch_in_epoch, t.steps) == (5, 0, past.steps)
    assert same(params(t), list(past.state["model"].values()))
    assert t.metrics == past.state["metrics"] and t.rewound
    assert t.history.column("epoch")[-1] == 12       # the future is kept while viewing
    t.rewind(steps)                                  # the pause mark: exactly where we were
    assert not t.rewound and t.steps == steps
    assert same(params(t), latest) and same(opt_tensors(t), latest_opt)


def test_branch_truncates_the_future_and_records_the_branch_point():
    t = Recorded(STATEFUL.replace("train", epochs=0, patience=0),
                recording=Recording(layer_every_steps=1))
    t.step(20 * t.batches_per_epoch)
    c = t.branch_from(8)
    assert (c.epoch, t.epoch) == (8, 8) and t.branches == [8.0]
    assert t.history.column("epoch")[-1] == 8
    assert t.layers.last_epoch == 8
    assert max(c.steps for c in t.timeline.checkpoints) == c.steps
    t.apply(t.spec.__class__(**{**t.spec.__dict__, "lr": 0.05}))    # try something else
    t.step(4 * t.batches_per_epoch)
    assert t.epoch == 12 and t.history.column("epoch")[-1] == 12
    ratios = t.layers.view().update_ratio      # the last row waits for its next step
    assert np.isfinite(ratios[:-1, 0]).all() and np.isnan(ratios[-1]).all()
    t.branch_from(3)                                 # an earlier branch forgets the later one
    assert t.branches == [3.0]


def test_rewind_before_divergence_recovers():
    exp = Experiment(DataSpec("reg_plane", n_samples=200),
                     ModelSpec(tuple(make_layer("dense", units=8, activation="linear")
                                     for _ in range(2))), TrainSpec(lr=10.0, batch_size=5))
    t = Recorded(exp)
    t.step(500)
    assert t.status == DIVERGED
    t.rewind(t.timeline.checkpoints[0].steps)
    assert t.status == READY and t.epoch == 0
    t.apply(exp.train.__class__(**{**exp.train.__dict__, "lr": 0.001}))
    t.step(100)
    assert t.status == READY and t.epoch > 0 and t.branches == [0.0]


def test_timeline_is_bounded_by_count_and_bytes():
    t = Recorded(Experiment(DataSpec("gauss", n_samples=20), ModelSpec(),
                           TrainSpec(batch_size=10)), recording=Recording(checkpoint_cap=8))
    t.step(2 * 1000)                                 # 1000 epochs of 2 batches
    epochs = [c.epoch for c in t.timeline.checkpoints]
    assert len(epochs) <= 8 and epochs[0] == 0 and epochs[-1] > 1000 - 2 * t.timeline.stride
    assert len(set(np.diff(epochs))) == 1            # evenly spaced
    one = t.timeline.checkpoints[-1].nbytes
    small = Recorded(t.experiment, recording=Recording(checkpoint_bytes=5 * one))
    small.step(2 * 200)
    assert small.timeline.nbytes <= 5 * one and len(small.timeline) >= 2


def test_timeline_unit_thinning_and_marks():
    tl = Timeline(cap=4)
    t = Recorded(Experiment(DataSpec("gauss", n_samples=40), ModelSpec(),
                           TrainSpec(batch_size=10)), recording=RECORD_OFF)
    for _ in range(9):
        if tl.due(t.epoch):
            tl.add(t.checkpoint())
        t.step(2)
    assert [c.epoch for c in tl.checkpoints] == [0, 4, 8] and tl.stride == 4
    t.step(1)
    tl.set_mark(t.checkpoint())
    assert tl.latest.batch_in_epoch == 1 and len(tl) == 4
    tl.truncate_after(tl.checkpoints[1].steps)
    assert [c.epoch for c in tl.checkpoints] == [0, 4] and tl.mark is None
    tiny = Timeline(max_bytes=tl.latest.nbytes // 2)        # a model too big to keep
    assert not tiny.add(tl.checkpoints[0]) and not tiny.due(8) and len(tiny) == 0
    tiny.set_mark(tl.checkpoints[1])
    assert tiny.mark is None


@pytest.mark.parametrize("steps,batches,stride", [(256, 25, 16), (256, 1875, 1), (256, 2, 128)])
def test_first_stride_is_a_power_of_two_spanning_the_steps(steps, batches, stride):
    assert first_stride(steps, batches) == stride
