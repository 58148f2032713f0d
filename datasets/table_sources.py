"""The synthetic loan table as a DataFrame, prepared like an upload (datasets.table), and the
two bias remedies for any table with a sensitive column: balanced sampling and re-weighting."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .loan import CLASSES, COLUMNS, GROUPS, SENSITIVE, make_loan
from .table import Table, prepare

LOAN_TARGET, LOAN_FAIR = "decision", "fair_decision"
LOAN_LIMITS = {"categories": (0, len(GROUPS))}


def loan_frame(n: int, minority_share: float, label_bias: float, seed: int) -> pd.DataFrame:
    """The synthetic loan table (datasets.loan) with readable columns."""
    x, fair, history = make_loan(n, minority_share, label_bias, np.random.default_rng(seed))
    df = pd.DataFrame(x[:, :4], columns=list(COLUMNS[:4]))
    df[SENSITIVE] = np.asarray(GROUPS)[x[:, 4].astype(int)]
    df[LOAN_TARGET] = np.asarray(CLASSES)[history]
    df[LOAN_FAIR] = np.asarray(CLASSES)[fair]
    return df


def load_loan(n: int = 1000, train_ratio: float = 0.7, seed: int = 0, *,
              minority_share: float = 0.2, label_bias: float = 0.3,
              balance: bool = False, reweigh: bool = False) -> Table:
    """The loan table prepared: trained on the biased history, tested on the fair decision,
    with `group` marked sensitive. `balance` repeats group B's training rows until both
    groups are as many (balanced sampling); `reweigh` weights the training rows so group and
    decision look independent (re-weighting): two remedies to try."""
    table = prepare(loan_frame(n, minority_share, label_bias, seed), LOAN_TARGET,
                    limits=LOAN_LIMITS, name="loan", train_ratio=train_ratio, seed=seed,
                    sensitive=SENSITIVE, test_target=LOAN_FAIR)
    return remedied(table, seed, balance=balance, reweigh=reweigh)


def remedied(table: Table, seed: int, *, balance: bool, reweigh: bool) -> Table:
    """The remedies that are on, in this order: balanced sampling first (which rows), then
    re-weighting (how much each row counts), so the weights fit the rows actually trained on.
    A table without a sensitive column is returned as it is."""
    if not table.sensitive:
        return table
    if balance:
        table = balanced(table, seed)
    return reweighed(table, after_balancing=balance) if reweigh else table


def balanced(table: Table, seed: int) -> Table:
    """The table with each group's training rows drawn again (with replacement) up to the
    largest group's count, so the network sees the groups equally often."""
    import dataclasses

    from .base import freeze

    g = table.group_train
    if g is None:
        return table
    counts = np.bincount(g)
    rng = np.random.default_rng(seed + 7)
    extra = [rng.choice(np.flatnonzero(g == i), counts.max() - c, replace=True)
             for i, c in enumerate(counts) if 0 < c < counts.max()]
    if not extra:
        return table
    rows = np.concatenate([np.arange(len(g)), *extra])
    ds = table.dataset
    w = None if ds.w_train is None else freeze(ds.w_train[rows])
    ds = dataclasses.replace(ds, x_train=freeze(ds.x_train[rows]),
                             y_train=freeze(ds.y_train[rows]), w_train=w)
    return dataclasses.replace(table, dataset=ds, group_train=freeze(g[rows]),
                               notes=table.notes + (f"Balanced sampling: {len(rows) - len(g):,} "
                                                    "training rows of the smaller group were "
                                                    "repeated.",))


def reweighing_weights(groups: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Kamiran & Calders' "reweighing": w(g, y) = P(g)·P(y) / P(g, y), normalised to mean 1.

    Why: in biased data a group and the label go together (group B is approved less often).
    Weighting every (group, label) cell by how common it *would* be if group and label were
    independent, over how common it is, makes the weighted training set show no link between
    them: a rare cell (B approved) counts more, a common one (B denied) less. No row is
    changed, dropped or repeated. Count-based, so it needs class labels; computed from the
    training rows only (the test set stays untouched). float32, one weight per row.
    """
    g = np.asarray(groups, dtype=np.int64)
    y = np.asarray(labels, dtype=np.int64)
    n = len(y)
    cell = np.zeros((g.max() + 1, y.max() + 1))
    np.add.at(cell, (g, y), 1.0)                  # rows per (group, label)
    expected = np.outer(cell.sum(axis=1), cell.sum(axis=0)) / n   # n·P(g)·P(y)
    w = expected[g, y] / cell[g, y]               # every row's cell holds at least that row
    return (w / w.mean()).astype(np.float32)


def reweighed(table: Table, after_balancing: bool = False) -> Table:
    """The table with per-row training weights from `reweighing_weights` (Dataset.w_train)
    and a note saying what they do; a regression target or no sensitive column: unchanged,
    with a note why when the target is a number."""
    import dataclasses

    from .base import CLASSIFICATION, freeze

    ds, g = table.dataset, table.group_train
    if g is None:
        return table
    if ds.task != CLASSIFICATION:
        return dataclasses.replace(table, notes=table.notes + (
            "Re-weighting needs classes to predict; this target is a number, so every row "
            "still counts once.",))
    w = reweighing_weights(g, ds.y_train)
    hi, lo = int(np.argmax(w)), int(np.argmin(w))

    def cell(i: int) -> str:
        return (f"group {table.group_names[g[i]]}'s '{ds.class_names[ds.y_train[i]]}' rows "
                f"count {w[i]:.2g}×")

    note = (f"Re-weighting{' (after balanced sampling)' if after_balancing else ''}: "
            f"each training row counts as if group and {table.target} were independent; "
            f"{cell(hi)}, {cell(lo)} (weights {w.min():.2g}× to {w.max():.2g}×, 1× on "
            "average).")
    ds = dataclasses.replace(ds, w_train=freeze(w))
    return dataclasses.replace(table, dataset=ds, notes=table.notes + (note,))
