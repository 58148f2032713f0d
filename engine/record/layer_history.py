"""Per-layer health over training, in fixed-size numpy arrays (numpy only: viz reads it).

Each row is one probe of every layer (engine.inspect.probe.layer_stats on a fixed batch of
training examples) at one epoch. Like `BoundedHistory`, rows are kept at epochs that are
multiples of `stride`; when the table is full every other row goes and the stride doubles, so
memory is fixed (`cap` rows) and the rows still span the whole run at even spacing. The first
stride is chosen by the recorder so that probing costs a few percent of training at most.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from engine.snapshot import PERCENTILES, SCALARS, LayerRecord, LayerStats

LAYER_CAP = 256     # rows kept: 256 × layers × 16 float64 (a 7-layer net: 229 KB per session)
N_FIELDS = len(PERCENTILES) + len(SCALARS)


class LayerHistory:
    """Fixed-size float64 table (rows × layers × fields), downsampled by halving when full."""

    def __init__(self, names: Sequence[str], kinds: Sequence[str],
                 activations: Sequence[str | None], *, cap: int = LAYER_CAP,
                 stride: int = 1) -> None:
        if cap < 4 or cap % 2:
            raise ValueError("cap must be an even number >= 4")
        self.names, self.kinds = tuple(names), tuple(kinds)
        self.activations = tuple(activations)
        self.cap, self.stride = cap, stride
        self._epochs = np.full(cap, -1, dtype=np.int64)
        self._rows = np.full((cap, len(self.names), N_FIELDS), np.nan)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def due(self, epoch: int) -> bool:
        """Would `record(epoch, ...)` keep a row? Lets the caller skip the probe when not."""
        if epoch % self.stride:
            return False
        return self._n < self.cap or epoch % (2 * self.stride) == 0

    def record(self, epoch: int, stats: Sequence[LayerStats]) -> bool:
        """Store one probe if the epoch falls on the stride; returns whether it was kept."""
        if not self.due(epoch):
            return False
        if self._n == self.cap:
            self._thin()
        row = self._rows[self._n]
        for i, s in enumerate(stats[: len(self.names)]):
            row[i, : len(PERCENTILES)] = s.act_percentiles
            row[i, len(PERCENTILES):] = (s.act_mean, s.act_std, s.dead_fraction,
                                         s.saturated_fraction, s.grad_norm, s.weight_norm,
                                         np.nan)
        self._epochs[self._n] = epoch
        self._n += 1
        return True

    def set_update_ratio(self, epoch: int, ratios: Sequence[float]) -> None:
        """Fill in the update/weight ratios measured on the first step after `epoch`'s row."""
        if self._n and self._epochs[self._n - 1] == epoch:
            self._rows[self._n - 1, :, -1] = ratios

    @property
    def last_epoch(self) -> int | None:
        return int(self._epochs[self._n - 1]) if self._n else None

    def latest(self, name: str) -> np.ndarray | None:
        """One scalar (a name in SCALARS) per layer on the last row, or None before any row:
        what a live check reads each frame without copying the whole table."""
        if not self._n:
            return None
        return self._rows[self._n - 1, :, len(PERCENTILES) + SCALARS.index(name)].copy()

    def _thin(self) -> None:
        """Keep the rows on the doubled stride (every other one), drop the rest."""
        self.stride *= 2
        keep = np.flatnonzero(self._epochs[: self._n] % self.stride == 0)
        self._move(keep)

    def truncate_after(self, epoch: float) -> None:
        """Forget rows later than `epoch` (a run branched from the past)."""
        self._move(np.flatnonzero(self._epochs[: self._n] <= epoch))

    def _move(self, keep: np.ndarray) -> None:
        n = len(keep)
        self._epochs[:n], self._rows[:n] = self._epochs[keep], self._rows[keep]
        self._epochs[n:], self._rows[n:] = -1, np.nan
        self._n = n

    def view(self) -> LayerRecord:
        """A numpy copy of the rows so far, oldest first."""
        rows, p = self._rows[: self._n], len(PERCENTILES)
        scalars = {name: rows[:, :, p + i].copy() for i, name in enumerate(SCALARS)}
        return LayerRecord(self.names, self.kinds, self.activations,
                           epochs=self._epochs[: self._n].copy(),
                           percentiles=rows[:, :, :p].copy(), **scalars)

    @property
    def nbytes(self) -> int:
        return self._rows.nbytes + self._epochs.nbytes
