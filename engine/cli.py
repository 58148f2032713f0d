"""Headless training: `python -m engine train --experiment FILE.json [--epochs N]`.

Prints one JSON line of final metrics, so scripts and CI can train an experiment without the
UI. A bad file or experiment gets a one-line error on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from engine.data import DatasetError
from engine.spec.fields import SpecError
from engine.train.runtime import configure_torch
from engine.spec.experiment import Experiment

DEFAULT_EPOCHS = 100


def _number(v: float) -> float | None:
    return v if math.isfinite(v) else None


def train_command(path: Path, epochs: int | None) -> dict:
    """Train the experiment in `path` and return its final metrics."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"Cannot read {path}: {exc}") from None
    exp = Experiment.from_json(text)
    if epochs is not None:
        exp = exp.replace("train", epochs=epochs)
    elif exp.train.epochs == 0:
        exp = exp.replace("train", epochs=DEFAULT_EPOCHS)
    configure_torch()
    from engine.train.trainer import Trainer  # torch loads only once the file is known to be good

    start = time.perf_counter()
    trainer = Trainer(exp)
    while not trainer.done:
        trainer.run_for(1.0)
    m = trainer.metrics
    return {"status": trainer.status, "epochs": trainer.epoch,
            "train_loss": _number(m.train_loss), "test_loss": _number(m.test_loss),
            "train_accuracy": _number(m.train_acc), "test_accuracy": _number(m.test_acc),
            "seconds": round(time.perf_counter() - start, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine",
                                     description="Train a playground experiment headless.")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train an experiment file and print final metrics")
    train.add_argument("--experiment", required=True, type=Path, help="experiment JSON file")
    train.add_argument("--epochs", type=int, help="epoch limit (overrides the file's)")
    args = parser.parse_args(argv)
    if args.epochs is not None and not 1 <= args.epochs <= 1_000_000:
        print("error: --epochs must be between 1 and 1000000", file=sys.stderr)
        return 2
    try:
        result = train_command(args.experiment, args.epochs)
    except (SpecError, DatasetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0
