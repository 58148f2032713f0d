"""Compare mode in the generative lab: the frame of both games and the verdict.

The shared RunPair trains the two GanTrainers in alternation. The verdict is judged on the
Jensen-Shannon divergence between real and fake points (the losses of two different games say
little about which generator is better) and, for targets with modes, on the modes covered.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.inspect.gan import GanFrame, capture_gan
from engine.train.pair import RunPair, Verdict


@dataclass(frozen=True)
class GanPairFrame:
    """Both games at one moment (numpy only) and the verdict."""

    a: GanFrame
    b: GanFrame
    verdict: str
    winner: str | None


def _js_at(frame: GanFrame, step: int) -> tuple[int, float] | None:
    """The last divergence estimate at or before `step`: (its step, JS in bits)."""
    rows = frame.divergence[frame.divergence[:, 0] <= step] if len(frame.divergence) else []
    return (int(rows[-1, 0]), float(rows[-1, 1])) if len(rows) else None


def gan_verdict(a: GanFrame, b: GanFrame) -> Verdict:
    """Which generator's points are closer to the real ones, at a step both runs reached."""
    common = min(a.steps, b.steps)
    ja, jb = _js_at(a, common), _js_at(b, common)
    if ja is None or jb is None or not (math.isfinite(ja[1]) and math.isfinite(jb[1])):
        return Verdict(None, "Train both runs (Play or a Step) to see whose fakes come closer "
                             "to the real points.")
    at = min(ja[0], jb[0])
    modes = ""
    if a.n_modes:
        modes = f" Modes covered: A {a.covered} of {a.n_modes}, B {b.covered} of {b.n_modes}."
    if abs(ja[1] - jb[1]) < 0.01:
        return Verdict(None, f"A tie at step {at:,}: both fakes are as close to the real points "
                             f"(JS divergence {ja[1]:.3f} bits).{modes}")
    win = "A" if ja[1] < jb[1] else "B"
    best, other = sorted((ja[1], jb[1]))
    return Verdict(win, f"Run {win}'s fakes are closer to the real points at step {at:,}: JS "
                        f"divergence {best:.3f} against {other:.3f} bits (0 = the same "
                        f"distribution).{modes}")


def capture_gan_pair(pair: RunPair, _recorder=None) -> GanPairFrame:
    """One frame of both games (call under the session lock)."""
    a, b = capture_gan(pair.a), capture_gan(pair.b)
    judged = gan_verdict(a, b)
    return GanPairFrame(a=a, b=b, verdict=judged.text, winner=judged.winner)


def js_series(frame: GanFrame) -> tuple[np.ndarray, np.ndarray]:
    """(steps, JS) of a frame's divergence history, for the overlaid curve."""
    d = frame.divergence
    return (d[:, 0], d[:, 1]) if len(d) else (np.empty(0), np.empty(0))
