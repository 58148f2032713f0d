"""The training loop of every exported script: the Trainer's loop, written out flat.

`engine/export/script.py` copies the functions of this module word for word into each script,
after the layer classes, `init_weights`, the batch cutting and the objectives, which it copies
from their own modules: a script and the playground run one source. So these functions use
only the standard library, torch, numpy and those copied names; the imports below give them
the same names here, so the tests can also run them in-process.

What makes a script's curve the playground's, number for number (engine/train/trainer.py):
one `torch.Generator` seeded with the training seed draws the initial weights and then each
epoch's shuffle; dropout masks come from a second one seeded with seed + 1; every epoch is
cut into the same batches, scored in eval mode (when the network has dropout or batch norm)
on at most EVAL_LIMIT examples per split, in chunks of EVAL_CHUNK.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from engine.model.cost import EVAL_CHUNK, EVAL_LIMIT  # a script sets its network's own
from engine.model.init import init_weights
from engine.model.layers import Dropout
from engine.train.augment import augment_batch, augmenting
from engine.train.batches import cut_batches
from engine.train.objectives import (Objective, lr_at, make_optimizer, resolve_objective,
                                     set_hyperparameters)
from engine.train.scoring import score_split

COLUMNS = ("epoch", "train_loss", "test_loss", "train_acc", "test_acc", "lr")
Row = tuple[int, float, float, float, float, float]

__all__ = ["COLUMNS", "evaluate", "train", "print_row", "main", "EVAL_CHUNK", "EVAL_LIMIT"]


@torch.inference_mode()
def evaluate(model: nn.Module, objective: Objective, x: torch.Tensor, y: torch.Tensor,
             labels: torch.Tensor, stateful: bool) -> tuple[float, float]:
    """Mean loss (without the L1/L2 penalty) and accuracy on one split, as the playground
    scores an epoch: eval mode if the network has dropout or batch norm, at most EVAL_LIMIT
    examples, in chunks of EVAL_CHUNK."""
    was_training = model.training
    if stateful:
        model.eval()
    try:
        return score_split(model, objective, x, y, labels, EVAL_LIMIT)
    finally:
        model.train(was_training)


def train(model: nn.Module, objective: Objective, arrays: dict[str, np.ndarray], spec: Any,
          epochs: int, report: Callable[[Row], None] = lambda row: None,
          weights: dict[str, torch.Tensor] | None = None, flips: bool = False) -> list[Row]:
    """Initialise `model` from the training seed (or load `weights`), train it for `epochs`
    epochs and return one row per epoch (COLUMNS; row 0: before training), each passed to
    `report` as soon as it is known. Training batches of images are augmented as the spec
    says (mirrored only when `flips`: the dataset allows it). Stops early on the spec's
    patience, or when the loss becomes infinite (the weights of the last good epoch are put
    back)."""
    x_train = torch.tensor(arrays["x_train"], dtype=torch.float32)    # (N, *input_shape)
    y_train = objective.encode_targets(arrays["y_train"])
    x_test = torch.tensor(arrays["x_test"], dtype=torch.float32)
    y_test = objective.encode_targets(arrays["y_test"])
    labels_train = torch.tensor(arrays["y_train"][:EVAL_LIMIT])       # for the accuracy
    labels_test = torch.tensor(arrays["y_test"][:EVAL_LIMIT])

    generator = torch.Generator().manual_seed(spec.seed)    # initial weights, then shuffles
    init_weights(model, spec.init, generator)
    if weights is not None:
        model.load_state_dict(weights)
    dropout_generator = torch.Generator().manual_seed(spec.seed + 1)   # dropout masks
    for m in model.modules():
        if isinstance(m, Dropout):
            m.generator = dropout_generator
    augment_generator = torch.Generator().manual_seed(spec.seed + 2)  # augmentation draws
    augment = x_train.dim() == 4 and augmenting(spec)
    batch_norm = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())
    stateful = batch_norm or any(isinstance(m, Dropout) for m in model.modules())
    penalised = [p for p in model.parameters() if p.dim() > 1]   # L1/L2: weights, not biases
    state = list(model.parameters()) + list(model.buffers())
    last_good = [t.detach().clone() for t in state]
    optimizer = make_optimizer(list(model.parameters()), spec)

    def score(epoch: int) -> Row:
        train_loss, train_acc = evaluate(model, objective, x_train, y_train, labels_train,
                                         stateful)
        test_loss, test_acc = evaluate(model, objective, x_test, y_test, labels_test, stateful)
        return epoch, train_loss, test_loss, train_acc, test_acc, lr_at(spec, epoch)

    rows = [score(0)]
    report(rows[0])
    best, since_best = math.inf, 0
    for epoch in range(epochs):
        order = torch.randperm(len(x_train), generator=generator)
        batches = cut_batches(x_train[order], y_train[order], spec.batch_size, batch_norm)
        set_hyperparameters(optimizer, spec, lr_at(spec, epoch))
        model.train()
        for xb, yb in batches:
            if augment:                  # a new random version of the batch, every step
                xb = augment_batch(xb, spec, augment_generator, flips)
            optimizer.zero_grad(set_to_none=True)
            loss = objective.loss(model(xb), yb)
            if spec.l1:
                loss = loss + spec.l1 * sum(w.abs().sum() for w in penalised)
            if spec.l2:
                loss = loss + 0.5 * spec.l2 * sum(w.pow(2).sum() for w in penalised)
            loss.backward()
            optimizer.step()
        row = score(epoch + 1)
        if not (math.isfinite(row[1]) and math.isfinite(row[2])):
            with torch.no_grad():
                torch._foreach_copy_(state, last_good)
            print(f"The loss became infinite or not-a-number in epoch {epoch + 1}: the steps "
                  f"are too big (lower the learning rate). The weights of epoch {epoch} were "
                  "kept.", file=sys.stderr)
            break
        with torch.no_grad():
            torch._foreach_copy_(last_good, state)
        rows.append(row)
        report(row)
        if spec.patience:
            if row[2] < best - 1e-6:
                best, since_best = row[2], 0
            else:
                since_best += 1
                if since_best >= spec.patience:
                    print(f"Stopped early at epoch {epoch + 1}: the test loss has not improved "
                          f"for {spec.patience} epochs.", file=sys.stderr)
                    break
    return rows


def print_row(row: Row) -> None:
    """One epoch as a line of the table main() prints: every number in full (repr), so two
    runs can be compared digit for digit."""
    print("  ".join(str(row[0]).rjust(5) if i == 0 else repr(float(v)).ljust(22)
                    for i, v in enumerate(row)).rstrip())


def main(build_model: Callable[[], nn.Module], spec: Any, task: str, n_classes: int,
         data_file: Path, default_epochs: int, argv: list[str] | None = None,
         n_values: int = 1, per_step: bool = False, flips: bool = False) -> None:
    """The command line: read the data, build, train and print the loss per epoch."""
    parser = argparse.ArgumentParser(description="Train the exported experiment and print "
                                     "its loss and accuracy per epoch.")
    parser.add_argument("--epochs", type=int, default=default_epochs,
                        help=f"epochs to train (default: {default_epochs})")
    parser.add_argument("--data", type=Path, default=data_file,
                        help=f"the data file (default: {data_file.name} beside this script)")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's)")
    parser.add_argument("--load-weights", type=Path, metavar="FILE.pt",
                        help="start from saved weights (the playground's download, or "
                             "--save-weights) instead of the seed's")
    parser.add_argument("--save-weights", type=Path, metavar="FILE.pt",
                        help="save the trained weights (a state_dict) here")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if not args.data.is_file():
        sys.exit(f"error: cannot find the data file {args.data}; keep it beside this script "
                 "or pass --data FILE.npz")
    with np.load(args.data, allow_pickle=False) as npz:        # arrays only, never objects
        arrays = {name: npz[name] for name in ("x_train", "y_train", "x_test", "y_test")}
    weights = None
    if args.load_weights is not None:
        weights = torch.load(args.load_weights, map_location="cpu", weights_only=True)
    model = build_model()
    objective = resolve_objective(spec.loss, task, n_classes, n_values=n_values,
                                  per_step=per_step)
    print(model)
    print(f"data: {len(arrays['x_train'])} training and {len(arrays['x_test'])} test examples; "
          f"{sum(p.numel() for p in model.parameters()):,} parameters")
    print("  ".join(c.rjust(5) if i == 0 else c.ljust(22) for i, c in enumerate(COLUMNS)).rstrip())
    train(model, objective, arrays, spec, args.epochs, report=print_row, weights=weights,
          flips=flips)
    if args.save_weights is not None:
        torch.save(model.state_dict(), args.save_weights)
        print(f"saved the weights to {args.save_weights}")
