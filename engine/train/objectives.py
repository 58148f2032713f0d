"""Losses, output heads, optimizers and learning-rate schedules, resolved from a TrainSpec.

Kept apart from the Trainer so each choice is a small pure function that can be tested alone.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from engine.spec.experiment import TrainSpec
from engine.spec.fields import SpecError

LossFn = Callable[[Tensor, Tensor], Tensor]


@dataclass(frozen=True)
class Objective:
    """What the head outputs, how targets are encoded, how loss and accuracy are computed."""

    name: str                     # resolved loss name (never "auto")
    n_outputs: int
    head_activation: str          # "linear", or "tanh" for TF Playground's ±1 loss
    loss: LossFn                  # (head output, encoded target) -> scalar
    classification: bool
    per_step: bool = False        # a class per time step: output (B, T, C), target (B, T)

    def encode_targets(self, y: np.ndarray) -> Tensor:
        """Targets in the form `loss` expects."""
        if not self.classification:
            return torch.tensor(y, dtype=torch.float32).reshape(len(y), -1)   # (N, k values)
        labels = torch.tensor(y, dtype=torch.int64)
        if self.name == "cross_entropy":
            return labels
        if self.name == "tfp_squared":
            return (labels * 2 - 1).to(torch.float32).reshape(-1, 1)  # 0/1 -> -1/+1
        return F.one_hot(labels, self.n_outputs).to(torch.float32)

    def predict_class(self, out: Tensor) -> Tensor:
        """Class index per row of head output."""
        if self.name == "tfp_squared":
            return (out[:, 0] > 0).to(torch.int64)
        return out.argmax(dim=-1)               # (B,) or, per step, (B, T)

    def probabilities(self, out: Tensor) -> Tensor:
        """Class probabilities (classification) or the raw value (regression)."""
        if not self.classification:
            return out
        if self.name == "tfp_squared":
            p1 = (out + 1) / 2
            return torch.cat([1 - p1, p1], dim=1)
        return out.softmax(dim=-1)


def _half_squared(out: Tensor, target: Tensor) -> Tensor:
    return 0.5 * F.mse_loss(out, target)


def _softmax_mse(out: Tensor, target: Tensor) -> Tensor:
    return F.mse_loss(out.softmax(dim=1), target)


def _softmax_huber(out: Tensor, target: Tensor) -> Tensor:
    return F.huber_loss(out.softmax(dim=1), target)


def _per_step_cross_entropy(out: Tensor, target: Tensor) -> Tensor:
    """Cross-entropy over every scored step: (B, T, C) logits, (B, T) classes; steps whose
    target is -1 (datasets.base.IGNORE: nothing to answer yet) count for nothing."""
    return F.cross_entropy(out.flatten(0, -2), target.flatten(), ignore_index=-1)


def resolve_objective(loss: str, task: str, n_classes: int, *, n_values: int = 1,
                      per_step: bool = False) -> Objective:
    """Pick head and loss for the task; 'auto' = cross-entropy for classes, MSE for numbers.

    n_values: values a regression predicts per example (a forecast k steps ahead); per_step:
    a class per time step (cross-entropy only; the spec refuses other losses)."""
    if task == "regression":
        name = "mse" if loss == "auto" else loss
        fn = {"mse": F.mse_loss, "huber": F.huber_loss, "tfp_squared": _half_squared}[name]
        return Objective(name, n_values, "linear", fn, classification=False)
    name = "cross_entropy" if loss == "auto" else loss
    if per_step:
        return Objective("cross_entropy", n_classes, "linear", _per_step_cross_entropy,
                         classification=True, per_step=True)
    if name == "tfp_squared":
        return Objective(name, 1, "tanh", _half_squared, classification=True)
    fn = {"cross_entropy": F.cross_entropy, "mse": _softmax_mse, "huber": _softmax_huber}[name]
    return Objective(name, n_classes, "linear", fn, classification=True)


def weighted_loss(objective: Objective, out: Tensor, target: Tensor, w: Tensor) -> Tensor:
    """The batch loss with per-example weights `w` (B,): sum(w_i · l_i) / sum(w_i).
    (Module functions, not Objective methods: the exported standalone script copies the
    Objective class, and it trains without weights.)"""
    return (w * example_losses(objective, out, target)).sum() / w.sum()


def example_weights(objective: Objective, w: np.ndarray | None,
                    device: torch.device) -> Tensor | None:
    """A dataset's training weights as a tensor on `device` (None when it has none);
    SpecError where the loss has no single value per example to weight."""
    if w is None:
        return None
    if objective.per_step:
        raise SpecError("Training weights count whole examples, but this data is scored "
                        "at every time step: re-weighting is not available here.")
    return torch.tensor(w, dtype=torch.float32, device=device)


def example_losses(objective: Objective, out: Tensor, target: Tensor) -> Tensor:
    """The loss of each example, (B,): `objective.loss` without its mean over the batch
    (averaged over an example's outputs, so their plain mean is `objective.loss`)."""
    name = objective.name
    if name == "cross_entropy":
        return F.cross_entropy(out, target, reduction="none")
    if objective.classification and name != "tfp_squared":
        out = out.softmax(dim=1)                # softmax-MSE / softmax-Huber compare probabilities
    if name == "huber":
        per = F.huber_loss(out, target, reduction="none")
    else:
        per = F.mse_loss(out, target, reduction="none") * (0.5 if name == "tfp_squared" else 1.0)
    return per.flatten(1).mean(dim=1)


def make_optimizer(params: list[nn.Parameter], spec: TrainSpec) -> torch.optim.Optimizer:
    """A fresh optimizer. foreach=False: faster for the tiny tensors of a playground net."""
    opt, lr, m = spec.optimizer, spec.lr, spec.momentum
    if opt in ("sgd", "momentum", "nesterov"):
        momentum = 0.0 if opt == "sgd" else m
        return torch.optim.SGD(params, lr=lr, momentum=momentum,
                               nesterov=opt == "nesterov" and momentum > 0, foreach=False)
    if opt == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(m, 0.999), foreach=False)
    if opt == "adamw":
        return torch.optim.AdamW(params, lr=lr, betas=(m, 0.999), foreach=False)
    return torch.optim.RMSprop(params, lr=lr, foreach=False)


def set_hyperparameters(optimizer: torch.optim.Optimizer, spec: TrainSpec, lr: float) -> None:
    """Change learning rate and momentum in place: the weights and the optimizer's memory stay."""
    for group in optimizer.param_groups:
        group["lr"] = lr
        if "betas" in group:
            group["betas"] = (spec.momentum, group["betas"][1])
        elif isinstance(optimizer, torch.optim.SGD) and spec.optimizer != "sgd":
            group["momentum"] = spec.momentum
            group["nesterov"] = spec.optimizer == "nesterov" and spec.momentum > 0


def lr_at(spec: TrainSpec, epoch: int) -> float:
    """The learning rate for `epoch` under the schedule (cosine restarts when unlimited)."""
    if spec.schedule == "step":
        return spec.lr * 0.5 ** (epoch // spec.step_size)
    if spec.schedule == "cosine":
        period = spec.epochs if spec.epochs > 0 else spec.step_size
        t = (epoch % period) / period if spec.epochs == 0 else min(epoch / period, 1.0)
        return spec.lr * 0.5 * (1 + math.cos(math.pi * t))
    return spec.lr
