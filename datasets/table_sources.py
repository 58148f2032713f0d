"""The synthetic loan table as a DataFrame, prepared like an upload (datasets.table), and the
balanced-sampling remedy for any table with a sensitive column."""
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
              balance: bool = False) -> Table:
    """The loan table prepared: trained on the biased history, tested on the fair decision,
    with `group` marked sensitive. `balance` repeats group B's training rows until both
    groups are as many (balanced sampling, a remedy to try)."""
    table = prepare(loan_frame(n, minority_share, label_bias, seed), LOAN_TARGET,
                    limits=LOAN_LIMITS, name="loan", train_ratio=train_ratio, seed=seed,
                    sensitive=SENSITIVE, test_target=LOAN_FAIR)
    return balanced(table, seed) if balance else table


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
    ds = dataclasses.replace(ds, x_train=freeze(ds.x_train[rows]),
                             y_train=freeze(ds.y_train[rows]))
    return dataclasses.replace(table, dataset=ds, group_train=freeze(g[rows]),
                               notes=table.notes + (f"Balanced sampling: {len(rows) - len(g):,} "
                                                    "training rows of the smaller group were "
                                                    "repeated.",))
