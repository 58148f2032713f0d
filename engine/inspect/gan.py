"""What the generative lab shows at one moment, captured from a GanTrainer as numpy.

Called under the session lock by the live loop: real and fake points, D's opinion over the
plane (a grid), the arrows on the fakes (minus the gradient of each fake's generator loss with
respect to that point: where G's update pushes it), the manifold (a grid of noise through G),
the loss and divergence curves, mode coverage and the diagnoses. Everything is copied out, so
drawing needs no lock and no torch.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from engine.data import modes_covered, reach
from engine.gan.diagnose import Diagnosis, diagnose
from engine.gan.losses import SIGMOID_LOSSES, d_output, g_loss_each
from engine.gan.trainer import GanTrainer

EXTENT = (-2.0, 2.0)
HEAT = 48            # D's opinion on a HEAT × HEAT grid over the plane
MESH = 15            # the manifold: a MESH × MESH grid of noise (a MESH line for 1D noise)
NOISE_SPAN = 2.0     # the grid spans ±2 standard deviations of the noise


@dataclass(frozen=True)
class GanFrame:
    """One picture of the game (numpy only)."""

    steps: int
    epoch: int
    loss: str
    real: np.ndarray          # (n, 2)
    fake: np.ndarray          # (n, 2) the fixed display noise through G
    arrows: np.ndarray        # (n, 2) minus d(G loss of that point)/d(point)
    heat: np.ndarray          # (HEAT, HEAT) D's output; rows are y, columns x
    heat_range: tuple[float, float]
    mesh: np.ndarray          # (MESH, MESH, 2), or (1, MESH, 2) for 1D noise
    losses: np.ndarray        # (k, 3) step, D loss, G loss
    divergence: np.ndarray    # (k, 2) step, JS in bits
    d_real: float             # mean D output on the real points shown
    d_fake: float             # mean D output on the fake points shown
    covered: int | None       # modes the fakes cover (None: the target has no separate modes)
    reach: float              # share of the real points with a fake nearby
    n_modes: int | None
    diagnoses: tuple[Diagnosis, ...]
    diverged: str | None


def heat_grid(n: int = HEAT) -> torch.Tensor:
    """The plane's grid points, row by row from the bottom (y) and left (x): (n*n, 2)."""
    ticks = torch.linspace(EXTENT[0], EXTENT[1], n)
    yy, xx = torch.meshgrid(ticks, ticks, indexing="ij")
    return torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1)


def noise_mesh(noise_dim: int, n: int = MESH) -> torch.Tensor:
    """A grid over the first two noise dimensions (the others 0): (rows, n, noise_dim)."""
    ticks = torch.linspace(-NOISE_SPAN, NOISE_SPAN, n)
    if noise_dim == 1:
        return ticks.reshape(1, n, 1)
    a, b = torch.meshgrid(ticks, ticks, indexing="ij")
    z = torch.zeros(n, n, noise_dim)
    z[..., 0], z[..., 1] = b, a
    return z


def fake_arrows(trainer: GanTrainer, fake: torch.Tensor) -> np.ndarray:
    """Minus the gradient of each fake point's generator loss with respect to the point."""
    x = fake.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        per_point = g_loss_each(trainer.spec.loss, trainer.D(x))               # (n, 1)
        grad, = torch.autograd.grad(per_point.sum(), x)                         # (n, 2)
    return (-grad).numpy().copy()


def capture_gan(trainer: GanTrainer) -> GanFrame:
    """The whole frame (a few ms for the default networks)."""
    spec = trainer.spec
    with torch.no_grad():
        fake_t = trainer.G(trainer.show_noise)                                  # (n, 2)
        heat_raw = trainer.D(heat_grid()).reshape(HEAT, HEAT)
        heat = d_output(spec.loss, heat_raw).numpy().copy()
        d_real = float(d_output(spec.loss, trainer.D(trainer.show_real)).mean())
        d_fake = float(d_output(spec.loss, trainer.D(fake_t)).mean())
        z = noise_mesh(spec.noise_dim)
        mesh = trainer.G(z.reshape(-1, spec.noise_dim)).reshape(*z.shape[:2], 2).numpy().copy()
    arrows = fake_arrows(trainer, fake_t)
    fake, real = fake_t.numpy().copy(), trainer.show_real.numpy().copy()
    bounded = spec.loss in SIGMOID_LOSSES or spec.loss == "lsgan"
    heat_range = (0.0, 1.0) if bounded else (float(heat.min()), float(heat.max()))
    covered = modes_covered(fake, trainer.target)
    n_modes = None if trainer.target.modes is None else len(trainer.target.modes)
    losses = trainer.history.losses.array()
    near = reach(real, fake)
    frame = dict(reach=near, steps=trainer.steps, epoch=trainer.epoch, loss=spec.loss,
                 real=real, fake=fake,
                 arrows=arrows, heat=heat, heat_range=heat_range, mesh=mesh, losses=losses,
                 divergence=trainer.history.divergences.array(), d_real=d_real, d_fake=d_fake,
                 covered=covered, n_modes=n_modes, diverged=trainer.diverged)
    return GanFrame(**frame, diagnoses=diagnose(spec, covered, n_modes, d_real, d_fake,
                                                arrows, losses, trainer.steps, near))
