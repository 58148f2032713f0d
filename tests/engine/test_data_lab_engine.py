"""The data lab's engine: classic models on exactly the network's split, deterministic
learning curves, per-group metrics against hand-counted confusion matrices, the PCA plane
against scikit-learn, the live snapshot, and the loan table's bias knobs."""
import dataclasses

import numpy as np
import pytest

from datasets import load_dataset
from engine.classic import baselines
from engine.classic.curves import curve_sizes, learning_curve
from engine.inspect.groups import gaps, group_metrics
from engine.inspect.tabular import GRID, capture_table, fit_plane, predict
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
from engine.spec.layers import layers_from_text
from engine.train import Trainer


def iris_experiment():
    return Experiment(DataSpec("iris", n_samples=150, train_ratio=0.7),
                      ModelSpec(layers_from_text("dense:8:relu")),
                      TrainSpec(optimizer="adam", lr=0.02, batch_size=16))


def test_baselines_fit_exactly_the_network_split(monkeypatch):
    trainer = Trainer(iris_experiment(), device="cpu")
    ds = trainer.dataset
    seen = []
    real = baselines.fit_baseline

    def spy(name, model, x_tr, y_tr, x_te, y_te, *rest):
        seen.append((x_tr, y_tr, x_te, y_te))
        return real(name, model, x_tr, y_tr, x_te, y_te, *rest)

    monkeypatch.setattr(baselines, "fit_baseline", spy)
    results = baselines.fit_baselines(ds, seed=0)
    assert [r.name for r in results] == list(baselines.NAMES)
    for x_tr, y_tr, x_te, y_te in seen:
        assert x_tr is ds.x_train and y_tr is ds.y_train
        assert x_te is ds.x_test and y_te is ds.y_test
        np.testing.assert_array_equal(x_tr, trainer.x_train.numpy())   # what the net trains on
    from sklearn.linear_model import LogisticRegression
    manual = LogisticRegression(max_iter=500).fit(ds.x_train, ds.y_train).score(ds.x_test,
                                                                               ds.y_test)
    assert results[0].score == pytest.approx(manual)
    assert all(r.params > 0 and r.fit_s >= 0 and r.explains for r in results)


def test_r2_for_numbers():
    y = np.array([1.0, 2.0, 3.0])
    assert baselines.score_predictions(y, y, False) == 1.0
    assert baselines.score_predictions(np.full(3, 2.0), y, False) == pytest.approx(0.0)


def test_learning_curve_is_deterministic_per_seed():
    ds = load_dataset("iris", n_samples=150, train_ratio=0.7, seed=1)
    exp = iris_experiment()
    first = learning_curve(exp, ds, seed=4)
    again = learning_curve(exp, ds, seed=4)
    assert first.sizes == curve_sizes(len(ds.x_train)) and len(first.sizes) == 8
    assert first.sizes[-1] == len(ds.x_train)
    assert first.scores.keys() == again.scores.keys()
    for name in first.scores:
        np.testing.assert_array_equal(first.scores[name], again.scores[name])
    assert first.scores["Network"][-1] > 0.8


def test_group_metrics_match_hand_counted_confusion_matrices():
    y_true = np.array([1, 1, 0, 0, 1, 1, 1, 0, 0, 0])
    y_pred = np.array([1, 0, 0, 1, 1, 0, 0, 0, 0, 1])
    group = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    a, b = group_metrics(y_true, y_pred, group, ("A", "B"), positive=1)
    # group A: tp=2 (rows 0, 4), fn=1 (row 1), tn=1 (row 2), fp=1 (row 3)
    assert (a.rows, a.accuracy, a.fpr, a.fnr, a.positive_rate) == (5, 0.6, 0.5, 1 / 3, 0.6)
    # group B: tp=0, fn=2 (rows 5, 6), tn=2 (rows 7, 8), fp=1 (row 9)
    assert (b.rows, b.accuracy, b.fpr, b.fnr, b.positive_rate) == (5, 0.4, 1 / 3, 1.0, 0.2)
    g = gaps((a, b))
    assert g["fnr"] == pytest.approx(2 / 3) and g["accuracy"] == pytest.approx(0.2)


def test_plane_matches_scikit_learn_pca():
    from sklearn.decomposition import PCA
    x = np.random.default_rng(0).normal(size=(200, 5)) * [5, 3, 1, 0.5, 0.1]
    plane, pca = fit_plane(x), PCA(2).fit(x)
    np.testing.assert_allclose(np.abs(plane.axes), np.abs(pca.components_), atol=1e-8)
    np.testing.assert_allclose(plane.explained, pca.explained_variance_ratio_, rtol=1e-8)
    np.testing.assert_allclose(np.abs(plane.project(x)), np.abs(pca.transform(x)), atol=1e-8)


def test_snapshot_regions_agree_with_the_network():
    trainer = Trainer(iris_experiment(), device="cpu")
    trainer.step(40)
    plane = fit_plane(trainer.dataset.x_train)
    snap = capture_table(trainer, plane)
    assert snap.regions.shape == (GRID, GRID) and snap.hidden.shape == (len(snap.points), 2)
    np.testing.assert_array_equal(snap.predicted, predict(trainer, trainer.dataset.x_test))
    corner = plane.lift([[snap.grid_x[0], snap.grid_y[0]]])
    assert snap.regions[0, 0] == predict(trainer, corner.astype(np.float32))[0]


def test_loan_label_bias_only_touches_group_b_and_balance_repeats_rows():
    from datasets.loan import make_loan
    from datasets.table_sources import load_loan
    x, fair, history = make_loan(4000, 0.3, 0.5, np.random.default_rng(0))
    group_b = x[:, 4] == 1
    assert np.all(history[~group_b] == fair[~group_b])
    flipped = (fair == 1) & (history == 0)
    assert flipped[group_b].sum() > 0 and not flipped[~group_b].any()
    assert 0.25 < group_b.mean() < 0.35
    plain, even = load_loan(1000, seed=0), load_loan(1000, seed=0, balance=True)
    assert np.bincount(even.group_train)[0] == np.bincount(even.group_train)[1]
    assert len(even.dataset.x_test) == len(plain.dataset.x_test)
    assert dataclasses.replace(plain).dataset.y_test is plain.dataset.y_test


def test_a_held_job_waits_at_its_checkpoint():
    import threading
    from engine.jobs import Job
    reached, steps = threading.Event(), []

    def work(progress, checkpoint):
        for i in range(3):
            checkpoint()
            steps.append(i)
            reached.set()
        return len(steps)

    gate = threading.Event()
    job = Job(lambda p, c: (gate.wait(5), work(p, c))[1])
    with job.held():
        gate.set()
        assert not job.wait(0.3) and steps == []       # held at the first checkpoint
    assert job.wait(5) and job.result == 3 and job.error is None


def test_permutation_importance_finds_the_only_useful_column():
    from engine.classic.importance import permutation_drop
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 3))
    y = (x[:, 1] > 0).astype(int)                       # only column 1 decides
    drops = permutation_drop(lambda rows: (rows[:, 1] > 0).astype(int), x, y, True, seed=0)
    assert drops[0] == 0 and drops[2] == 0 and drops[1] > 0.3
    again = permutation_drop(lambda rows: (rows[:, 1] > 0).astype(int), x, y, True, seed=0)
    np.testing.assert_array_equal(drops, again)


def test_gradient_times_input_of_a_linear_network_is_its_terms():
    from engine.inspect.contributions import gradient_times_input, linear_terms
    exp = dataclasses.replace(iris_experiment(), model=ModelSpec(()))
    trainer = Trainer(exp, device="cpu")
    trainer.step(20)
    row = np.asarray(trainer.dataset.x_test[3], dtype=np.float64)
    w = trainer.model.head.weight.detach().numpy().astype(np.float64)        # (3, 4)
    for cls in range(3):
        np.testing.assert_allclose(gradient_times_input(trainer, row, cls), w[cls] * row,
                                   rtol=1e-5, atol=1e-6)

    class Binary:                                   # a fitted binary model's coef_ shape
        coef_ = np.array([[2.0, -1.0]])
    assert list(linear_terms(Binary, np.array([1.0, 3.0]), 1, True)) == [2.0, -3.0]
    assert list(linear_terms(Binary, np.array([1.0, 3.0]), 0, True)) == [-2.0, 3.0]


def test_explaining_a_row_leaves_the_weights_gradients_alone():
    from engine.inspect.contributions import gradient_times_input
    trainer = Trainer(iris_experiment(), device="cpu")
    trainer.step(3)
    before = [None if p.grad is None else p.grad.clone() for p in trainer.model.parameters()]
    gradient_times_input(trainer, np.asarray(trainer.dataset.x_test[0]), 0)
    for b, p in zip(before, trainer.model.parameters()):
        assert (b is None and p.grad is None) or torch_equal(b, p.grad)


def torch_equal(a, b) -> bool:
    return a is not None and b is not None and bool((a == b).all())


def test_classic_boundaries_on_the_playground_circle():
    from engine.classic.boundaries import RESOLUTION, classic_boundaries
    ds = load_dataset("circle", n_samples=300, noise=0.1, seed=2)
    b = classic_boundaries(ds, seed=0)
    assert b.names == baselines.NAMES and b.classification
    assert all(z.shape == (RESOLUTION, RESOLUTION) for z in b.outputs)
    scores = dict(zip(b.names, b.scores))
    assert scores["RBF SVM"] > 0.9 and scores["Logistic / linear regression"] < 0.75
    centre = b.outputs[2][RESOLUTION // 2, RESOLUTION // 2]      # the SVM at (0, 0)
    assert centre == ds.y_train[np.argmin(np.linalg.norm(ds.points_train, axis=1))]
