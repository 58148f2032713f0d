"""Plain-language diagnoses of a run from its recorded curves and layer statistics.

Pure numpy on recorded arrays (numpy only, so the UI and tests can call it on any record).
Every rule names where (a layer, or None for the whole network) and since when (the epoch the
condition started and has held since), says what is happening, and what to try. Thresholds are
named constants; each comment says why that value.

A diagnosis must fit the curves it sits beside: the loss curve gets one story (diverged, else
oscillating, else flat / overfit, else underfit), and symptoms inside the network (dead or
saturated units, vanishing gradients) are only reported where they hurt, i.e. while the network
does not yet fit its data (or, for dead/saturated layers, when nearly the whole layer is gone).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

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
OSC_WINDOW = 10          # epochs the oscillation rule looks back over (visible in ~10 epochs)
OSC_JUMP = 0.5           # a typical epoch-to-epoch jump over half the starting loss is no noise:
                         # a learning run moves by a few % of it per epoch
OSC_TURNS = 0.25         # ...and the jumps go both ways (≥ a quarter up, ≥ a quarter down):
                         # a steady climb is divergence, a steady fall is learning
OVERFIT_NOISE = 2.0      # the test loss must rise by twice its own epoch-to-epoch jitter

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Diagnosis:
    """One finding, for students: what, where, since when, what to try."""

    code: str               # "diverged", "oscillating", "flat", "vanishing", "dead_relu", ...
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
    """Trailing running median (shorter at the start), NaNs left out.

    One vectorised call over the k-wide windows of a NaN-padded copy: the padding is left
    out like any NaN, so the first windows are the shorter ones. (A median per row took
    23 ms for a 1,000-epoch history, twice per diagnosis, on every live frame.)"""
    y = np.asarray(y, dtype=float)
    if not len(y):
        return y.copy()
    windows = sliding_window_view(np.concatenate([np.full(k - 1, np.nan), y]), k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)       # a window of NaNs only: NaN
        return np.nanmedian(windows, axis=1)


def _tail(n: int) -> slice:
    """The last quarter of `n` rows (at least one): "where the run is now"."""
    return slice(n - max(n // 4, 1), n)


def _fits_well(h, classification: bool) -> bool:
    """Does the network already do its job? Then a symptom inside it is not hurting it.

    Classification: train or test accuracy ≥ UNDERFIT_ACC over the last quarter; regression:
    the training loss below UNDERFIT_LOSS of where it started (the underfit rule's lines).
    """
    tr = h["train_loss"]
    n = len(tr)
    if n < 2 or not np.isfinite(tr[0]):
        return False
    tail = _tail(n)
    if classification:
        acc = [np.nanmedian(h[k][tail]) for k in ("train_acc", "test_acc")
               if k in h and np.isfinite(h[k][tail]).any()]
        return bool(acc) and max(acc) >= UNDERFIT_ACC
    return bool(np.nanmedian(tr[tail]) < UNDERFIT_LOSS * abs(tr[0]))


def _oscillation_since(h) -> int | None:
    """First epoch of a loss that jumps up and down by over OSC_JUMP of its start, or None.

    Wild: over half of the epoch-to-epoch changes are bigger than OSC_JUMP × the starting loss,
    and at least OSC_TURNS of them are big rises and as many big falls. It must hold over the
    last OSC_WINDOW changes; it started with the first big jump of the longest wild stretch
    that reaches the end. A big learning rate does this: each step overshoots the valley and
    lands on the far wall, then back (a min/max "plateau" test reads that as flat).
    """
    ep, tr = h["epoch"], h["train_loss"]
    if len(tr) < OSC_WINDOW + 1 or not np.isfinite(tr).all() or not tr[0] > 0:
        return None
    d = np.diff(tr)
    big = OSC_JUMP * max(tr[0], np.min(tr[-OSC_WINDOW - 1:]))   # a loss stuck far above its
                                                  # start (blown up) wobbles relative to that
    up, down = (d > big)[::-1].cumsum()[::-1], (d < -big)[::-1].cumsum()[::-1]
    span = np.arange(len(d), 0, -1)                 # changes from each index to the end
    wild = ((up + down) * 2 > span) & (up >= OSC_TURNS * span) & (down >= OSC_TURNS * span) \
        & (span >= OSC_WINDOW)
    if not wild[len(d) - OSC_WINDOW]:
        return None
    s = int(np.flatnonzero(wild)[0])
    s += int(np.flatnonzero(np.abs(d[s:]) > big)[0])
    return int(ep[s + 1])                           # the epoch the first jump landed in


# ---- loss curves --------------------------------------------------------------------------
def _oscillating(h, since: int | None) -> Diagnosis | None:
    if since is None:
        return None
    tail = h["train_loss"][-OSC_WINDOW - 1:]
    return Diagnosis("oscillating", ERROR, None, since,
                     f"The loss has been jumping up and down since epoch {since} (between "
                     f"{tail.min():.3g} and {tail.max():.3g} in the last {OSC_WINDOW} epochs) "
                     "instead of falling: the steps are so big that each one overshoots the "
                     "minimum and lands on the other side, higher than before.",
                     "Lower the learning rate 10× (a smaller one, or Adam with its default "
                     "rate, settles into the minimum). A bigger batch also smooths the steps. "
                     "If ReLUs died meanwhile, reset with new weights after lowering it.")


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
        advice = ("Reset with new weights, then lower the learning rate (big steps kill "
                  "ReLUs), use leaky ReLU or ELU, or add batch norm.")
    elif no_gain and len(ups) and np.nanmax(ups[-1]) < TINY_UPDATE:
        why = f"each step changes the weights by less than {TINY_UPDATE:g} of their size"
        advice = "Raise the learning rate 10× (or use Adam)."
    elif no_gain and not known:
        why = "the loss has hardly moved"
        advice = ("Raise the learning rate 10× (or use Adam); if the loss stays put, check "
                  "the layers for dead ReLUs.")
    else:
        return None                  # a slow start with healthy steps is not a flat loss
    return Diagnosis("flat", WARNING, layer, since,
                     f"The training loss has stayed flat since epoch {since}: {why}.", advice)


def _overfit(h) -> Diagnosis | None:
    ep, tr, te = h["epoch"], _median(h["train_loss"]), _median(h["test_loss"])
    if len(te) < 2 * SMOOTH or ep[-1] - ep[0] < MIN_EPOCHS or not np.isfinite(te).all():
        return None
    b = int(np.argmin(te))
    rise, gained = te[-1] - te[b], te[0] - te[b]
    if not (rise > OVERFIT_RISE * gained and rise > OVERFIT_REL * te[b] and tr[-1] < tr[b]):
        return None
    jitter = np.median(np.abs(np.diff(h["test_loss"][-2 * SMOOTH:])))
    if rise <= OVERFIT_NOISE * jitter:
        return None                                  # a noisy test curve, not a trend
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
    """Only called while the network does not yet do its job (a solved task has ~0 gradients)."""
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
    if k < 0 or np.nan_to_num(rec.dead[-1, k:]).max() > DEAD_LIMIT:
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


def _unit_health(rec: LayerRecord, fits: bool) -> list[Diagnosis]:
    """Dead and saturated units, where they hurt: the network does not do its job yet (`fits`
    False), or the layer is so far gone (≥ BLOCKED) that almost nothing passes through it.

    A net that fits its data can carry many silent ReLUs: a dense layer fed by ReLU/pooling
    outputs (all ≥ 0) starts with units whose weights are mostly negative, and Adam's first big
    steps silence more; the live ones do the job. Warning there contradicts the curves beside it.
    """
    out = []
    for i, name in enumerate(rec.names):
        dead_now = np.nan_to_num(rec.dead[:, i])
        dead = _since(rec.epochs, dead_now > DEAD_LIMIT, PERSIST)
        if dead is not None and (not fits or dead_now[-1] >= BLOCKED):
            out.append(Diagnosis(
                "dead_relu", WARNING, name, dead,
                f"{rec.dead[-1, i]:.0%} of the ReLUs in {name} are dead since epoch {dead}: they "
                "output 0 for every input, so they neither help nor learn"
                + (", and the network is not fitting the data yet." if not fits else
                   ": almost nothing passes through this layer."),
                "Lower the learning rate, use leaky ReLU or ELU, add batch norm, or reset "
                "with new weights."))
        sat_now = np.nan_to_num(rec.saturated[:, i])
        sat = _since(rec.epochs, sat_now > SATURATED_LIMIT, PERSIST)
        if sat is not None and (not fits or sat_now[-1] >= BLOCKED):
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
    # The loss curve gets one story: blown up (the trainer stopped, or the loss is far above its
    # best and start), else jumping up and down, else flat / overfit, else underfit. A loss
    # that jumps back down has not diverged; a diverged or jumping loss is neither flat nor
    # overfit (its test curve shows only the overshooting).
    wild = _oscillation_since(h) if status != "diverged" else None
    curve = (_diverged(h, status, epoch) if wild is None else None) or _oscillating(h, wild)
    found: list[Diagnosis] = [curve] if curve is not None else []
    if curve is None:
        found += [d for d in (_flat(h, layers), _overfit(h)) if d is not None]
    if not found:
        found += [d for d in (_underfit(h, classification),) if d is not None]
    if layers is not None and len(layers):
        fits = _fits_well(h, classification)
        found += [d for d in (_exploding(layers),) if d is not None]
        found += _unit_health(layers, fits)
        if not fits:                       # a solved task has ~0 gradients everywhere
            found += [d for d in (_vanishing(layers),) if d is not None]
    return sorted(found, key=lambda d: d.severity != ERROR)
