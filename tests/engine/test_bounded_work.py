"""Work per click and per frame stays bounded whatever the controls ask for (issue #10).

Batch norm never sees a batch of one (its statistics do not exist: torch raises), and the 2D
frame of the widest network the sidebar builds draws a bounded number of neurons on a grid
whose probe cost is bounded.
"""
import pytest

from engine.inspect.playground import (GRID, GRID_MACS, MIN_GRID, SHOWN_NEURONS,
                                       capture_playground, grid_resolution, neuron_labels)
from engine.spec.experiment import Experiment
from engine.spec.fields import SpecError
from engine.train.batches import batch_count
from engine.train.trainer import Trainer

ALL_FEATURES = "x1,x2,x1_sq,x2_sq,x1x2,sin_x1,sin_x2"
WIDEST = ",".join(["dense:256:tanh,batchnorm,dropout:0.5"] * 8)


def trainer(**params) -> Trainer:
    exp, notes = Experiment.from_query(params)
    assert not notes, notes
    return Trainer(exp)


@pytest.mark.parametrize("n, bs, norm, expected", [
    (45, 7, True, 7), (43, 7, True, 6), (43, 7, False, 7), (1, 7, True, 1), (8, 7, True, 1)])
def test_batch_count_folds_a_last_batch_of_one_into_the_one_before(n, bs, norm, expected):
    assert batch_count(n, bs, norm) == expected


def test_an_epoch_with_batch_norm_and_a_leftover_example_trains_every_example_once():
    t = trainer(ds="circle", n="50", tr="0.86", bs="7", net="dense:8:tanh,batchnorm")  # 43
    assert len(t.x_train) == 43
    t.step_epoch()
    assert t.epoch == 1 and sum(len(x) for x, _ in t._batches) == 43
    assert min(len(x) for x, _ in t._batches) >= 2


def test_batch_norm_refuses_a_batch_of_one_and_one_training_example():
    with pytest.raises(SpecError, match="at least 2 examples per batch"):
        trainer(ds="circle", bs="1", net="dense:8:tanh,batchnorm")
    with pytest.raises(SpecError, match="at least 2 training examples"):
        trainer(ds="circle", n="10", tr="0.1", net="dense:8:tanh,batchnorm")


def test_the_widest_sidebar_network_draws_a_bounded_frame():
    t = trainer(ds="spiral", feat=ALL_FEATURES, net=WIDEST, bs="16")
    t.step(2)
    snap = capture_playground(t)
    hidden = snap.layout.labels[1:-1]
    assert len(hidden) == 8 and all(len(col) == SHOWN_NEURONS for col in hidden)
    assert snap.layout.more == (0,) + (256 - SHOWN_NEURONS,) * 8 + (0,)
    assert len(snap.maps) == 7 + 8 * SHOWN_NEURONS
    assert all(w is None or w.shape[0] <= SHOWN_NEURONS for w in snap.layout.weights)
    assert all(w is None or w.shape[1] <= max(SHOWN_NEURONS, 7) for w in snap.layout.weights)
    r = snap.grid.resolution
    assert MIN_GRID <= r < GRID
    assert r * r * sum(row.macs for row in t.plan) <= max(GRID_MACS, MIN_GRID ** 2 * 1e6)
    assert neuron_labels(t)[7:7 + SHOWN_NEURONS] == list(hidden[0])


def test_small_networks_keep_the_full_grid_and_every_neuron():
    t = trainer(ds="spiral", net="dense:8:tanh,dense:8:tanh")
    snap = capture_playground(t)
    assert snap.grid.resolution == GRID == grid_resolution(t.plan)
    assert [len(c) for c in snap.layout.labels[1:-1]] == [8, 8]
    assert not any(snap.layout.more)


def test_step_epoch_with_a_budget_stops_early_and_the_next_call_goes_on():
    t = trainer(ds="spiral", n="200", tr="0.9", bs="2", net=WIDEST, feat=ALL_FEATURES)
    ran = t.step_epoch(seconds=0.0)
    assert ran == 1 and t.epoch == 0 and t.batch_in_epoch == 1
    t.step_epoch()                                     # no budget: the rest of the epoch
    assert t.epoch == 1 and t.steps == t.batches_per_epoch == 90
