"""The data lab's view of a run: the inputs and the last hidden layer, each projected onto
its first two principal components, the network's decision regions in the input plane, and
its test-set predictions (for per-group metrics). numpy out; call under the session lock.

PCA here is a plain SVD in numpy (the same answer as scikit-learn's PCA), with each axis's
sign fixed so its largest loading is positive: the live hidden-layer picture does not flip
from frame to frame just because an SVD may return -v for v.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from engine.inspect.probe import layer_outputs
from engine.model.modes import eval_mode

GRID = 48                 # decision regions: GRID × GRID points of the input plane
MAX_POINTS = 600          # test points drawn (and passed through the hidden layer)


@dataclass(frozen=True)
class Plane:
    """A 2D principal plane: x ≈ mean + coords @ axes."""

    mean: np.ndarray          # (F,)
    axes: np.ndarray          # (2, F) unit rows
    explained: tuple[float, float]   # share of the variance along each axis

    def project(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.mean) @ self.axes.T      # (N, 2)

    def lift(self, coords: np.ndarray) -> np.ndarray:
        return self.mean + np.asarray(coords, dtype=np.float64) @ self.axes     # (N, F)


def fit_plane(x: np.ndarray) -> Plane:
    """The first two principal axes of rows `x` (one feature: the second axis is zero)."""
    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    mean = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    axes = np.zeros((2, x.shape[1]))
    k = min(2, vt.shape[0])
    axes[:k] = vt[:k]
    for row in axes:
        if row.any() and row[np.argmax(np.abs(row))] < 0:
            row *= -1
    var = s ** 2
    total = var.sum() or 1.0
    explained = tuple(float(var[i] / total) if i < len(var) else 0.0 for i in range(2))
    return Plane(mean, axes, explained)  # type: ignore[arg-type]


@dataclass(frozen=True)
class TableSnapshot:
    """One frame of the data lab's live views."""

    points: np.ndarray            # (n, 2) test inputs in the input plane
    labels: np.ndarray            # (n,) test targets (class index or value)
    predicted: np.ndarray         # (all test rows,) predicted class index or value
    grid_x: np.ndarray            # (GRID,) plane coordinates of the region grid
    grid_y: np.ndarray
    regions: np.ndarray           # (GRID, GRID) predicted class (or value), rows = y
    confidence: np.ndarray        # (GRID, GRID) probability of that class (1 for regression)
    hidden: np.ndarray | None     # (n, 2) last hidden layer of the same points in its plane
    hidden_name: str              # which layer ("" when the stack has no hidden layer)
    hidden_explained: tuple[float, float]
    classification: bool


def _grid(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = np.maximum((hi - lo) * 0.08, 0.5)
    return np.linspace(lo[0] - pad[0], hi[0] + pad[0], GRID), np.linspace(lo[1] - pad[1],
                                                                         hi[1] + pad[1], GRID)


def _outputs(trainer, x: np.ndarray) -> np.ndarray:
    """The network's answers for rows `x`: class probabilities (N, C) or values (N, 1)."""
    return model_outputs(trainer.model, trainer.objective, trainer.device, x)


@torch.inference_mode()
def model_outputs(model, objective, device, x: np.ndarray) -> np.ndarray:
    """`_outputs` for a model apart from its trainer (e.g. a copy taken under the lock)."""
    with eval_mode(model):
        out = model(torch.tensor(np.asarray(x), dtype=torch.float32, device=device))
    out = out.detach().cpu().numpy().astype(np.float64)
    if objective.classification:
        if out.shape[1] == 1:                                 # a tanh / sigmoid head
            p = (out[:, 0] + 1) / 2 if objective.head_activation == "tanh" \
                else 1 / (1 + np.exp(-out[:, 0]))
            return np.column_stack([1 - p, p])
        e = np.exp(out - out.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return out


def predict(trainer, x: np.ndarray) -> np.ndarray:
    """Predicted class index (classification) or value (regression) per row."""
    out = _outputs(trainer, x)
    return out.argmax(axis=1) if trainer.objective.classification else out[:, 0]


def capture_table(trainer, plane: Plane) -> TableSnapshot:
    """The frame for the trainer's network now (`plane`: the training inputs' PCA)."""
    ds = trainer.dataset
    x_test = np.asarray(ds.x_test)
    shown = x_test[:MAX_POINTS]
    points = plane.project(shown)
    gx, gy = _grid(points)
    xx, yy = np.meshgrid(gx, gy)
    grid_out = _outputs(trainer, plane.lift(np.column_stack([xx.ravel(), yy.ravel()])))
    classification = trainer.objective.classification
    if classification:
        regions = grid_out.argmax(axis=1).reshape(GRID, GRID)
        confidence = grid_out.max(axis=1).reshape(GRID, GRID)
    else:
        regions = grid_out[:, 0].reshape(GRID, GRID)
        confidence = np.ones_like(regions)
    hidden, name, explained = None, "", (0.0, 0.0)
    names = [n for n, _ in trainer.model.named_children() if n != "head"]
    if names:
        name = names[-1]
        acts = layer_outputs(trainer.model, torch.tensor(shown, dtype=torch.float32,
                                                         device=trainer.device))[name]
        acts = acts.reshape(len(acts), -1).astype(np.float64)
        hplane = fit_plane(acts)
        hidden, explained = hplane.project(acts), hplane.explained
    return TableSnapshot(points=points, labels=np.asarray(ds.y_test)[:MAX_POINTS],
                         predicted=predict(trainer, x_test), grid_x=gx, grid_y=gy,
                         regions=regions, confidence=confidence, hidden=hidden,
                         hidden_name=name, hidden_explained=explained,
                         classification=classification)
