"""Learning curves: test score against training-set size, for the network and the classic
models, on nested subsets of the network's own training split (the test split never changes).

Deterministic per seed: the subsets come from one seeded permutation, the network trains a
fixed number of weight updates per size (not a time budget, which would depend on the load),
and every classic model is seeded. Runs as a background job (engine.jobs).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.classic.baselines import NAMES, make_models, score_predictions

SIZES = 8
NETWORK = "Network"
STEPS = 1500                  # weight updates of the network per size (epochs: 10 to 300)
CURVE_MODELS = (NAMES[0], NAMES[1], NAMES[2], NAMES[4], NAMES[5])   # the tree is the forest's


@dataclass(frozen=True)
class LearningCurve:
    sizes: tuple[int, ...]                       # training rows used at each step
    scores: dict[str, tuple[float, ...]]         # model name -> test score per size (nan: none)
    metric: str                                  # "accuracy" or "R²"


def curve_sizes(n_train: int, steps: int = SIZES, smallest: float = 0.05) -> tuple[int, ...]:
    """Training-set sizes from `smallest` of the split to all of it, evenly spaced in log."""
    lo = max(2, int(round(n_train * smallest)))
    sizes = np.unique(np.round(np.geomspace(lo, n_train, steps)).astype(int))
    return tuple(int(s) for s in sizes)


def _subset(ds, rows: np.ndarray):
    """The training rows `rows` (and their weights, when re-weighted); test rows unchanged."""
    w = None if ds.w_train is None else ds.w_train[rows]
    return dataclasses.replace(ds, x_train=ds.x_train[rows], y_train=ds.y_train[rows], w_train=w)


def _network_score(experiment, ds, checkpoint: Callable[[], bool]) -> float:
    from engine.train.trainer import Trainer

    trainer = Trainer(experiment, dataset=ds, device="cpu")
    epochs = min(300, max(10, math.ceil(STEPS / max(trainer.batches_per_epoch, 1))))
    for _ in range(epochs):
        trainer.step(trainer.batches_per_epoch)
        if trainer.done or checkpoint():      # a checkpoint per epoch: the page may hold us
            break
    from engine.inspect.tabular import predict
    return score_predictions(predict(trainer, np.asarray(ds.x_test)), ds.y_test,
                             ds.task == "classification")


def learning_curve(experiment, ds, seed: int = 0, *, progress: Callable[[float], None] = None,
                   cancelled: Callable[[], bool] = lambda: False) -> LearningCurve:
    """Scores at each size for the network (`experiment`'s stack and settings, epoch limit
    off) and the classic models."""
    classification = ds.task == "classification"
    order = np.random.default_rng(seed).permutation(len(ds.x_train))
    sizes = curve_sizes(len(order))
    experiment = experiment.replace("train", epochs=0, patience=0)
    names = (NETWORK, *CURVE_MODELS)
    scores: dict[str, list[float]] = {n: [] for n in names}
    done, total = 0, len(sizes) * len(names)
    for size in sizes:
        sub = _subset(ds, np.sort(order[:size]))
        one_class = classification and len(np.unique(sub.y_train)) < 2
        models = make_models(classification, seed, size)
        for name in names:
            if cancelled():
                return LearningCurve(sizes[:len(scores[NETWORK])], {
                    n: tuple(v[:len(scores[NETWORK])]) for n, v in scores.items()},
                    "accuracy" if classification else "R²")
            if one_class:
                score = float("nan")
            elif name == NETWORK:
                score = _network_score(experiment, sub, cancelled)
            else:
                model = models[name].fit(sub.x_train, sub.y_train)
                score = score_predictions(model.predict(ds.x_test), ds.y_test, classification)
            scores[name].append(score)
            done += 1
            if progress is not None:
                progress(done / total)
    return LearningCurve(sizes, {n: tuple(v) for n, v in scores.items()},
                         "accuracy" if classification else "R²")
