"""Two runs side by side: run A and run B on the same data, trained in alternation.

Any two trainers with the Trainer verbs the live loop uses fit (run_for with a batch limit,
step, step_epoch, position, epoch, done): the labs' Trainers and the GAN lab's GanTrainers.

TensorFlow Playground's most requested feature is to compare two settings. A RunPair looks like
one trainer to the shared live loop (the background runner, Step, the lease and the
scheduler's turns), so a lab's compare mode needs no second controller: each turn goes to the
run that is behind in epochs, so both move at the same pace and any difference at a given
epoch comes from their settings, not from one having trained longer. Each Trainer keeps its
own generators, so two runs with the same settings stay identical bit for bit.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from engine.train.trainer import Trainer

SLICES = 4     # a turn of `seconds` is cut into this many slices, each for the run behind


class RunPair:
    """Run A and run B, stepped and trained together (the Trainer verbs the live loop uses)."""

    def __init__(self, a: Trainer, b: Trainer) -> None:
        self.a, self.b = a, b

    @property
    def runs(self) -> tuple[Trainer, Trainer]:
        return self.a, self.b

    # ---- what the live loop and the play bar read ---------------------------------------------
    @property
    def experiment(self):
        return self.a.experiment

    @property
    def done(self) -> bool:
        return self.a.done and self.b.done

    @property
    def epoch(self) -> int:
        return min(t.epoch for t in self._going()) if not self.done else max(self.a.epoch,
                                                                              self.b.epoch)

    @property
    def position(self) -> float:
        return min(t.position for t in self._going()) if not self.done else self.a.position

    @property
    def batches_per_epoch(self) -> int:
        return max(self.a.batches_per_epoch, self.b.batches_per_epoch)

    @property
    def steps(self) -> int:
        return self.a.steps + self.b.steps

    def _going(self) -> list[Trainer]:
        return [t for t in self.runs if not t.done] or list(self.runs)

    def behind(self) -> Trainer:
        """The run to train next: the one that has trained fewer epochs (A on a tie)."""
        return min(self._going(), key=lambda t: t.position)

    # ---- training -----------------------------------------------------------------------------
    def run_for(self, seconds: float, max_batches: int | None = None) -> int:
        """About `seconds` of training: the run behind trains until it is one epoch ahead of
        the other, then the other, so the two never drift apart by more than an epoch (or
        than a slice of the time, for epochs that take longer)."""
        end, ran, piece = time.perf_counter() + seconds, 0, seconds / SLICES
        while not self.done:
            run = self.behind()
            other = self.b if run is self.a else self.a
            lead = other.position + 1 - run.position if not other.done else 1.0
            batches = max(1, math.ceil(lead * run.batches_per_epoch))
            ran += run.run_for(min(piece, max(end - time.perf_counter(), 0.0)), batches)
            if time.perf_counter() >= end or (max_batches is not None and ran >= max_batches):
                break
        return ran

    def step(self, n_batches: int = 1) -> None:
        """`n_batches` batches for each run (Step batch moves both)."""
        for t in self.runs:
            if not t.done:
                t.step(n_batches)

    def step_epoch(self, seconds: float | None = None) -> None:
        """The next epoch of each run, each within half of `seconds`."""
        for t in self.runs:
            if not t.done:
                t.step_epoch() if seconds is None else t.step_epoch(seconds / 2)


@dataclass(frozen=True)
class Verdict:
    """Which run did better on the test data, and by how much."""

    winner: str | None        # "A", "B", or None for a tie
    text: str


@dataclass(frozen=True)
class _Scores:
    test_acc: float
    test_loss: float


def _scores_at(t: Trainer, epoch: int) -> _Scores | None:
    """The run's test scores recorded at the end of `epoch` (None if the bounded history
    thinned that row away)."""
    epochs = t.history.column("epoch")
    rows = (epochs == epoch).nonzero()[0]
    if not len(rows):
        return None
    i = rows[-1]
    return _Scores(float(t.history.column("test_acc")[i]), float(t.history.column("test_loss")[i]))


def verdict(a: Trainer, b: Trainer) -> Verdict:
    """One line for the student: test accuracy for classes (test loss as the tie-break and for
    regression). Compared at the same epoch (the one both reached) where the history has it,
    so a run one epoch ahead when Pause was pressed gains nothing by it."""
    common = min(a.epoch, b.epoch)
    ma, mb = _scores_at(a, common), _scores_at(b, common)
    if ma is None or mb is None:
        ma, mb = a.metrics, b.metrics
        at = (f"at epoch {a.epoch:,}" if a.epoch == b.epoch
              else f"at epochs {a.epoch:,} (A) and {b.epoch:,} (B)")
    else:
        at = f"at epoch {common:,}"
    if a.epoch == 0 and b.epoch == 0:
        return Verdict(None, "Train both runs (Play or Step epoch) to see which does better.")
    classes = a.objective.classification
    if classes and math.isfinite(ma.test_acc) and math.isfinite(mb.test_acc) \
            and round(ma.test_acc, 3) != round(mb.test_acc, 3):
        win = "A" if ma.test_acc > mb.test_acc else "B"
        gap = abs(ma.test_acc - mb.test_acc) * 100
        return Verdict(win, f"Run {win} did better on the test data {at}: test accuracy "
                            f"{max(ma.test_acc, mb.test_acc):.1%} against "
                            f"{min(ma.test_acc, mb.test_acc):.1%} ({gap:.1f} points more).")
    la, lb = ma.test_loss, mb.test_loss
    if not (math.isfinite(la) or math.isfinite(lb)):
        return Verdict(None, f"Neither run has a usable test loss {at}.")
    if not math.isfinite(lb) or (math.isfinite(la) and la < lb * (1 - 1e-3)):
        win, best, other = "A", la, lb
    elif not math.isfinite(la) or lb < la * (1 - 1e-3):
        win, best, other = "B", lb, la
    else:
        same = "accuracy and " if classes else ""
        return Verdict(None, f"A tie {at}: the same test {same}loss ({la:.4f}).")
    more = (f"{other / best:.1f}× lower" if best > 0 and math.isfinite(other)
            else "lower")
    lead = "the same test accuracy, but " if classes else ""
    return Verdict(win, f"Run {win} did better on the test data {at}: {lead}test loss "
                        f"{best:.4f} against {other:.4f} ({more}).")


class RunB:
    """Run B as a lesson's goal sees it in compare mode: B's own measures (every attribute
    is B's trainer's), and run A beside it as `rival`, for goals such as "B beats A"."""

    def __init__(self, pair: RunPair) -> None:
        self._pair = pair

    @property
    def rival(self) -> Trainer:
        return self._pair.a

    def __getattr__(self, name: str):
        return getattr(self._pair.b, name)
