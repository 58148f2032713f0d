"""Where a run stands, copied out of a trainer (and its recorder) into a numpy RunState."""
from __future__ import annotations

from typing import TYPE_CHECKING

from engine.snapshot import RunState

if TYPE_CHECKING:
    from engine.record.recorder import Recorder
    from engine.train.trainer import Trainer


def run_state(trainer: "Trainer", recorder: "Recorder | None" = None) -> RunState:
    """The numbers, curves and timeline marks of the run now (call under the session lock)."""
    m = trainer.metrics
    branches = tuple(recorder.branches) if recorder is not None else ()
    cursor = trainer.position if recorder is not None and recorder.rewound else None
    return RunState(epoch=trainer.epoch, batch_in_epoch=trainer.batch_in_epoch,
                    batches_per_epoch=trainer.batches_per_epoch, steps=trainer.steps,
                    status=trainer.status, reason=trainer.reason, done=trainer.done,
                    lr=trainer.lr, train_loss=m.train_loss, test_loss=m.test_loss,
                    train_acc=m.train_acc, test_acc=m.test_acc,
                    classification=trainer.objective.classification,
                    history=trainer.history.as_dict(), branches=branches, cursor=cursor)
