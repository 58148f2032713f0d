"""The GAN's past, bounded: D and G losses per step, and the divergence every few steps.

A long run must not grow memory without bound (30 sessions share a server), so each series
keeps at most CAP points: when full, every other point goes and the stride doubles, so the
curve always spans the whole run at an even spacing.
"""
from __future__ import annotations

import numpy as np

CAP = 1000


class Series:
    """One bounded series of (step, values...) rows."""

    def __init__(self, width: int, cap: int = CAP) -> None:
        self.rows = np.zeros((cap, width), dtype=np.float64)
        self.n, self.stride, self.cap = 0, 1, cap

    def add(self, step: int, *values: float) -> None:
        if step % self.stride:
            return
        if self.n == self.cap:                     # keep every other row, double the stride
            kept = self.rows[::2].copy()
            self.n = len(kept)
            self.rows[:self.n] = kept
            self.stride *= 2
            if step % self.stride:
                return
        self.rows[self.n] = (step, *values)
        self.n += 1

    def array(self) -> np.ndarray:
        return self.rows[:self.n].copy()


class GanHistory:
    """Losses per step (`losses`: step, D loss, G loss) and divergence (`divergence`: step, JS)."""

    def __init__(self, cap: int = CAP) -> None:
        self.losses = Series(3, cap)
        self.divergences = Series(2, cap)

    def add(self, step: int, d: float, g: float) -> None:
        self.losses.add(step, d, g)

    def add_divergence(self, step: int, value: float) -> None:
        self.divergences.add(step, value)

    def column(self, name: str) -> np.ndarray:
        """No per-epoch rows (the lesson goal watcher asks a Trainer's history for them; a
        GAN's goals read its measures of the moment instead)."""
        return np.empty(0)
