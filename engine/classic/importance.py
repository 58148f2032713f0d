"""Which inputs matter: permutation importance of each input column for the network and for a
random forest, on the same test rows.

Shuffle one column of the test rows and score again: the drop in test score is how much the
model relied on that column. Model-agnostic, so the network and the forest are measured the
same way. The network is a copy taken under the session lock, so this runs on a background
job while training goes on. Deterministic per seed.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.classic.baselines import NAMES, make_models, score_predictions

REPEATS = 5
MAX_ROWS = 2000      # test rows used (a sample of larger tables: the ranking barely changes)


@dataclass(frozen=True)
class Importance:
    features: tuple[str, ...]
    network: tuple[float, ...]      # mean drop in test score per column
    forest: tuple[float, ...]
    metric: str


def copy_network(trainer):
    """What the job needs of the network (call under the session lock: a deep copy)."""
    return copy.deepcopy(trainer.model), trainer.objective, trainer.device


def permutation_drop(predict: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                     y: np.ndarray, classification: bool, seed: int,
                     checkpoint: Callable[[], bool] = lambda: False) -> np.ndarray:
    """Mean drop in score per column over REPEATS shuffles of that column."""
    rng = np.random.default_rng(seed)
    base = score_predictions(predict(x), y, classification)
    drops = np.zeros(x.shape[1])
    for j in range(x.shape[1]):
        if checkpoint():
            break
        for _ in range(REPEATS):
            shuffled = x.copy()
            shuffled[:, j] = shuffled[rng.permutation(len(x)), j]
            drops[j] += base - score_predictions(predict(shuffled), y, classification)
    return drops / REPEATS


def importances(network, ds, seed: int = 0, *,
                progress: Callable[[float], None] | None = None,
                cancelled: Callable[[], bool] = lambda: False) -> Importance:
    """Both models' permutation importance; `network` from `copy_network`."""
    from engine.inspect.tabular import model_outputs

    classification = ds.task == "classification"
    x, y = np.asarray(ds.x_test)[:MAX_ROWS], np.asarray(ds.y_test)[:MAX_ROWS]
    model, objective, device = network

    def net_predict(rows: np.ndarray) -> np.ndarray:
        out = model_outputs(model, objective, device, rows)
        return out.argmax(axis=1) if classification else out[:, 0]

    net = permutation_drop(net_predict, x, y, classification, seed, cancelled)
    if progress is not None:
        progress(0.5)
    forest = make_models(classification, seed, len(ds.x_train))[NAMES[4]]
    forest.fit(ds.x_train, ds.y_train)
    trees = permutation_drop(forest.predict, x, y, classification, seed, cancelled)
    return Importance(tuple(ds.feature_names), tuple(net.tolist()), tuple(trees.tolist()),
                      "accuracy" if classification else "R²")
