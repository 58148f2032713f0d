"""Plain-language diagnoses of a run from its recorded curves and layer statistics.

Pure numpy on recorded arrays (numpy only, so the UI and tests can call it on any record).
Every rule names where (a layer, or None for the whole network) and since when (the epoch the
condition started and has held since), says what is happening, and what to try. Thresholds are
named constants; each comment says why that value.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from engine.snapshot import LayerRecord

MIN_EPOCHS = 20          # trend rules wait this long: early curves are mostly noise
DIVERGE_RATIO = 10.0     # loss 10× its best so far, and above where it started: blown up
FLAT_IMPROVEMENT = 0.05  # <5% below the starting loss after MIN_EPOCHS: nothing is learned
TINY_UPDATE = 1e-5       # steps this small relative to the weights move nothing (healthy ~1e-3)
VANISH_RATIO = 1e-3      # a layer whose ‖g‖/‖θ‖ is 1000× below the best-served layer barely learns
EXPLODE_NORM = 100.0     # healthy playground nets have ‖g‖ of 1e-5..10 per layer
EXPLODE_REL = 10.0       # ‖g‖ ten times ‖θ‖: any usual learning rate overshoots
DEAD_LIMIT = 1 / 3       # the line: over a third of a layer's ReLUs silent
BLOCKED = 0.9            # a layer this dead passes almost no gradient to the layers below
SATURATED_LIMIT = 0.5    # half the units stuck at ±1 (or 0/1): their gradients are ~0
OVERFIT_RISE = 0.1       # test loss back up by 10% of what it had gained (smoothed)...
OVERFIT_REL = 0.2        # ...and 20% above its best, so tiny wiggles near 0 do not count
SMOOTH = 5               # rows in the running median that tames per-epoch noise
PLATEAU = 0.05           # the second half beat the first half's best by <5%: flat
UNDERFIT_ACC = 0.85      # classification: train and test accuracy both below 85%...
UNDERFIT_LOSS = 0.3      # regression: train and test loss still ≥ 30% of the starting loss

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Diagnosis:
    """One finding, for students: what, where, since when, what to try."""

    code: str               # "diverged", "flat", "vanishing", "exploding", "dead_relu", ...
    severity: str           # ERROR or WARNING
    layer: str | None       # the layer it concerns, None for the whole network
    since_epoch: int        # the epoch it started (and has held since)
    message: str
    advice: str


PERSIST = 2              # unit health must hold on this many records in a row: a fresh
                         # network often starts with units that come alive after a few steps


def _since(epochs: np.ndarray, held: np.ndarray, at_least: int = 1) -> int | None:
    """First epoch of the run of True at the end of `held` (at least `at_least` long)."""
    if not len(held) or not held[-1]:
        return None
    breaks = np.flatnonzero(~held)
    start = breaks[-1] + 1 if len(breaks) else 0
    if len(held) - start < at_least:
        return None
    return int(epochs[start])


def _median(y: np.ndarray, k: int = SMOOTH) -> np.ndarray:
    """Trailing running median (shorter at the start)."""
    return np.array([np.nanmedian(y[max(0, i - k + 1): i + 1]) for i in range(len(y))])


# ---- loss curves --------------------------------------------------------------------------
def _diverged(h, status: str, epoch: int | None) -> Diagnosis | None:
    ep, tr = h["epoch"], h["train_loss"]
    since = epoch if status == "diverged" else None
    if since is None and len(tr) >= 2 and np.isfinite(tr).all():
        best = np.minimum.accumulate(tr)
        since = _since(ep, (tr > DIVERGE_RATIO * best) & (tr > tr[0]))
    if since is None:
        return None
    return Diagnosis("diverged", ERROR, None, int(since),
                     f"The loss diverged in epoch {since}: the steps are so big that each one "
                     "overshoots and the error grows instead of shrinking.",
                     "Lower the learning rate 10×; batch norm or a smaller L1/L2 rate also help. "
                     "Rewind to before the blow-up and continue with the lower rate.")


def _flat(h, rec: LayerRecord | None) -> Diagnosis | None:
    """No learning, with its cause in evidence: dead ReLUs, or steps too small to matter."""
    ep, tr = h["epoch"], h["train_loss"]
    n = len(tr)
    if n < 2 or ep[-1] - ep[0] < MIN_EPOCHS or not np.isfinite(tr).all():
        return None
    no_gain = tr[0] - np.min(tr) < FLAT_IMPROVEMENT * abs(tr[0])
    plateau = np.min(tr[n // 2:]) >= (1 - PLATEAU) * np.min(tr[: n // 2])
    known = rec is not None and len(rec) > 0
    dead = np.nan_to_num(rec.dead[-1]) if known else np.zeros(1)
    ups = rec.update_ratio[~np.isnan(rec.update_ratio).all(axis=1)] if known else []
    layer, since = None, int(ep[0])
    if dead.max() >= BLOCKED and plateau:
        layer = rec.names[int(dead.argmax())]
        since = int(ep[np.flatnonzero(tr <= (1 + PLATEAU) * np.min(tr))[0]])
        why = f"the network is dead: the ReLUs of {layer} output 0 for every input"
    elif no_gain and len(ups) and np.nanmax(ups[-1]) < TINY_UPDATE:
        why = f"each step changes the weights by less than {TINY_UPDATE:g} of their size"
    elif no_gain and not known:
        why = "the loss has hardly moved"
    else:
        return None                  # a slow start with healthy steps is not a flat loss
    return Diagnosis("flat", WARNING, layer, since,
                     f"The training loss has stayed flat since epoch {since}: {why}.",
                     "Raise the learning rate 10× (or use Adam). If ReLUs are dead, lower the "
                     "learning rate, use leaky ReLU or reset with new weights.")


def _overfit(h) -> Diagnosis | None:
    ep, tr, te = h["epoch"], _median(h["train_loss"]), _median(h["test_loss"])
    if len(te) < 2 * SMOOTH or ep[-1] - ep[0] < MIN_EPOCHS or not np.isfinite(te).all():
        return None
    b = int(np.argmin(te))
    rise, gained = te[-1] - te[b], te[0] - te[b]
    if not (rise > OVERFIT_RISE * gained and rise > OVERFIT_REL * te[b] and tr[-1] < tr[b]):
        return None
    return Diagnosis("overfit", WARNING, None, int(ep[b]),
                     f"Overfitting since epoch {int(ep[b])}: the test loss is rising again "
                     f"({te[b]:.3g} → {te[-1]:.3g}) while the training loss keeps falling; the "
                     "network is memorising the training points instead of the pattern.",
                     "Use more training data, add L2 or dropout, make the network smaller, or "
                     "rewind to the epoch with the lowest test loss and stop there.")


def _underfit(h, classification: bool) -> Diagnosis | None:
    ep, tr, te = h["epoch"], h["train_loss"], h["test_loss"]
    n = len(tr)
    if n < 2 * SMOOTH or ep[-1] - ep[0] < MIN_EPOCHS or not np.isfinite(tr).all():
        return None
    first, second = np.min(tr[: n // 2]), np.min(tr[n // 2:])
    if second < (1 - PLATEAU) * first or tr[0] - np.min(tr) < FLAT_IMPROVEMENT * abs(tr[0]):
        return None                                  # still improving, or never started
    tail = slice(n - max(n // 4, 1), n)
    if classification:
        high = max(np.nanmedian(h["train_acc"][tail]), np.nanmedian(h["test_acc"][tail])) \
            < UNDERFIT_ACC
    else:
        high = min(np.median(tr[tail]), np.median(te[tail])) >= UNDERFIT_LOSS * tr[0]
    if not high:
        return None
    since = int(ep[np.flatnonzero(tr <= (1 + PLATEAU) * np.min(tr))[0]])
    if ep[-1] - since < MIN_EPOCHS:
        return None                                  # a short pause, not yet a plateau
    return Diagnosis("underfit", WARNING, None, since,
                     f"Underfitting since about epoch {since}: training and test loss are both "
                     "high and no longer falling; the network cannot express the pattern.",
                     "Add neurons or layers, add input features (e.g. x₁², sin x₁), or train "
                     "longer with a different learning rate.")


# ---- layer statistics -----------------------------------------------------------------------
def _vanishing(rec: LayerRecord) -> Diagnosis | None:
    rel = rec.grad_norm / np.where(rec.weight_norm > 0, rec.weight_norm, np.nan)   # (n, L)
    has = np.isfinite(rel[-1])
    if has.sum() < 2 or not np.nanmax(rel[-1]) > 0:
        return None
    weak = np.nan_to_num(rel / np.nanmax(rel, axis=1, keepdims=True), nan=1.0) < VANISH_RATIO
    idx = np.flatnonzero(has)
    k = -1
    for i in idx:                                    # from the input side up
        if not weak[-1, i]:
            break
        k = i
    if k < 0 or np.nan_to_num(rec.dead[-1, k:]).max() >= BLOCKED:
        return None                                  # none, or dead ReLUs explain it
    since = _since(rec.epochs, weak[:, idx[0]])
    layer = rec.names[k]
    return Diagnosis("vanishing", WARNING, layer, since,
                     f"Gradients vanish at {layer} and below since epoch {since}: they arrive "
                     f"over {1 / VANISH_RATIO:,.0f}× weaker than at the best-served layer, so the "
                     "first layers barely learn.",
                     "In a deep sigmoid/tanh stack use ReLU, add batch norm, or use residual "
                     "blocks; fewer layers also help.")


def _exploding(rec: LayerRecord) -> Diagnosis | None:
    g, w = rec.grad_norm, rec.weight_norm
    big = (np.nan_to_num(g) > EXPLODE_NORM) | (np.nan_to_num(g / np.where(w > 0, w, np.nan))
                                               > EXPLODE_REL)
    since = _since(rec.epochs, big.any(axis=1))
    if since is None:
        return None
    i = int(np.nanargmax(np.where(big[-1], g[-1], np.nan)))
    return Diagnosis("exploding", ERROR, rec.names[i], since,
                     f"Gradients explode since epoch {since}: at {rec.names[i]} the gradient "
                     f"norm is {g[-1, i]:.3g}, so every step throws the weights far off.",
                     "Lower the learning rate, add batch norm, use smaller initial weights "
                     "(or the default init), or fewer layers.")


def _unit_health(rec: LayerRecord) -> list[Diagnosis]:
    out = []
    for i, name in enumerate(rec.names):
        dead = _since(rec.epochs, np.nan_to_num(rec.dead[:, i]) > DEAD_LIMIT, PERSIST)
        if dead is not None:
            out.append(Diagnosis(
                "dead_relu", WARNING, name, dead,
                f"{rec.dead[-1, i]:.0%} of the ReLUs in {name} are dead since epoch {dead}: they "
                "output 0 for every input, so they neither help nor learn.",
                "Lower the learning rate, use leaky ReLU or ELU, add batch norm, or reset "
                "with new weights."))
        sat = _since(rec.epochs, np.nan_to_num(rec.saturated[:, i]) > SATURATED_LIMIT, PERSIST)
        if sat is not None:
            out.append(Diagnosis(
                "saturated", WARNING, name, sat,
                f"{rec.saturated[-1, i]:.0%} of the {rec.activations[i]} units in {name} are "
                f"saturated since epoch {sat}: stuck at their limits, they pass almost no "
                "gradient.",
                "Lower the learning rate, add batch norm before the activation, or switch to "
                "ReLU."))
    return out


def diagnose(history: dict[str, np.ndarray], layers: LayerRecord | None = None, *,
             status: str = "ready", epoch: int | None = None,
             classification: bool | None = None) -> list[Diagnosis]:
    """Every problem the record shows, errors first. `epoch`: where a diverged run stopped."""
    h = {k: np.asarray(v, dtype=float) for k, v in history.items()}
    if classification is None:
        classification = bool(np.isfinite(h.get("train_acc", np.array([np.nan]))).any())
    rules: list[Callable[[], Diagnosis | list[Diagnosis] | None]] = [
        lambda: _diverged(h, status, epoch), lambda: _flat(h, layers), lambda: _overfit(h)]
    if layers is not None and len(layers):
        rules += [lambda: _exploding(layers), lambda: _vanishing(layers),
                  lambda: _unit_health(layers)]
    found: list[Diagnosis] = []
    for rule in rules:
        r = rule()
        found += r if isinstance(r, list) else [r] if r is not None else []
    if not any(d.code in ("flat", "diverged", "overfit") for d in found):
        u = _underfit(h, classification)
        found += [u] if u is not None else []
    return sorted(found, key=lambda d: d.severity != ERROR)
