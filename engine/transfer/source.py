"""The source model of transfer learning: a small conv net trained on digits 5–9, once.

Choice (issue #15): the app trains it itself instead of shipping a weights file. On the 8×8
digits it takes about a second on one CPU core, so there is nothing to download, no binary in
the repository, and nothing to keep in step when the stack changes. The page trains it the
first time a server needs it (with a progress bar) and shares the result between sessions.

Shared means read-only: `SourceModel` keeps its tensors to itself (cloned in, behind a
read-only mapping) and hands out only fresh copies (`weights()`), so a session fine-tuning its
own copy can never change what the next session starts from. `fingerprint` lets a test (or a
suspicious instructor) check that.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np
import torch
from torch import nn

from engine.data import Dataset, load_data, only_classes
from engine.model.build import LayerRow, build_model, plan_model
from engine.model.init import init_weights
from engine.spec import ModelSpec, layers_from_text
from engine.spec.presets import DATA_DEFAULTS, DEFAULT_PRESET, IMAGE_PRESETS
from engine.train.stepping import clear_grads, optimizer_step

DATASET = "digits"
# Which way round: measured here (tiny LeNet, 200 steps, 8 seeds), 5–9 -> 0–4 transfers (at
# 10 examples per class 98.0% fine-tuned vs 96.3% from scratch, ahead in 6 of 8 seeds) while
# 0–4 -> 5–9 does not (87–90% fine-tuned vs 90–91% from scratch). Why is not measured; the
# margin is small either way because 8×8 digits are easy to learn from scratch.
SOURCE_CLASSES = (5, 6, 7, 8, 9)          # what the source model learns
TARGET_CLASSES = (0, 1, 2, 3, 4)          # what it is fine-tuned on, from few examples
STACK = IMAGE_PRESETS[DEFAULT_PRESET].layers   # the image lab's default conv stack
SOURCE_SEED = 0
SOURCE_STEPS = 600                         # Adam steps of 32 images: ~30 epochs of 5–9
LR = 0.005                                 # the image lab's default (Adam)
BATCH = 32

Progress = Callable[[float], None]


def model_spec() -> ModelSpec:
    return ModelSpec(layers_from_text(STACK))


def plan() -> list[LayerRow]:
    """The transfer stack's rows (name, kind, description, shape, parameters), head included."""
    return plan_model(model_spec(), (1, 8, 8), len(TARGET_CLASSES))[1:]


def new_model(n_classes: int, seed: int) -> nn.Sequential:
    """The transfer stack (children L1..Ln and 'head') with seeded initial weights."""
    model = build_model(model_spec(), (1, 8, 8), n_classes)
    init_weights(model, "torch", torch.Generator().manual_seed(seed))
    return model


def task(classes: tuple[int, ...]) -> Dataset:
    """The digits split cut down to `classes` (relabelled 0..k-1); test set: all of theirs."""
    return only_classes(load_data(DATA_DEFAULTS[DATASET]), classes)


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    was = model.training
    model.eval()
    try:
        return float((model(x).argmax(1) == y).float().mean())
    finally:
        model.train(was)


def fit(model: nn.Module, params: list, x: torch.Tensor, y: torch.Tensor,
        steps: int, seed: int, *, lr: float = LR, every: int = 0,
        score: Callable[[], float] | None = None, progress: Progress | None = None,
        cancelled: Callable[[], bool] = lambda: False) -> list[tuple[int, float]]:
    """`steps` Adam steps on shuffled batches of (x, y), updating only `params` (parameters, or
    optimizer groups with their own learning rates); every
    `every` steps (and at 0 and the end) `score()` is recorded as (step, value).

    The shuffle comes from a generator seeded with `seed`: never torch's global one."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(params, lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    batch = min(BATCH, len(x))
    curve = [(0, score())] if score is not None and every else []
    order, at = torch.randperm(len(x), generator=gen), 0
    model.train()
    for step in range(1, steps + 1):
        if at + batch > len(order):
            order, at = torch.randperm(len(x), generator=gen), 0
        idx = order[at:at + batch]
        at += batch
        clear_grads(opt)
        loss_fn(model(x[idx]), y[idx]).backward()
        optimizer_step(opt)
        if score is not None and every and (step % every == 0 or step == steps):
            curve.append((step, score()))
        if progress is not None and step % 20 == 0:
            progress(step / steps)
        if step % 10 == 0 and cancelled():
            break
    return curve


@dataclass(frozen=True, eq=False)
class SourceModel:
    """Trained source weights (read-only), and how they were made."""

    _weights: Mapping[str, torch.Tensor]
    classes: tuple[int, ...]
    test_acc: float                  # on the test digits of `classes`
    seconds: float                   # training time
    steps: int

    def weights(self) -> dict[str, torch.Tensor]:
        """A fresh copy of every tensor: a session's own, to load and train."""
        return {k: v.clone() for k, v in self._weights.items()}

    def first_filters(self) -> np.ndarray:
        """The first conv layer's kernels (out, in, kh, kw) as numpy."""
        return self._weights["L1.weight"].numpy().copy()

    @property
    def fingerprint(self) -> str:
        """A hash of every weight's bytes: equal before and after any number of fine-tunes."""
        h = hashlib.sha256()
        for k in sorted(self._weights):
            h.update(k.encode())
            h.update(self._weights[k].numpy().tobytes())
        return h.hexdigest()


def train_source(progress: Progress | None = None, *, steps: int = SOURCE_STEPS,
                 seed: int = SOURCE_SEED) -> SourceModel:
    """Train the stack on the source digits for a fixed number of steps (deterministic per seed)."""
    start = time.perf_counter()
    ds = task(SOURCE_CLASSES)
    x, y = torch.tensor(ds.x_train), torch.tensor(ds.y_train)
    model = new_model(len(SOURCE_CLASSES), seed)
    fit(model, list(model.parameters()), x, y, steps, seed, progress=progress)
    acc = accuracy(model, torch.tensor(ds.x_test), torch.tensor(ds.y_test))
    weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
    if progress is not None:
        progress(1.0)
    return SourceModel(MappingProxyType(weights), SOURCE_CLASSES, acc,
                       time.perf_counter() - start, steps)
