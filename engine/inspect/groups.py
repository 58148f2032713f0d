"""Per-group metrics for a column marked sensitive: accuracy, false positive and false negative
rates per group and the largest gap between groups (scikit-learn's confusion_matrix).

"Positive" is one class the student picks (the loan table: approved); every other class counts
as negative, so a multi-class table is read one class against the rest.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GroupRow:
    group: str
    rows: int
    accuracy: float
    fpr: float            # negatives predicted positive / negatives (nan without negatives)
    fnr: float            # positives predicted negative / positives (nan without positives)
    positive_rate: float  # share predicted positive (selection rate)


def _rate(a: int, b: int) -> float:
    return a / b if b else float("nan")


def group_metrics(y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray,
                  names: tuple[str, ...], positive: int) -> tuple[GroupRow, ...]:
    """One row per group that has test rows."""
    from sklearn.metrics import confusion_matrix

    rows = []
    for i, name in enumerate(names):
        mask = np.asarray(groups) == i
        if not mask.any():
            continue
        t = np.asarray(y_true)[mask] == positive
        p = np.asarray(y_pred)[mask] == positive
        tn, fp, fn, tp = confusion_matrix(t, p, labels=[False, True]).ravel()
        acc = float(np.mean(np.asarray(y_true)[mask] == np.asarray(y_pred)[mask]))
        rows.append(GroupRow(name, int(mask.sum()), acc, _rate(fp, fp + tn), _rate(fn, fn + tp),
                             _rate(tp + fp, int(mask.sum()))))
    return tuple(rows)


def gaps(rows: tuple[GroupRow, ...]) -> dict[str, float]:
    """Largest minus smallest value of each metric across groups (nan where undefined)."""
    out = {}
    for field in ("accuracy", "fpr", "fnr", "positive_rate"):
        values = [getattr(r, field) for r in rows if not np.isnan(getattr(r, field))]
        out[field] = max(values) - min(values) if len(values) > 1 else float("nan")
    return out
