"""The four GAN losses, written on the discriminator's raw outputs (logits or critic values).

Each loss is a pair: what D minimises given its outputs on real and fake points, and what G
minimises given D's outputs on fake points. `g_loss_each` keeps one value per fake point, so
the lab can show each point's own gradient (the arrows); the batch loss is its mean.
- minimax (Goodfellow 2014): D: -log D(x) - log(1 - D(G(z))); G: log(1 - D(G(z))), which
  saturates (flat) where D rejects the fakes confidently.
- non-saturating: D as minimax; G: -log D(G(z)), steep exactly where minimax is flat.
- least squares (Mao 2017): D: ½(D(x) - 1)² + ½D(G(z))²; G: ½(D(G(z)) - 1)².
- Wasserstein with gradient penalty (Gulrajani 2017): D (the critic): f(G(z)) - f(x)
  + λ(‖∇f(x̂)‖ - 1)² on random mixes x̂ of real and fake; G: -f(G(z)).
log σ(a) is written -softplus(-a), which stays finite for any logit.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

SIGMOID_LOSSES = ("minimax", "nonsat")


def d_loss(loss: str, real: Tensor, fake: Tensor) -> Tensor:
    """The discriminator's batch loss from its outputs on real and on fake points (no penalty)."""
    if loss in SIGMOID_LOSSES:
        return F.softplus(-real).mean() + F.softplus(fake).mean()
    if loss == "lsgan":
        return 0.5 * ((real - 1) ** 2).mean() + 0.5 * (fake ** 2).mean()
    if loss == "wgangp":
        return fake.mean() - real.mean()
    raise ValueError(f"unknown GAN loss {loss!r}")


def g_loss_each(loss: str, fake: Tensor) -> Tensor:
    """The generator's loss for each fake point (shape of `fake`), from D's outputs on them."""
    if loss == "minimax":
        return -F.softplus(fake)               # log(1 - σ(a)) = -softplus(a)
    if loss == "nonsat":
        return F.softplus(-fake)               # -log σ(a)
    if loss == "lsgan":
        return 0.5 * (fake - 1) ** 2
    if loss == "wgangp":
        return -fake
    raise ValueError(f"unknown GAN loss {loss!r}")


def g_loss(loss: str, fake: Tensor) -> Tensor:
    """The generator's batch loss."""
    return g_loss_each(loss, fake).mean()


def gradient_penalty(critic: nn.Module, real: Tensor, fake: Tensor,
                     gen: torch.Generator) -> Tensor:
    """(‖∇f(x̂)‖ - 1)² averaged over x̂ = εx + (1-ε)x̃, ε ~ U(0,1) from the trainer's generator."""
    eps = torch.rand(real.shape[0], 1, generator=gen)                  # (n, 1)
    mixed = (eps * real + (1 - eps) * fake).requires_grad_(True)       # (n, 2)
    out = critic(mixed)
    grad, = torch.autograd.grad(out.sum(), mixed, create_graph=True)   # (n, 2)
    return ((grad.norm(dim=1) - 1) ** 2).mean()


def d_output(loss: str, raw: Tensor) -> Tensor:
    """What D's output means to a student: the probability 'real' for the sigmoid losses, the
    score clipped to [0, 1] for least squares (1 = real, 0 = fake), the critic value for WGAN."""
    if loss in SIGMOID_LOSSES:
        return torch.sigmoid(raw)
    if loss == "lsgan":
        return raw.clamp(0, 1)
    return raw
