"""Six classic models fitted on the network's own training split and scored on its test split.

What a student compares with the network: test accuracy (R² for numbers), how long fitting
and predicting took, how many numbers the model keeps (its nearest equivalent of parameters)
and how it explains itself. Every model is seeded, so the table is the same on every run;
results are plain frozen records (safe to cache and share).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

NAMES = ("Logistic / linear regression", "k nearest neighbours", "RBF SVM", "Decision tree",
         "Random forest", "Gradient boosting")


@dataclass(frozen=True)
class BaselineResult:
    name: str
    score: float           # test accuracy, or R² for regression
    fit_s: float
    predict_s: float
    params: int            # stored numbers: coefficients, support vectors, tree nodes…
    params_note: str       # what `params` counts
    explains: str          # how the model explains itself, with its top evidence


def make_models(classification: bool, seed: int, n_train: int) -> dict[str, object]:
    """The six models, unfitted and seeded (k of kNN at most the training rows)."""
    from sklearn import ensemble, linear_model, neighbors, svm, tree

    k = max(1, min(5, n_train))
    if classification:
        return {NAMES[0]: linear_model.LogisticRegression(max_iter=500),
                NAMES[1]: neighbors.KNeighborsClassifier(k),
                NAMES[2]: svm.SVC(kernel="rbf", random_state=seed),
                NAMES[3]: tree.DecisionTreeClassifier(max_depth=6, random_state=seed),
                NAMES[4]: ensemble.RandomForestClassifier(60, max_depth=8, random_state=seed,
                                                          n_jobs=1),
                NAMES[5]: ensemble.GradientBoostingClassifier(n_estimators=60,
                                                              random_state=seed)}
    return {NAMES[0]: linear_model.Ridge(alpha=1.0),
            NAMES[1]: neighbors.KNeighborsRegressor(k),
            NAMES[2]: svm.SVR(kernel="rbf"),
            NAMES[3]: tree.DecisionTreeRegressor(max_depth=6, random_state=seed),
            NAMES[4]: ensemble.RandomForestRegressor(60, max_depth=8, random_state=seed,
                                                     n_jobs=1),
            NAMES[5]: ensemble.GradientBoostingRegressor(n_estimators=60, random_state=seed)}


def _top(features: tuple[str, ...], weights: np.ndarray, n: int = 3) -> str:
    order = np.argsort(-np.abs(weights))[:n]
    return ", ".join(f"{features[i] if i < len(features) else i} ({weights[i]:+.2f})"
                     for i in order)


def _describe(name: str, model, features: tuple[str, ...], n_train: int) -> tuple[int, str, str]:
    """(stored numbers, what they are, how the model explains itself)."""
    if name == NAMES[0]:
        coef = np.atleast_2d(model.coef_)
        n = coef.size + np.size(model.intercept_)
        return n, "weights + biases", "Coefficients: " + _top(features, coef[-1])
    if name == NAMES[1]:
        n = n_train * len(features)
        return n, "stored training values", (f"Points at the {model.n_neighbors} most similar "
                                             "training rows; no summary of the data")
    if name == NAMES[2]:
        sv = model.support_vectors_
        n = sv.size + np.size(model.dual_coef_)
        return n, f"{len(sv)} support vectors", ("Hardly: a weighted vote of similar support "
                                                 "vectors in a curved feature space")
    if name == NAMES[3]:
        t = model.tree_
        root = features[t.feature[0]] if t.feature[0] >= 0 else "none"
        return (int(t.node_count), "tree nodes",
                f"Readable rules (depth {model.get_depth()}); first question: {root} ≤ "
                f"{t.threshold[0]:.2f}?")
    nodes = sum(int(e.tree_.node_count) for e in np.ravel(model.estimators_))
    return nodes, "tree nodes", "Feature importances: " + _top(
        features, model.feature_importances_)


def fit_baseline(name: str, model, x_tr, y_tr, x_te, y_te, classification: bool,
                 features: tuple[str, ...]) -> BaselineResult:
    """Fit one model, time it, score it on the test split."""
    t0 = time.perf_counter()
    model.fit(x_tr, y_tr)
    t1 = time.perf_counter()
    pred = model.predict(x_te)
    t2 = time.perf_counter()
    score = score_predictions(pred, y_te, classification)
    params, note, explains = _describe(name, model, features, len(x_tr))
    return BaselineResult(name, score, t1 - t0, t2 - t1, int(params), note, explains)


def score_predictions(pred: np.ndarray, y: np.ndarray, classification: bool) -> float:
    """Accuracy, or R² (1 - residual / total sum of squares) for numbers."""
    pred, y = np.asarray(pred), np.asarray(y)
    if classification:
        return float(np.mean(pred == y))
    total = float(np.sum((y - y.mean()) ** 2)) or 1.0
    return 1.0 - float(np.sum((y - pred) ** 2)) / total


def fit_baselines(ds, seed: int = 0, *, names: tuple[str, ...] = NAMES,
                  progress: Callable[[float], None] | None = None,
                  cancelled: Callable[[], bool] = lambda: False) -> tuple[BaselineResult, ...]:
    """Each model in `names`, fitted on `ds.x_train`/`y_train` and scored on `ds.x_test`."""
    classification = ds.task == "classification"
    models = make_models(classification, seed, len(ds.x_train))
    out = []
    for i, name in enumerate(names):
        if cancelled():
            break
        out.append(fit_baseline(name, models[name], ds.x_train, ds.y_train, ds.x_test,
                                ds.y_test, classification, tuple(ds.feature_names)))
        if progress is not None:
            progress((i + 1) / len(names))
    return tuple(out)
