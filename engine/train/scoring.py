"""Scoring one split after an epoch: the one loop the Trainer and the exported script share.

The exported script inlines this function's source (engine/export/script.py), so the
playground's curve and the script's printed losses come from the same code, bit for bit.
"""
from __future__ import annotations

import torch
from torch import nn

from engine.model.cost import EVAL_CHUNK
from engine.train.objectives import Objective


def score_split(model: nn.Module, objective: Objective, x: torch.Tensor, y: torch.Tensor,
                labels: torch.Tensor, limit: int) -> tuple[float, float]:
    """Mean loss (without the L1/L2 penalty) and accuracy of the first `limit` examples, in
    chunks of EVAL_CHUNK (bounded memory); per step, only the steps with an answer due count
    for the accuracy. The caller picks the mode (eval where the network has dropout or batch
    norm) and turns gradients off."""
    x, y, labels = x[:limit], y[:limit], labels[:limit]
    loss = correct = scored = 0.0
    for xb, yb, lb in zip(x.split(EVAL_CHUNK), y.split(EVAL_CHUNK), labels.split(EVAL_CHUNK)):
        out = model(xb)
        loss += float(objective.loss(out, yb)) * len(xb)
        if objective.classification:
            due = lb >= 0
            correct += float(((objective.predict_class(out) == lb) & due).sum())
            scored += float(due.sum())
    n = max(len(x), 1)
    return loss / n, (correct / max(scored, 1.0) if objective.classification else float("nan"))
