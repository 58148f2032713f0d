"""A synthetic "loan approval" table with a sensitive group, for the data lab's bias lessons.

Real bias data is hard to share and argue about; a generated table lets a class set how
under-represented group B is and how biased its *historical* labels were, and watch a model
inherit that bias. Both groups have the same merit distribution: any gap the model shows comes
from the data, not from the people. Training labels are the biased history; test labels are
the fair decision (merit alone), so a model that learned the bias shows it as a higher false
negative rate for group B. numpy only, deterministic per seed.
"""
from __future__ import annotations

import numpy as np

COLUMNS = ("income", "debt_ratio", "years_employed", "credit_history", "group")
GROUPS = ("A", "B")
CLASSES = ("denied", "approved")
SENSITIVE = "group"


def make_loan(n: int, minority_share: float, label_bias: float,
              rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of (income, debt ratio, years employed, credit history, group 0/1), the fair label
    (merit alone) and the historical label (group B's approvals flipped to "denied" with
    probability `label_bias`). `minority_share` is group B's share of the rows."""
    group = (rng.random(n) < minority_share).astype(np.int64)
    income = rng.lognormal(mean=3.6, sigma=0.35, size=n)          # thousands a year
    debt = np.clip(rng.normal(0.35, 0.12, n), 0.0, 1.0)            # share of income owed
    years = np.clip(rng.gamma(2.0, 3.0, n), 0.0, 40.0)
    credit = np.clip(rng.normal(650, 60, n), 300, 850)
    merit = (0.9 * (np.log(income) - 3.6) / 0.35 - 1.1 * (debt - 0.35) / 0.12
             + 0.4 * (years - 6.0) / 4.2 + 0.8 * (credit - 650) / 60
             + rng.normal(0.0, 0.6, n))
    fair = (merit > 0).astype(np.int64)
    flip = (group == 1) & (fair == 1) & (rng.random(n) < label_bias)
    history = np.where(flip, 0, fair)
    x = np.column_stack([income, debt, years, credit, group]).astype(np.float64)
    return x, fair, history
