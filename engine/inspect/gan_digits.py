"""What the generative lab shows while its GAN draws 8×8 digits, captured as numpy.

Called under the session lock: a grid of the generator's digits from fixed noise (the same
noise every frame, so each cell shows one digit taking shape), a walk through noise space
between two of those noise vectors, some real digits to compare, D's mean scores and the
loss curves. Pixels are mapped from the tanh range [-1, 1] to [0, 1].
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from engine.gan.losses import d_output
from engine.gan.trainer import GanTrainer

GRID = 36            # generated digits shown (6 × 6)
WALK = 10            # images along the latent walk


@dataclass(frozen=True)
class DigitsFrame:
    """One picture of the digits game (numpy only)."""

    steps: int
    epoch: int
    loss: str
    fake: np.ndarray          # (GRID, 8, 8) in [0, 1]
    real: np.ndarray          # (GRID, 8, 8) in [0, 1]
    walk: np.ndarray          # (WALK, 8, 8) in [0, 1]
    d_real: float             # mean D output on real digits
    d_fake: float             # mean D output on the generated digits shown
    losses: np.ndarray        # (k, 3) step, D loss, G loss
    diverged: str | None


def _pixels(x: torch.Tensor) -> np.ndarray:
    return ((x.clamp(-1, 1) + 1) / 2).reshape(-1, 8, 8).numpy().copy()


@torch.no_grad()
def capture_digits(trainer: GanTrainer) -> DigitsFrame:
    """The whole frame (a few ms)."""
    z = trainer.show_noise
    t = torch.linspace(0, 1, WALK)[:, None]                                   # (WALK, 1)
    walk_z = (1 - t) * z[0] + t * z[1]                                        # (WALK, z)
    fake = trainer.G(z[:GRID])
    real = trainer.show_real[:GRID]
    loss = trainer.spec.loss
    return DigitsFrame(
        steps=trainer.steps, epoch=trainer.epoch, loss=loss, fake=_pixels(fake),
        real=_pixels(real), walk=_pixels(trainer.G(walk_z)),
        d_real=float(d_output(loss, trainer.D(trainer.show_real)).mean()),
        d_fake=float(d_output(loss, trainer.D(trainer.G(z))).mean()),
        losses=trainer.history.losses.array(), diverged=trainer.diverged)
