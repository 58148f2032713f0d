"""GanTrainer: a generator and a discriminator trained against each other on 2D points.

It offers what the shared live loop uses from a Trainer (LabSession, BackgroundTrainer,
live_view): `run_for(seconds)`, `step(n)`, `step_epoch(seconds)`, `done`, `epoch`, `position`,
`batches_per_epoch`, plus the GAN's own step modes (`step(n, mode="d"|"g"|"both")`) and
`apply(spec)` for the settings that change live. One *step* is one round of the game: `d_steps`
discriminator updates then one generator update. An *epoch* is as many steps as it takes to
show D the whole pool of real points once. Everything random (target sample, weights, noise,
batches, WGAN mixes) comes from the trainer's own torch.Generator: sessions share a process.
"""
from __future__ import annotations

import math
import time

import numpy as np
import torch

from engine.data import GAN_TARGETS, digit_pixels, drawn_target, modes_covered, sample_target
from engine.gan.divergence import js_on_grid
from engine.gan.history import GanHistory
from engine.gan.losses import d_loss, g_loss, gradient_penalty
from engine.gan.spec import DIGITS, DRAWN, GP_WEIGHT, GanSpec, needs_rebuild, parse_points
from engine.model.build import build_model
from engine.model.init import init_weights
from engine.spec import ModelSpec
from engine.train.stepping import clear_grads, optimizer_step

POOL = 2048          # real points the trainer draws batches from (a fixed training set)
SHOW = 512           # real and fake points the views show (fixed noise: the fakes move smoothly)
DIV_EVERY = 25       # steps between divergence estimates (one forward pass of SHOW points)
MODES = ("both", "d", "g")


def make_optimizer(name: str, params, lr: float) -> torch.optim.Optimizer:
    """Adam with β1 = 0.5 (the usual choice for GANs: less momentum to overshoot with), or
    plain SGD."""
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    return torch.optim.Adam(params, lr=lr, betas=(0.5, 0.999))


class GanTrainer:
    """Owns both networks, their optimizers, the real points and the RNG; knows no display."""

    def __init__(self, spec: GanSpec) -> None:
        self.spec = spec.validated()
        self.images = spec.target == DIGITS
        drawn = parse_points(spec.points) if spec.target == DRAWN else None
        self.gen = torch.Generator().manual_seed(spec.seed)
        if self.images:            # each real "point" is a digit's 64 pixels in [-1, 1]
            self.target = None
            self.real = torch.from_numpy(digit_pixels())                       # (1797, 64)
        else:
            self.target = drawn_target(drawn) if drawn is not None else GAN_TARGETS[spec.target]
            self.real = torch.from_numpy(sample_target(spec.target, POOL, spec.seed, drawn))
        dim = self.real.shape[1]                                               # 2 or 64
        self.G = build_model(ModelSpec(spec.g_layers), (spec.noise_dim,), dim,
                             "tanh" if self.images else "linear")
        self.D = build_model(ModelSpec(spec.d_layers), (dim,), 1)
        init_weights(self.G, "torch", self.gen)
        init_weights(self.D, "torch", self.gen)
        self.show_noise = self.noise(SHOW)                                         # (SHOW, z)
        self.show_real = self.real[:SHOW]
        self.pool = len(self.real)
        self.g_opt = make_optimizer(spec.g_opt, self.G.parameters(), spec.g_lr)
        self.d_opt = make_optimizer(spec.d_opt, self.D.parameters(), spec.d_lr)
        self.steps = 0                 # rounds of the game (D steps + one G step)
        self.d_updates = self.g_updates = 0
        self.last_d = self.last_g = float("nan")
        self.history = GanHistory()
        self.diverged: str | None = None

    # ---- what the shared loop reads ------------------------------------------------------------
    @property
    def experiment(self) -> GanSpec:
        return self.spec

    @property
    def batches_per_epoch(self) -> int:
        return max(1, self.pool // self.spec.batch_size)

    @property
    def epoch(self) -> int:
        return self.steps // self.batches_per_epoch

    @property
    def position(self) -> float:
        return self.steps / self.batches_per_epoch

    @property
    def status(self) -> str:
        return "diverged" if self.diverged else "running"

    @property
    def done(self) -> bool:
        """Only a blown-up run ends: a GAN has no epoch limit."""
        return self.diverged is not None

    # ---- settings ------------------------------------------------------------------------------
    def apply(self, spec: GanSpec) -> None:
        """Take the live settings (loss, learning rates, optimizers, batch size, D steps)
        without touching the weights; a change that needs new networks is refused."""
        spec = spec.validated()
        if needs_rebuild(self.spec, spec):
            raise ValueError("this change needs a new trainer")
        old, self.spec = self.spec, spec
        for net, opt, name, lr, old_name in (("G", "g_opt", spec.g_opt, spec.g_lr, old.g_opt),
                                             ("D", "d_opt", spec.d_opt, spec.d_lr, old.d_opt)):
            if name != old_name:
                setattr(self, opt, make_optimizer(name, getattr(self, net).parameters(), lr))
            for group in getattr(self, opt).param_groups:
                group["lr"] = lr

    # ---- random inputs -------------------------------------------------------------------------
    def noise(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.spec.noise_dim, generator=self.gen)        # (n, z)

    def real_batch(self, n: int) -> torch.Tensor:
        return self.real[torch.randint(0, self.pool, (n,), generator=self.gen)]   # (n, dim)

    # ---- the game ------------------------------------------------------------------------------
    def d_update(self) -> float:
        """One discriminator update on a batch of real and a batch of (frozen) fake points."""
        n, loss = self.spec.batch_size, self.spec.loss
        real = self.real_batch(n)
        with torch.no_grad():
            fake = self.G(self.noise(n))                                       # (n, 2)
        value = d_loss(loss, self.D(real), self.D(fake))
        if loss == "wgangp":
            value = value + GP_WEIGHT * gradient_penalty(self.D, real, fake, self.gen)
        clear_grads(self.d_opt)
        value.backward()
        optimizer_step(self.d_opt)
        self.d_updates += 1
        return float(value.detach())

    def g_update(self) -> float:
        """One generator update: move the fakes where D scores them as more real."""
        value = g_loss(self.spec.loss, self.D(self.G(self.noise(self.spec.batch_size))))
        clear_grads(self.g_opt)
        value.backward()
        optimizer_step(self.g_opt)
        self.g_updates += 1
        return float(value.detach())

    def step(self, n: int = 1, mode: str = "both") -> None:
        """`n` rounds: both networks (D `d_steps` times, then G), or only D, or only G."""
        if mode not in MODES:
            raise ValueError(f"unknown step mode {mode!r}")
        for _ in range(n):
            if self.done:
                return
            fresh = []
            if mode != "g":
                for _ in range(self.spec.d_steps if mode == "both" else 1):
                    self.last_d = self.d_update()
                fresh.append(self.last_d)
            if mode != "d":
                self.last_g = self.g_update()
                fresh.append(self.last_g)
            self._after_step(fresh)

    def _after_step(self, fresh: list[float]) -> None:
        self.steps += 1
        self.history.add(self.steps, self.last_d, self.last_g)
        if not all(math.isfinite(v) and abs(v) < 1e6 for v in fresh):
            self.diverged = ("A loss blew up (became infinite or huge): lower the learning "
                             "rates, then press Reset.")
        if self.steps % DIV_EVERY == 0 and not self.images:
            self.history.add_divergence(self.steps, self.divergence())

    def run_for(self, seconds: float, max_batches: int | None = None) -> int:
        """Train whole steps for about `seconds` (at most `max_batches`, when given); returns
        how many were taken."""
        end, taken = time.perf_counter() + seconds, 0
        while not self.done:
            self.step(1)
            taken += 1
            if time.perf_counter() >= end or (max_batches is not None and taken >= max_batches):
                break
        return taken

    def step_epoch(self, seconds: float = 2.0) -> None:
        """Train to the next epoch boundary, or for at most `seconds`."""
        end, target = time.perf_counter() + seconds, self.epoch + 1
        while self.epoch < target and not self.done and time.perf_counter() < end:
            self.step(1)

    # ---- measures ------------------------------------------------------------------------------
    @torch.no_grad()
    def fake_points(self, noise: torch.Tensor | None = None) -> np.ndarray:
        """The generator's points for `noise` (the fixed display noise by default)."""
        return self.G(self.show_noise if noise is None else noise).numpy().copy()

    def modes_covered(self) -> float:
        """Modes of the target the display fakes cover (NaN for a target without modes)."""
        if self.images:
            return math.nan
        covered = modes_covered(self.fake_points(), self.target)
        return math.nan if covered is None else float(covered)

    def divergence(self) -> float:
        """Jensen-Shannon divergence (bits, 0 to 1) between real and fake on a grid (NaN for
        digits: 64 dimensions have no grid)."""
        if self.images:
            return math.nan
        return js_on_grid(self.show_real.numpy(), self.fake_points())
