"""Fine-tune the shared source model on a few target examples, next to the same net trained
from scratch: same examples, same seed, same number of steps, same new head.

`fine_tune_setup` is the recipe: a fresh model of the target's size, every layer but the head
copied from the source, the frozen layers' parameters set `requires_grad=False` and left out
of the optimizer (so their bits cannot change), a new head for the target classes. The
scratch model is the same net with the same seeded initial weights and nothing copied.
Everything random comes from generators seeded with `seed` (never torch's global RNG), so a
comparison is reproducible and two sessions asking for the same one get the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import nn

from engine.data import Dataset, take_train
from engine.transfer.source import (LR, SOURCE_CLASSES, TARGET_CLASSES, SourceModel, accuracy,
                                    fit, new_model, task)

HEAD = "head"
STEPS = 200                 # Adam steps per run, whatever the number of examples
EVERY = 10                  # test accuracy recorded every this many steps
SIZES = (5, 10, 20, 50)     # examples per class in the sweep
SWEEP_SEEDS = (0, 1, 2)
BODY_LRS = (1.0, 0.3, 0.1)  # "discriminative" learning rates: copied layers at LR × this


def layer_names(model: nn.Module) -> list[str]:
    """The layers with weights, head excluded: the ones a student may freeze."""
    return [name for name, child in model.named_children()
            if name != HEAD and any(True for _ in child.parameters())]


def target_task(per_class: int) -> Dataset:
    """The target digits with `per_class` training examples of each; test set: all of theirs."""
    ds = task(TARGET_CLASSES)
    return take_train(ds, per_class * len(TARGET_CLASSES))


def fine_tune_setup(source: SourceModel, n_classes: int, frozen: tuple[str, ...],
                    seed: int) -> tuple[nn.Sequential, list[nn.Parameter]]:
    """The target model (source weights in every layer but a new head) and the parameters to
    train; frozen layers have requires_grad False and are not among them."""
    model = new_model(n_classes, seed)            # the new head's weights come from the seed
    mine = source.weights()                       # a copy: the shared weights stay as they are
    body = {k: v for k, v in mine.items() if not k.startswith(HEAD + ".")}
    missing, _ = model.load_state_dict(body, strict=False)
    assert all(k.startswith(HEAD + ".") for k in missing), missing
    unknown = set(frozen) - set(layer_names(model))
    if unknown:
        raise ValueError(f"No layer with weights named {sorted(unknown)}.")
    for name, child in model.named_children():
        for p in child.parameters():
            p.requires_grad_(name not in frozen)
    return model, [p for p in model.parameters() if p.requires_grad]


def param_groups(model: nn.Sequential, params: list[nn.Parameter],
                 body_lr: float) -> list[dict]:
    """Optimizer groups: the copied layers' trainable parameters at LR × body_lr, the new
    head at LR (discriminative learning rates; body_lr=1 is plain fine-tuning)."""
    head = {id(p) for p in getattr(model, HEAD).parameters()}
    groups = [{"params": [p for p in params if id(p) not in head], "lr": LR * body_lr},
              {"params": [p for p in params if id(p) in head], "lr": LR}]
    return [g for g in groups if g["params"]]


@torch.no_grad()
def feature_maps(model: nn.Sequential, image: np.ndarray) -> tuple[tuple[str, np.ndarray], ...]:
    """Every image-shaped layer output (name, (C, H, W) numpy) for one input (C, H, W)."""
    was = model.training
    model.eval()
    try:
        x, out = torch.tensor(image[None]), []
        for name, child in model.named_children():
            x = child(x)
            if x.dim() == 4:
                out.append((name, x[0].numpy().copy()))
        return tuple(out)
    finally:
        model.train(was)


@dataclass(frozen=True)
class Comparison:
    """Fine-tuned versus from scratch on one target set (numpy out)."""

    per_class: int
    frozen: tuple[str, ...]
    seed: int
    body_lr: float                    # copied layers learn at LR × this
    steps: np.ndarray                 # steps at which the test accuracy was recorded
    transfer_acc: np.ndarray          # test accuracy of the fine-tuned model at those steps
    scratch_acc: np.ndarray
    filters_source: np.ndarray        # first conv layer's kernels (out, in, kh, kw) before...
    filters_tuned: np.ndarray         # ...and after fine-tuning (equal when L1 is frozen)
    filters_scratch: np.ndarray       # the scratch model's, after training
    image: np.ndarray                 # one test image (C, H, W) ...
    label: int                        # ... its class (index into the target classes) ...
    maps: tuple[tuple[str, np.ndarray], ...]   # ... and the fine-tuned model's feature maps

    @property
    def gap(self) -> float:
        return float(self.transfer_acc[-1] - self.scratch_acc[-1])


def compare(source: SourceModel, per_class: int, frozen: tuple[str, ...], seed: int = 0, *,
            body_lr: float = 1.0, steps: int = STEPS, every: int = EVERY,
            progress: Callable[[float], None] | None = None,
            cancelled: Callable[[], bool] = lambda: False) -> Comparison:
    """Train both models on the same `per_class` examples per target class, same seed."""
    ds = target_task(per_class)
    x, y = torch.tensor(ds.x_train), torch.tensor(ds.y_train)
    xt, yt = torch.tensor(ds.x_test), torch.tensor(ds.y_test)
    tuned, params = fine_tune_setup(source, len(TARGET_CLASSES), frozen, seed)
    scratch = new_model(len(TARGET_CLASSES), seed)
    half = (lambda s: progress(s / 2)) if progress else None
    rest = (lambda s: progress(0.5 + s / 2)) if progress else None
    curve_t = fit(tuned, param_groups(tuned, params, body_lr), x, y, steps, seed, every=every,
                  progress=half,
                  score=lambda: accuracy(tuned, xt, yt), cancelled=cancelled)
    curve_s = fit(scratch, list(scratch.parameters()), x, y, steps, seed, every=every,
                  progress=rest, score=lambda: accuracy(scratch, xt, yt), cancelled=cancelled)
    n = min(len(curve_t), len(curve_s))
    return Comparison(per_class, tuple(frozen), seed, body_lr,
                      np.array([s for s, _ in curve_t[:n]]),
                      np.array([a for _, a in curve_t[:n]]),
                      np.array([a for _, a in curve_s[:n]]),
                      source.first_filters(),
                      tuned.L1.weight.detach().numpy().copy(),
                      scratch.L1.weight.detach().numpy().copy(),
                      ds.x_test[0].copy(), int(ds.y_test[0]), feature_maps(tuned, ds.x_test[0]))


@dataclass(frozen=True)
class Sweep:
    """Final test accuracy against examples per class, mean over seeds."""

    sizes: tuple[int, ...]
    transfer_acc: np.ndarray          # (sizes, seeds)
    scratch_acc: np.ndarray
    seconds: float

    @property
    def gaps(self) -> np.ndarray:
        return self.transfer_acc.mean(1) - self.scratch_acc.mean(1)


def sweep(source: SourceModel, frozen: tuple[str, ...], *, body_lr: float = 1.0,
          sizes: tuple[int, ...] = SIZES,
          seeds: tuple[int, ...] = SWEEP_SEEDS, steps: int = STEPS,
          progress: Callable[[float], None] | None = None,
          cancelled: Callable[[], bool] = lambda: False) -> Sweep:
    """`compare` at every size and seed (final accuracies only)."""
    import time
    start = time.perf_counter()
    t = np.full((len(sizes), len(seeds)), np.nan)
    s = np.full_like(t, np.nan)
    runs, done = len(sizes) * len(seeds), 0
    for i, k in enumerate(sizes):
        for j, seed in enumerate(seeds):
            if cancelled():
                break
            c = compare(source, k, frozen, seed, body_lr=body_lr, steps=steps, every=steps,
                        cancelled=cancelled)
            t[i, j], s[i, j] = c.transfer_acc[-1], c.scratch_acc[-1]
            done += 1
            if progress is not None:
                progress(done / runs)
    return Sweep(tuple(sizes), t, s, time.perf_counter() - start)


__all__ = ["SOURCE_CLASSES", "TARGET_CLASSES", "Comparison", "Sweep", "compare",
           "fine_tune_setup", "layer_names", "param_groups", "sweep", "target_task"]
