"""Run B of a comparison, written as what it changes in run A.

Compare mode trains two experiments on the same data. Storing B as its differences from A
(the same short URL keys as a link, prefixed "b_") keeps the link short, lets a change to A
that B did not override carry over to B, and gives the table of differences for free. The data
itself cannot differ: both runs must see the same points for the comparison to mean anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from engine.spec.experiment import Experiment
from engine.spec.fields import FIELDS, MODEL_URL_KEY

PREFIX = "b_"                    # run B's keys in a link: b_lr=0.3, b_net=dense:8:relu
MAX_VALUE = 400                  # characters of one override a link may carry


@dataclass(frozen=True)
class SpecKind:
    """What compare mode needs of a kind of spec: which link keys run B may change, how each
    is called, and how a spec is read from link parameters on top of run A's."""

    overridable: frozenset[str]
    labels: Mapping[str, str]
    read: Callable[[dict[str, Any], Any], tuple[Any, list[str]]]   # (params, base) -> spec


# An Experiment's run B may change the network, its inputs, and how it is trained (never the
# data). The input features count as the network's: B reads the same points through others.
OVERRIDABLE = frozenset({f.url for f in FIELDS if f.section == "train"} | {MODEL_URL_KEY, "feat"})
LABELS = {**{f.url: f.label for f in FIELDS}, MODEL_URL_KEY: "Hidden layers"}
EXPERIMENT = SpecKind(OVERRIDABLE, LABELS,
                      lambda params, base: Experiment.from_query(params, base=base))


def overrides_between(a, b, kind: SpecKind = EXPERIMENT) -> dict[str, str]:
    """The URL keys whose values differ from A to B (only the ones B may change)."""
    qa, qb = a.to_query(), b.to_query()
    keys = (set(qa) | set(qb)) & kind.overridable
    return {key: qb[key] for key in sorted(keys) if key in qb and qa.get(key) != qb[key]}


def with_overrides(a, overrides: Mapping[str, str],
                   kind: SpecKind = EXPERIMENT) -> tuple[Any, list[str]]:
    """Run B: A with `overrides` applied, leniently (each repair comes back as a note)."""
    params = a.to_query()
    notes = [f"Run B cannot change {key!r} (only the network and its training); ignored."
             for key in overrides if key not in kind.overridable]
    params.update({key: value for key, value in overrides.items() if key in kind.overridable})
    b, repairs = kind.read(params, a)
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


def differences(a, b, kind: SpecKind = EXPERIMENT) -> list[tuple[str, str, str]]:
    """(setting, A's value, B's value) for every setting B changes, in the form a link shows."""
    qa, qb = a.to_query(), b.to_query()
    return [(kind.labels.get(key, key), qa.get(key, "off"), qb.get(key, "off"))
            for key in sorted(set(qa) | set(qb)) if qa.get(key) != qb.get(key)]
