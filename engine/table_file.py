"""A CSV table named in an experiment file, for headless training:
`"data": {"dataset": "csv", "path": "people.csv", "target": "label"}`.

The path and the column choices are not experiment fields (a link cannot carry a file), so
they are taken out of the data section before the experiment is read strictly, and the table
goes through the same reading and preparation as an upload on the data lab (size, rows,
columns and categories bounded by LIMITS).
"""
from __future__ import annotations

import json
from pathlib import Path

from engine.data import Dataset, DatasetError, load_csv_table
from engine.spec.fields import SpecError
from engine.spec.limits import LIMITS

CSV_KEYS = ("path", "target", "sensitive")


def split_csv_options(text: str) -> tuple[str, dict[str, str] | None]:
    """The experiment JSON without the CSV keys, and those keys (None when the data is not a
    CSV table); text that is not a JSON object is returned as it is (the strict reader says
    what is wrong with it)."""
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):      # the strict reader words these
        return text, None
    data = raw.get("data") if isinstance(raw, dict) else None
    if not isinstance(data, dict) or data.get("dataset") != "csv":
        return text, None
    options = {key: data.pop(key) for key in CSV_KEYS if key in data}
    if not isinstance(options.get("path"), str) or not options["path"]:
        raise SpecError("A CSV experiment needs the file: \"data\": {\"dataset\": \"csv\", "
                        "\"path\": \"table.csv\", \"target\": \"column to predict\"}.")
    for key in ("target", "sensitive"):
        if key in options and not isinstance(options[key], str):
            raise SpecError(f"data.{key} must be a column name (text).")
    return json.dumps(raw), options


def load_csv_dataset(options: dict[str, str], train_ratio: float, seed: int,
                     base: Path = Path(".")) -> Dataset:
    """Read the file (at most LIMITS' size, plus one byte to know it is larger) and prepare it
    to predict `target` (default: the last column)."""
    path = base / options["path"]
    limit = int(LIMITS["csv_bytes"][1])
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except (OSError, ValueError) as exc:
        raise DatasetError(f"Cannot read {path}: {exc}") from None
    return load_csv_table(data, options.get("target"), options.get("sensitive", ""),
                          train_ratio, seed, LIMITS).dataset
