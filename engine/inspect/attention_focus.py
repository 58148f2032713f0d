"""How attention sharpens while a network trains: a focus score per head, and a short history.

An untrained attention layer reads every step about equally (each row of its map is flat); a
trained one on Reverse reads one mirror step per row. The focus of a head is 1 minus the mean
entropy of its rows, each divided by the largest entropy that row could have (log of the keys
it may read: fewer under a causal mask), so 0 is "reads everything evenly" and 1 is "reads
exactly one step". Numpy only: the live page feeds it the maps it already captured.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HISTORY = 48        # points kept per layer; beyond it every other old point is dropped


def attention_focus(weights: np.ndarray, causal: bool = False) -> np.ndarray:
    """(heads, T, T) attention rows (each summing to 1) -> (heads,) focus in [0, 1]."""
    w = np.asarray(weights, dtype=np.float64)
    t = w.shape[-1]
    allowed = np.arange(1, t + 1) if causal else np.full(t, t)   # keys each row may read
    entropy = -(w * np.log(np.where(w > 0, w, 1.0))).sum(-1)
    spread = allowed > 1                               # a row with one key says nothing
    normalised = np.where(spread, entropy / np.log(np.maximum(allowed, 2)), 0.0)
    normalised = np.broadcast_to(normalised, w.shape[:-1])
    rows = int(spread.sum())
    mean = normalised.sum(-1) / rows if rows else np.ones(w.shape[0])
    return np.clip(1.0 - mean, 0.0, 1.0)


@dataclass(frozen=True)
class FocusPoint:
    """One captured moment of one attention layer: when, how focused, and the maps."""

    epoch: float
    focus: np.ndarray        # (heads,)
    weights: np.ndarray      # (heads, T, T)


def add_point(history: tuple[FocusPoint, ...], point: FocusPoint,
              keep: int = HISTORY) -> tuple[FocusPoint, ...]:
    """The history with `point` appended (a new tuple: snapshots stay immutable); a full one
    drops every other old point, so it spans the whole run at a coarser grain."""
    if history and point.epoch < history[-1].epoch:    # a rewound or new run starts over
        history = ()
    history = history + (point,)
    if len(history) > keep:
        history = history[:-1][::2] + history[-1:]
    return history


def film(history: tuple[FocusPoint, ...], frames: int = 5) -> tuple[FocusPoint, ...]:
    """Up to `frames` points spread evenly from the first to the latest (a film strip)."""
    if len(history) <= frames:
        return history
    picks = np.linspace(0, len(history) - 1, frames).round().astype(int)
    return tuple(history[i] for i in picks)
