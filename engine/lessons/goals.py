"""Checking a lesson's goal on a live run: named measures of the trainer, one event, a latch.

The live fragment calls `Watch.observe` once per frame under the session lock, so it reads only
what is cheap: the trainer's last scores and settings, the history rows since the last frame
(for the "diverged" event) and, when a check asks for dead ReLUs, the layer record's last row.
A goal is met when every check holds at the same moment; from then on it stays met.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Callable, Mapping

import numpy as np

from engine.lessons.lesson import METRICS, Check, Lesson, describe, format_value
from engine.spec.experiment import AUGMENTATIONS

if TYPE_CHECKING:
    from engine.record.recorder import Recorder
    from engine.train.trainer import Trainer

BLOWUP = 3.0        # a training loss 3× its value at the start of the run has blown up: a
                    # learning run only goes down from there, a too-large step sends it far up
WEIGHTED = ("dense", "conv2d", "residual")   # the layers of neurons a student counts


def _layers(t: "Trainer"):
    return t.experiment.model.layers


def _neurons(t: "Trainer") -> int:
    return sum(layer.channels if layer.kind == "conv2d" else layer.units
               for layer in _layers(t) if layer.kind in WEIGHTED)


JITTER_EPOCHS = 10  # the "jitter" metric averages the test loss's jumps over this many epochs


def _jitter(t: "Trainer") -> float:
    """Mean absolute change of the test loss between the last JITTER_EPOCHS + 1 rows (nan
    until there are that many: a calm curve needs time to show it is calm)."""
    losses = t.history.column("test_loss")[-(JITTER_EPOCHS + 1):]
    if len(losses) <= JITTER_EPOCHS:
        return math.nan
    return float(np.abs(np.diff(losses)).mean())


def _dead(r: "Recorder | None") -> float:
    row = r.layers.latest("dead") if r is not None else None
    if row is None or not np.isfinite(row).any():
        return 0.0
    return float(np.nanmax(row))


def _gan(t, method: str) -> float:
    """A GanTrainer's measure (NaN, which never holds, on another lab's trainer)."""
    measure = getattr(t, method, None)
    return measure() if measure is not None else math.nan


def _rate_balance(t) -> float:
    """A GanTrainer's D learning rate over G's (NaN on another lab's trainer)."""
    spec = getattr(t, "spec", None)
    if not (hasattr(spec, "d_lr") and hasattr(spec, "g_lr")) or not spec.g_lr:
        return math.nan
    return spec.d_lr / spec.g_lr


def _lead(t) -> float:
    """Compare mode: run B's test accuracy minus run A's (NaN outside compare mode)."""
    rival = getattr(t, "rival", None)
    if rival is None:
        return math.nan
    return t.metrics.test_acc - rival.metrics.test_acc


Measure = Callable[["Trainer", "Recorder | None"], float]
MEASURES: Mapping[str, Measure] = MappingProxyType({
    "test_acc": lambda t, r: t.metrics.test_acc,
    "train_acc": lambda t, r: t.metrics.train_acc,
    "test_loss": lambda t, r: t.metrics.test_loss,
    "train_loss": lambda t, r: t.metrics.train_loss,
    "gap": lambda t, r: t.metrics.test_loss - t.metrics.train_loss,
    "jitter": lambda t, r: _jitter(t),
    "epoch": lambda t, r: t.epoch,
    "steps": lambda t, r: t.steps,
    "hidden_layers": lambda t, r: sum(layer.kind in WEIGHTED for layer in _layers(t)),
    "conv_layers": lambda t, r: sum(layer.kind == "conv2d" for layer in _layers(t)),
    "neurons": lambda t, r: _neurons(t),
    "parameters": lambda t, r: sum(p.numel() for p in t.model.parameters() if p.requires_grad),
    "train_examples": lambda t, r: len(t.dataset.x_train),
    "lr": lambda t, r: t.spec.lr,
    "batch_size": lambda t, r: t.spec.batch_size,
    "l2": lambda t, r: t.spec.l2,
    "augmentations": lambda t, r: sum(bool(getattr(getattr(t, "spec", None), n, 0))
                                      for n in AUGMENTATIONS),
    "dropout": lambda t, r: max((x.rate for x in _layers(t) if x.kind == "dropout"),
                                default=0.0),
    "dead_share": lambda t, r: _dead(r),
    "lead_over_a": lambda t, r: _lead(t),
    "modes_covered": lambda t, r: _gan(t, "modes_covered"),
    "js": lambda t, r: _gan(t, "divergence"),
    "d_lr_over_g_lr": lambda t, r: _rate_balance(t),
})


HISTORY = ("epoch", "train_loss", "test_loss", "train_acc", "test_acc")   # per-epoch columns


@dataclass(frozen=True)
class CheckState:
    """One check at this moment: in words, whether it holds, and the measure now."""

    text: str
    ok: bool
    now: str | None          # "73%", "12"; None for an event


@dataclass(frozen=True)
class Progress:
    """The goal at this moment."""

    checks: tuple[CheckState, ...]
    met: bool                # every check held at once, now or earlier
    just_met: bool           # ...for the first time at this observation


def holds(check: Check, value: float) -> bool:
    """A metric check against a value (NaN, e.g. accuracy on regression, never holds)."""
    if not math.isfinite(value):
        return False
    return ((check.at_least is None or value >= check.at_least)
            and (check.at_most is None or value <= check.at_most))


class Watch:
    """Follows one lesson's goal over the runs of one lab; `run` names the trainer's run (it
    changes on Reset and on every rebuild).

    Between two frames a small network trains dozens of epochs, so a goal such as "test loss
    ≤ 0.05 within 10 epochs" is checked on every history row recorded since the last frame,
    not only on the numbers of the moment the frame was drawn.
    """

    def __init__(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.met = False
        self._run: object = None          # the run the rows below belong to
        self._seen = -1.0                 # the last history epoch looked at
        self._blown: tuple[object, int] | None = None   # (run, epoch) of the last blow-up

    def _new_rows(self, t: "Trainer", run: object) -> list[dict[str, float]]:
        """The history rows since the last observation (all of them for a new run)."""
        if run != self._run:
            self._run, self._seen = run, -1.0
        columns = {name: t.history.column(name) for name in HISTORY}
        epochs = columns["epoch"]
        if len(epochs) and epochs[-1] < self._seen:
            self._seen = -1.0             # rewound on the timeline: read the branch again
        fresh = np.flatnonzero(epochs > self._seen)
        if len(epochs):
            self._seen = float(epochs[-1])
        rows = [{name: float(columns[name][i]) for name in HISTORY} for i in fresh]
        for row in rows:
            row["gap"] = row["test_loss"] - row["train_loss"]
        self._note_blowup(t, run, rows, columns["train_loss"])
        return rows

    def _note_blowup(self, t: "Trainer", run: object, rows: list[dict[str, float]],
                     losses: np.ndarray) -> None:
        if self._blown is not None and self._blown[0] == run and t.epoch < self._blown[1]:
            self._blown = None            # rewound to before it: the blow-up is undone
        start = losses[0] if len(losses) else math.nan
        blown = [r["train_loss"] for r in rows
                 if not math.isfinite(r["train_loss"])
                 or (math.isfinite(start) and r["train_loss"] >= BLOWUP * start)]
        if t.status == "diverged" or blown:
            self._blown = (run, t.epoch)

    def _holds(self, check: Check, values: dict[str, float], run: object) -> bool:
        if check.event is not None:
            return self._blown is not None and self._blown[0] == run
        return holds(check, values[check.metric])

    def observe(self, t: "Trainer", r: "Recorder | None", run: object) -> Progress:
        """The goal now (call under the session lock: it reads the trainer)."""
        rows = self._new_rows(t, run)
        needed = {c.metric for c in self.lesson.checks if c.metric is not None}
        now = {name: float(MEASURES[name](t, r)) for name in needed}
        states = []
        for check in self.lesson.checks:
            value = now.get(check.metric, math.nan) if check.metric else math.nan
            shown = (None if check.event is not None else format_value(check.metric, value)
                     if math.isfinite(value) else "n/a")
            states.append(CheckState(describe(check), self._holds(check, now, run), shown))
        moments = [now] + [{**now, **{k: v for k, v in row.items() if k in needed}}
                           for row in rows]
        now_met = any(all(self._holds(c, m, run) for c in self.lesson.checks) for m in moments)
        just = now_met and not self.met
        self.met = self.met or now_met
        return Progress(tuple(states), self.met, just)
