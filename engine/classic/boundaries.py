"""The classic models' decision boundaries on a 2D dataset: scikit-learn's classifier
comparison, live for the playground's current points and input features.

Each model is fitted on exactly the network's training inputs (the chosen features of the
training points) and evaluated over a grid of the plane, so its picture sits beside the
network's. Deterministic per seed; run as a background job.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.classic.baselines import NAMES, make_models, score_predictions
from engine.data import apply_features, make_grid

RESOLUTION = 50


@dataclass(frozen=True)
class Boundaries:
    extent: tuple[float, float, float, float]
    names: tuple[str, ...]
    outputs: tuple[np.ndarray, ...]     # (R, R) predicted class or value, rows = y ascending
    scores: tuple[float, ...]           # test accuracy or R²
    classification: bool


def classic_boundaries(ds, seed: int = 0, *, progress: Callable[[float], None] | None = None,
                       cancelled: Callable[[], bool] = lambda: False) -> Boundaries:
    """Every classic model fitted on `ds` (a 2D dataset) and drawn over its extent."""
    classification = ds.task == "classification"
    grid, _, _ = make_grid(ds.extent, RESOLUTION)
    inputs = apply_features(grid, ds.feature_names)
    models = make_models(classification, seed, len(ds.x_train))
    outputs, scores, names = [], [], []
    for i, name in enumerate(NAMES):
        if cancelled():
            break
        model = models[name].fit(ds.x_train, ds.y_train)
        scores.append(score_predictions(model.predict(ds.x_test), ds.y_test, classification))
        outputs.append(np.asarray(model.predict(inputs)).reshape(RESOLUTION, RESOLUTION))
        names.append(name)
        if progress is not None:
            progress((i + 1) / len(NAMES))
    return Boundaries(tuple(ds.extent), tuple(names), tuple(outputs), tuple(scores),
                      classification)
