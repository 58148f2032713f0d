"""Run B of a comparison, written as what it changes in run A.

Compare mode trains two experiments on the same data. Storing B as its differences from A
(the same short URL keys as a link, prefixed "b_") keeps the link short, lets a change to A
that B did not override carry over to B, and gives the table of differences for free. The data
itself cannot differ: both runs must see the same points for the comparison to mean anything.
"""
from __future__ import annotations

from typing import Any, Mapping

from engine.spec.experiment import Experiment
from engine.spec.fields import FIELDS, MODEL_URL_KEY

PREFIX = "b_"                    # run B's keys in a link: b_lr=0.3, b_net=dense:8:relu
# What run B may change: the network, its inputs, and how it is trained (never the data).
# The input features count as the network's: B reads the same points through other features.
OVERRIDABLE = frozenset({f.url for f in FIELDS if f.section == "train"} | {MODEL_URL_KEY, "feat"})
LABELS = {**{f.url: f.label for f in FIELDS}, MODEL_URL_KEY: "Hidden layers"}
MAX_VALUE = 400                  # characters of one override a link may carry


def overrides_between(a: Experiment, b: Experiment) -> dict[str, str]:
    """The URL keys whose values differ from A to B (only the ones B may change)."""
    qa, qb = a.to_query(), b.to_query()
    keys = (set(qa) | set(qb)) & OVERRIDABLE
    return {key: qb[key] for key in sorted(keys) if key in qb and qa.get(key) != qb[key]}


def with_overrides(a: Experiment, overrides: Mapping[str, str]) -> tuple[Experiment, list[str]]:
    """Run B: A with `overrides` applied, leniently (each repair comes back as a note)."""
    params = a.to_query()
    notes = [f"Run B cannot change {key!r} (only the network and its training); ignored."
             for key in overrides if key not in OVERRIDABLE]
    params.update({key: value for key, value in overrides.items() if key in OVERRIDABLE})
    b, repairs = Experiment.from_query(params, base=a)
    return b, notes + [f"Run B: {note}" for note in repairs]


def read_overrides(params: Mapping[str, Any]) -> dict[str, str]:
    """Run B's keys from a link's parameters (hostile ones cut to size; unknown ones kept so
    `with_overrides` can say it ignored them)."""
    out: dict[str, str] = {}
    for key, raw in params.items():
        if not (isinstance(key, str) and key.startswith(PREFIX)) or len(out) >= 64:
            continue
        value = raw[-1] if isinstance(raw, (list, tuple)) and raw else raw
        if isinstance(value, str):
            out[key[len(PREFIX):][:40]] = value[:MAX_VALUE]
    return out


def link_params(overrides: Mapping[str, str]) -> dict[str, str]:
    """Run B's keys as they go in a link."""
    return {PREFIX + key: value for key, value in overrides.items()}


def differences(a: Experiment, b: Experiment) -> list[tuple[str, str, str]]:
    """(setting, A's value, B's value) for every setting B changes, in the form a link shows."""
    qa, qb = a.to_query(), b.to_query()
    return [(LABELS.get(key, key), qa.get(key, "off"), qb.get(key, "off"))
            for key in sorted(set(qa) | set(qb)) if qa.get(key) != qb.get(key)]
