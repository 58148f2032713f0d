"""Per-feature contributions to one row's prediction: gradient × input for the network, and
the linear model's terms (coefficient × value) beside it.

Gradient × input says how the class score would move if each input went to zero, to first
order; for a linear model it is exactly that model's terms, so the two read alike. The gradient
is taken with respect to the input only (torch.autograd.grad), so nothing accumulates in the
weights' .grad that training uses. Call under the session lock.
"""
from __future__ import annotations

import numpy as np
import torch

from engine.model.modes import eval_mode


def gradient_times_input(trainer, row: np.ndarray, cls: int) -> np.ndarray:
    """d(score of class `cls`, or the value for regression)/d(input) × input, per feature."""
    model = trainer.model
    x = torch.tensor(np.asarray(row, dtype=np.float32)[None, :], device=trainer.device,
                     requires_grad=True)                                   # (1, F)
    with eval_mode(model), torch.enable_grad():
        out = model(x)                                                     # (1, C) or (1, 1)
        if out.shape[1] > 1:
            score = out[0, cls]                      # the class's logit
        elif trainer.objective.classification:
            score = out[0, 0] if cls == 1 else -out[0, 0]   # one output: + means class 1
        else:
            score = out[0, 0]                        # the predicted value
        (grad,) = torch.autograd.grad(score, x)
    return (grad * x).detach().cpu().numpy()[0].astype(np.float64)


def linear_terms(model, row: np.ndarray, cls: int, classification: bool) -> np.ndarray:
    """A fitted scikit-learn linear model's coefficient × value per feature, for class `cls`
    (a binary logistic regression scores class 1; class 0 is its mirror image)."""
    coef = np.atleast_2d(model.coef_)
    if not classification:
        return coef[0] * row
    if coef.shape[0] == 1:
        return coef[0] * row * (1 if cls == 1 else -1)
    return coef[cls] * row
