"""Headless training and export.

`python -m engine train --experiment FILE.json [--epochs N] [--threads N]` prints one JSON line
of final metrics (and the torch thread count it used), so scripts and CI can train an
experiment without the UI. `python -m engine export --experiment FILE.json --script OUT.py`
writes the standalone PyTorch script a lab page downloads, with its data as OUT.npz beside it,
and prints one JSON line naming both. A bad file, experiment or option gets a one-line error
on stderr and exit code 2. Training uses every core by default: one thread suits a shared
server (the app), not a workstation running one experiment.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import stat
import sys
import time
from pathlib import Path

from engine.data import DatasetError
from engine.export.opening import MAX_EXPERIMENT_BYTES
from engine.spec.fields import SpecError
from engine.spec.experiment import Experiment

DEFAULT_EPOCHS = 100
MAX_FILE_BYTES = MAX_EXPERIMENT_BYTES   # a few KB; /dev/zero or a 50 MB file is not one


def _number(v: float) -> float | None:
    return v if math.isfinite(v) else None


def default_threads() -> int:
    return os.cpu_count() or 1


def max_threads() -> int:
    return default_threads() * 4


def read_experiment_file(path: Path) -> str:
    """The text of an experiment file, read with a bound: at most MAX_FILE_BYTES + 1 bytes ever
    leave the file, so /dev/zero, a pipe or a huge file costs 1 MB, not all the memory. A pipe
    (`--experiment <(jq ...)`, /dev/stdin) is read like a file; a directory is refused."""
    try:
        with open(path, "rb") as fh:
            info = os.fstat(fh.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise SpecError(f"{path} is a directory, not an experiment file.")
            if stat.S_ISREG(info.st_mode) and info.st_size > MAX_FILE_BYTES:
                raise SpecError(f"{path} is {info.st_size:,} bytes; an experiment file is at "
                                f"most {MAX_FILE_BYTES:,}. Is it the right file?")
            data = fh.read(MAX_FILE_BYTES + 1)
    except SpecError:
        raise
    except IsADirectoryError:
        raise SpecError(f"{path} is a directory, not an experiment file.") from None
    except (OSError, ValueError) as exc:           # ValueError: a NUL byte in the path
        raise SpecError(f"Cannot read {path}: {exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise SpecError(f"{path} is larger than {MAX_FILE_BYTES:,} bytes; an experiment file "
                        "is a few KB. Is it the right file?")
    try:
        return data.decode("utf-8-sig")            # a BOM (Windows editors) is not an error
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                        f"{exc.start}); an experiment file is JSON.") from None


def train_command(path: Path, epochs: int | None, threads: int | None = None) -> dict:
    """Train the experiment in `path` on `threads` torch threads (default: every core)."""
    from engine.table_file import load_csv_dataset, split_csv_options

    text, csv_options = split_csv_options(read_experiment_file(path))
    exp = Experiment.from_json(text)
    dataset = None
    if csv_options is not None:        # a table file: read it beside the experiment file
        dataset = load_csv_dataset(csv_options, exp.data.train_ratio, exp.data.seed,
                                   base=path.parent)
    if epochs is not None:
        exp = exp.replace("train", epochs=epochs)
    elif exp.train.epochs == 0:
        exp = exp.replace("train", epochs=DEFAULT_EPOCHS)
    import torch  # torch (1.5 s, 200 MB) loads only once the file is known to be good

    from engine.train.runtime import configure_torch
    from engine.train.trainer import Trainer

    configure_torch(threads or default_threads())

    start = time.perf_counter()
    trainer = Trainer(exp, dataset=dataset)
    while not trainer.done:
        trainer.run_for(1.0)
    m = trainer.metrics
    return {"status": trainer.status, "epochs": trainer.epoch,
            "train_loss": _number(m.train_loss), "test_loss": _number(m.test_loss),
            "train_accuracy": _number(m.train_acc), "test_accuracy": _number(m.test_acc),
            "seconds": round(time.perf_counter() - start, 3),
            "threads": torch.get_num_threads()}


def export_command(path: Path, script: Path) -> dict:
    """Write the standalone script for the experiment in `path` to `script`, and its data
    beside it (same name, .npz)."""
    exp = Experiment.from_json(read_experiment_file(path))
    data = script.with_suffix(".npz")
    if script.suffix.lower() == ".npz" or path.resolve() in (script.resolve(), data.resolve()):
        raise SpecError(f"Writing {script} and {data} would overwrite "
                        f"{'the data file' if script == data else path}; name the script "
                        "something else, such as train.py.")
    from engine.data import load_data
    from engine.export.files import data_npz
    from engine.export.script import script_text

    dataset = load_data(exp.data)
    _write(script, script_text(exp, dataset, data_file=data.name,
                               script_file=script.name).encode())
    _write(data, data_npz(dataset))
    return {"script": str(script), "data": str(data), "dataset": exp.data.dataset,
            "training_examples": len(dataset.x_train), "test_examples": len(dataset.x_test)}


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:                 # a missing folder, a directory, no permission
        raise SpecError(f"Cannot write {path}: {exc.strerror or exc}") from None


class _OneLineParser(argparse.ArgumentParser):
    """Bad options get the same one `error:` line and exit code 2 as bad files (not usage)."""

    def error(self, message: str):
        print(f"error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    parser = _OneLineParser(prog="python -m engine",
                            description="Train or export a playground experiment "
                                        "headless.")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train an experiment file and print final metrics")
    train.add_argument("--experiment", required=True, type=Path, help="experiment JSON file")
    train.add_argument("--epochs", type=int, help="epoch limit (overrides the file's)")
    train.add_argument("--threads", metavar="N",
                       help=f"torch threads (default: every core, {default_threads()}; "
                            f"at most {max_threads()})")
    export = sub.add_parser("export", help="write a standalone PyTorch script (and its data "
                                           "as .npz beside it) for an experiment file")
    export.add_argument("--experiment", required=True, type=Path, help="experiment JSON file")
    export.add_argument("--script", required=True, type=Path,
                        help="the script to write (its data goes to the same name, .npz)")
    args = parser.parse_args(argv)
    if args.command == "export":
        return _report(lambda: export_command(args.experiment, args.script))
    if args.epochs is not None and not 1 <= args.epochs <= 1_000_000:
        print("error: --epochs must be between 1 and 1000000", file=sys.stderr)
        return 2
    threads = None
    if args.threads is not None:        # checked here, not by argparse: one line, not usage
        threads = int(args.threads) if args.threads.strip().isdecimal() else 0
        if not 1 <= threads <= max_threads():
            print(f"error: --threads must be a whole number from 1 to {max_threads()} "
                  f"(4 x this machine's {default_threads()} cores); got {args.threads!r}",
                  file=sys.stderr)
            return 2
    return _report(lambda: _train_any(args.experiment, args.epochs, threads))


def _train_any(path: Path, epochs: int | None, threads: int | None) -> dict:
    """A GAN experiment file ({"lab": "gan", ...}) trains in the generative lab's engine;
    any other is a playground experiment (train_command). Only a regular file is looked at
    first: a pipe can be read once, so a piped file is always a playground experiment."""
    from engine.gan.cli import gan_train, is_gan_file

    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        regular = False                    # train_command says what is wrong with the path
    if regular:
        text = read_experiment_file(path)
        if is_gan_file(text):
            return gan_train(text, epochs, threads or default_threads())
    return train_command(path, epochs, threads)


def _report(command) -> int:
    """Run a command: its result as one JSON line (exit 0), or one error line (exit 2)."""
    try:
        result = command()
    except (SpecError, DatasetError) as exc:
        # One line, whatever the message quotes (a path or a JSON key may hold a newline).
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0
