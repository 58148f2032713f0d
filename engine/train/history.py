"""Per-epoch curves that never grow without bound.

A class may leave a demo running for hours. History keeps at most `cap` rows: when full it
drops every other row and from then on records every second epoch (then every fourth, ...),
so memory is fixed and the curve still spans the whole run at even spacing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COLUMNS = ("epoch", "train_loss", "test_loss", "train_acc", "test_acc", "lr")
DEFAULT_CAP = 2_000


@dataclass(frozen=True)
class EpochMetrics:
    """Scores of the model on both splits at the end of an epoch (one row of the history)."""

    train_loss: float
    test_loss: float
    train_acc: float     # nan for regression
    test_acc: float


class BoundedHistory:
    """Fixed-size float64 table of per-epoch metrics, downsampled by halving when full."""

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        if cap < 4 or cap % 2:
            raise ValueError("cap must be an even number >= 4")
        self.cap = cap
        self.stride = 1          # record every `stride`-th epoch
        self._rows = np.full((cap, len(COLUMNS)), np.nan)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def record(self, epoch: int, values: dict[str, float]) -> None:
        """Store one epoch's values if the epoch falls on the current stride."""
        if epoch % self.stride:
            return
        if self._n == self.cap:
            self._rows[: self.cap // 2] = self._rows[0:self.cap:2]
            self._rows[self.cap // 2:] = np.nan
            self._n = self.cap // 2
            self.stride *= 2
            if epoch % self.stride:
                return
        row = self._rows[self._n]
        row[0] = epoch
        for i, name in enumerate(COLUMNS[1:], start=1):
            row[i] = values.get(name, np.nan)
        self._n += 1

    def column(self, name: str) -> np.ndarray:
        """A copy of one column, oldest first."""
        return self._rows[: self._n, COLUMNS.index(name)].copy()

    def as_dict(self) -> dict[str, np.ndarray]:
        return {name: self.column(name) for name in COLUMNS}

    def truncate_after(self, epoch: int) -> None:
        """Forget rows later than `epoch` (used when a run is branched from the past)."""
        keep = int(np.searchsorted(self._rows[: self._n, 0], epoch, side="right"))
        self._rows[keep:] = np.nan
        self._n = keep

    @property
    def nbytes(self) -> int:
        return self._rows.nbytes
