"""What is going wrong in the game, in plain words, each with what to try.

Three classic failures, read from numbers the frame already has:
- mode collapse: the fakes cover only some of the target's modes;
- the discriminator winning too easily: it tells real from fake almost perfectly and the
  generator's gradients (the arrows) have all but vanished;
- oscillation: the losses swing up and down without settling.
numpy only; the thresholds are deliberately plain so a teacher can explain them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WARM_UP = 300          # steps before any diagnosis (every GAN starts out collapsed)
WIN_MARGIN = 0.9       # D's mean score: real above this and fake below 1 - this
TINY_ARROW = 0.02      # mean arrow length below which G hardly moves
SWING_WINDOW = 200     # loss rows read for oscillation
LOW_REACH = 0.7       # share of real points with a fake nearby, below which G misses parts
SWING = 0.35           # spread (10th to 90th percentile) of the G loss that counts as swinging


@dataclass(frozen=True)
class Diagnosis:
    """One finding: a short title, what it means, and what to try."""

    kind: str       # "collapse", "d_wins", "oscillation"
    title: str
    text: str
    fix: str


def diagnose(spec, covered: int | None, n_modes: int | None, d_real: float, d_fake: float,
             arrows: np.ndarray, losses: np.ndarray, steps: int,
             reach: float = 1.0) -> tuple[Diagnosis, ...]:
    """Every failure these numbers show (none during the warm-up)."""
    if steps < WARM_UP:
        return ()
    out = []
    if covered is not None and n_modes and covered < n_modes:
        out.append(Diagnosis(
            "collapse", f"The generator covers {covered} of {n_modes} modes",
            "Its points crowd onto some of the target's blobs and leave the others empty "
            "(mode collapse, or a run that has not spread out yet).",
            "Train longer; switch the loss to Wasserstein + gradient penalty; lower the "
            "generator's learning rate or give D more steps per G step."))
    elif covered is None and reach < LOW_REACH:
        out.append(Diagnosis(
            "collapse", f"The generator reaches only {reach:.0%} of the target",
            "Its points crowd onto part of the real distribution and leave the rest empty "
            "(mode collapse, or a run that has not spread out yet).",
            "Train longer; switch the loss to Wasserstein + gradient penalty; lower the "
            "generator's learning rate or give D more steps per G step."))
    arrow = float(np.linalg.norm(arrows, axis=1).mean()) if len(arrows) else 0.0
    if spec.loss != "wgangp" and d_real > WIN_MARGIN and d_fake < 1 - WIN_MARGIN \
            and arrow < TINY_ARROW:
        out.append(Diagnosis(
            "d_wins", "The discriminator is winning too easily",
            f"It scores real points {d_real:.2f} and fakes {d_fake:.2f}, and the generator's "
            f"gradients have almost vanished (mean arrow length {arrow:.3f}): G gets no "
            "direction to improve in.",
            "Use the non-saturating or Wasserstein loss; lower D's learning rate or its steps "
            "per G step; make D smaller."))
    recent = losses[-SWING_WINDOW:, 2] if len(losses) >= SWING_WINDOW // 2 else None
    if recent is not None and np.all(np.isfinite(recent)):
        spread = float(np.percentile(recent, 90) - np.percentile(recent, 10))
        scale = max(1.0, float(np.abs(recent).mean()))
        if spread / scale > SWING:
            out.append(Diagnosis(
                "oscillation", "The losses are oscillating",
                f"The generator's loss swings by {spread:.2f} without settling: the two "
                "networks keep overshooting each other.",
                "Lower both learning rates (try 0.0003), or give D more steps per G step."))
    return tuple(out)
