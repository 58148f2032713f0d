"""Re-weighting (issue #13): Kamiran & Calders' weights against a hand computation, the
Trainer's weighted batch loss against a hand-computed weighted mean, all-ones weights against
no weights, weights through state_dict, and the remedy narrowing the loan table's gap."""
import dataclasses

import numpy as np
import pandas as pd
import pytest
import torch

from datasets.base import DatasetError
from datasets.table import prepare
from datasets.table_sources import (LOAN_LIMITS, load_loan, remedied, reweighed,
                                    reweighing_weights)
from engine.inspect.groups import gaps, group_metrics
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
from engine.spec.fields import SpecError
from engine.spec.layers import layers_from_text
from engine.train import Trainer
from engine.train.objectives import example_losses, resolve_objective, weighted_loss


def test_weights_match_a_hand_computation():
    # group A: 3 approved, 1 denied; group B: 1 approved, 3 denied (n = 8)
    g = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    y = np.array([1, 1, 1, 0, 1, 0, 0, 0])
    w = reweighing_weights(g, y)
    # P(g) = 1/2 each, P(y) = 1/2 each; P(A, 1) = 3/8 -> (1/4) / (3/8) = 2/3, P(A, 0) = 1/8 -> 2
    hand = np.array([2 / 3, 2 / 3, 2 / 3, 2, 2, 2 / 3, 2 / 3, 2 / 3])
    np.testing.assert_allclose(w, hand / hand.mean(), rtol=1e-6)
    assert w.dtype == np.float32 and w.mean() == pytest.approx(1.0)
    # weighted, group and label are independent: each group's weighted approval rate is 1/2
    for i in (0, 1):
        m = g == i
        assert (w[m] * y[m]).sum() / w[m].sum() == pytest.approx(0.5)


def test_weights_with_uneven_groups_have_mean_one_and_an_empty_cell_is_fine():
    g = np.array([0] * 7 + [1] * 3)
    y = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])       # group B: no approvals at all
    w = reweighing_weights(g, y)
    n, n_g, n_y = 10, np.array([7, 3]), np.array([6, 4])
    cell = {(0, 1): 4, (0, 0): 3, (1, 0): 3}
    hand = np.array([n_g[a] * n_y[b] / (n * cell[a, b]) for a, b in zip(g, y)])
    np.testing.assert_allclose(w, hand / hand.mean(), rtol=1e-6)
    assert np.isfinite(w).all() and w.mean() == pytest.approx(1.0)


def test_reweighed_table_uses_training_rows_only_and_says_so():
    t = load_loan(600, 0.7, seed=2, label_bias=0.6)
    r = reweighed(t)
    ds = r.dataset
    assert ds.w_train is not None and len(ds.w_train) == len(ds.y_train)
    assert not ds.w_train.flags.writeable and ds.w_train.dtype == np.float32
    np.testing.assert_allclose(ds.w_train, reweighing_weights(t.group_train, t.dataset.y_train))
    assert ds.x_test is t.dataset.x_test and t.dataset.w_train is None
    assert r.notes[-1].startswith("Re-weighting:") and "group B's 'approved'" in r.notes[-1]
    both = load_loan(600, 0.7, seed=2, label_bias=0.6, balance=True, reweigh=True)
    assert len(both.dataset.w_train) == len(both.group_train) > len(t.group_train)
    assert both.notes[-2].startswith("Balanced sampling")
    assert both.notes[-1].startswith("Re-weighting (after balanced sampling)")


def test_no_sensitive_column_or_a_number_target_leaves_the_weights_out():
    df = pd.DataFrame({"a": np.arange(40.0), "g": ["x", "y"] * 20,
                       "price": np.arange(40.0) * 1.5})
    plain = prepare(df, "price", limits=LOAN_LIMITS)
    assert remedied(plain, 0, balance=True, reweigh=True) is plain
    numeric = reweighed(prepare(df, "price", limits=LOAN_LIMITS, sensitive="g"))
    assert numeric.dataset.w_train is None and "target is a number" in numeric.notes[-1]


def test_a_dataset_refuses_weights_of_the_wrong_length():
    ds = load_loan(300, seed=0).dataset
    with pytest.raises(DatasetError, match="one each"):
        dataclasses.replace(ds, w_train=np.ones(3, dtype=np.float32))


def test_subsets_keep_each_rows_weight():
    from datasets.subset import take_train
    from engine.classic.curves import _subset
    ds = load_loan(300, seed=0, label_bias=0.5, reweigh=True).dataset
    rows = np.array([5, 1, 7])
    sub = _subset(ds, rows)                      # the learning curve's smaller training sets
    np.testing.assert_array_equal(sub.w_train, ds.w_train[rows])
    assert len(take_train(ds, 50).w_train) == 50


# ---- the Trainer ---------------------------------------------------------------------------
def experiment(batch_size=16, layers="dense:8:relu", loss="auto", optimizer="adam"):
    return Experiment(DataSpec("loan", n_samples=300, train_ratio=0.7, seed=0),
                      ModelSpec(layers_from_text(layers)),
                      TrainSpec(optimizer=optimizer, lr=0.01, batch_size=batch_size, loss=loss,
                                seed=3))


def losses(trainer: Trainer, n: int) -> list[float]:
    """The trajectory of `n` steps: the weights' sum after every step, both losses after
    every epoch."""
    out = []
    trainer.subscribe("epoch_end", lambda t: out.extend((t.metrics.train_loss,
                                                         t.metrics.test_loss)))
    for _ in range(n):
        trainer.step(1)
        out.append(float(sum(p.detach().sum() for p in trainer.model.parameters())))
    return out


@pytest.mark.parametrize("loss", ["auto", "mse", "huber", "tfp_squared"])
def test_example_losses_average_to_the_objective_loss(loss):
    torch.manual_seed(0)
    n_out = 1 if loss == "tfp_squared" else 2
    obj = resolve_objective(loss, "classification", 2)
    out = torch.randn(7, n_out)
    target = obj.encode_targets(np.array([0, 1, 1, 0, 1, 0, 1]))
    per = example_losses(obj, out, target)
    assert per.shape == (7,)
    torch.testing.assert_close(per.mean(), obj.loss(out, target))
    reg = resolve_objective("huber" if loss == "huber" else "mse", "regression", 1, n_values=3)
    y = torch.randn(7, 3)
    torch.testing.assert_close(example_losses(reg, out[:, :1] + y, y).mean(),
                               reg.loss(out[:, :1] + y, y))


def test_weighted_batch_loss_is_the_hand_weighted_mean():
    ds = load_loan(300, seed=0).dataset
    w = np.linspace(0.5, 2.0, len(ds.y_train)).astype(np.float32)
    t = Trainer(experiment(batch_size=8), dataset=dataclasses.replace(ds, w_train=w),
                device="cpu")
    t._start_epoch()
    xb, yb, wb = t._batches[0]
    order = t._order[:8]
    torch.testing.assert_close(wb, torch.tensor(w)[order])           # weights follow the shuffle
    torch.testing.assert_close(xb, t.x_train[order])
    with torch.no_grad():
        logits = t.model(xb)
        p = logits.log_softmax(dim=1)
        per = [-float(p[i, int(yb[i])]) for i in range(8)]
        hand = sum(float(wb[i]) * per[i] for i in range(8)) / float(wb.sum())
        assert float(weighted_loss(t.objective, logits, yb, wb)) == pytest.approx(hand, rel=1e-5)
    assert sum(len(b[2]) for b in t._batches) == len(ds.y_train)      # cut like the examples


def test_all_ones_weights_train_like_no_weights_and_no_weights_is_unchanged():
    ds = load_loan(300, seed=0).dataset
    ones = dataclasses.replace(ds, w_train=np.ones(len(ds.y_train), dtype=np.float32))
    plain = losses(Trainer(experiment(), dataset=ds, device="cpu"), 60)
    again = losses(Trainer(experiment(), dataset=ds, device="cpu"), 60)
    weighted = losses(Trainer(experiment(), dataset=ones, device="cpu"), 60)
    assert plain == again                                             # bit for bit
    np.testing.assert_allclose(weighted, plain, rtol=1e-4, atol=1e-5)


def test_state_dict_round_trip_keeps_the_weights_in_their_order():
    table = load_loan(300, seed=0, label_bias=0.7, reweigh=True)
    a = Trainer(experiment(batch_size=16), dataset=table.dataset, device="cpu")
    a.step(20)                                   # mid-epoch (14 batches an epoch)
    state = a.state_dict()
    w_before = [b[2].clone() for b in a._batches]
    first = losses(a, 10)
    b = Trainer(experiment(batch_size=16), dataset=table.dataset, device="cpu")
    b.load_state_dict(state)
    assert all(torch.equal(x[2], y) for x, y in zip(b._batches, w_before))
    assert losses(b, 10) == first


def test_per_step_data_refuses_weights_in_plain_words():
    from engine.data import load_data
    exp = Experiment(DataSpec("copy", n_samples=64, seed=0),
                     ModelSpec(layers_from_text("rnn:8")), TrainSpec(batch_size=16))
    ds = load_data(exp.data)
    assert ds.per_step
    with pytest.raises(SpecError, match="re-weighting is not available"):
        Trainer(exp, dataset=dataclasses.replace(
            ds, w_train=np.ones(len(ds.y_train), dtype=np.float32)), device="cpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_weighted_training_runs_on_cuda():
    table = load_loan(300, seed=0, label_bias=0.7, reweigh=True)
    t = Trainer(experiment(), dataset=table.dataset, device="cuda")
    t.step(30)
    assert t.w_train.device.type == "cuda" and t._batches[0][2].device.type == "cuda"


# ---- does it help? ---------------------------------------------------------------------------
def approval_gap(reweigh: bool, seed: int) -> float:
    """Gap in predicted approval rate (test rows) between the groups after a fixed budget."""
    table = load_loan(1000, 0.7, seed, minority_share=0.3, label_bias=0.8, reweigh=reweigh)
    exp = Experiment(DataSpec("loan", n_samples=1000, train_ratio=0.7, seed=seed),
                     ModelSpec(layers_from_text("dense:16:relu")),
                     TrainSpec(optimizer="adam", lr=0.01, batch_size=32, seed=seed))
    t = Trainer(exp, dataset=table.dataset, device="cpu")
    t.step(15 * t.batches_per_epoch)             # 15 epochs
    ds = table.dataset
    pred = t.predict(np.array(ds.x_test)).argmax(axis=1)
    rows = group_metrics(ds.y_test, pred, table.group_test, table.group_names,
                         positive=ds.class_names.index("approved"))
    return gaps(rows)["positive_rate"]


def test_reweighing_narrows_the_approval_rate_gap_on_the_biased_loan_table():
    torch.set_num_threads(1)
    for seed in (0, 1):
        plain, fixed = approval_gap(False, seed), approval_gap(True, seed)
        assert fixed < plain - 0.1, (seed, plain, fixed)
