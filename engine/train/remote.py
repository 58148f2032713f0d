"""A training turn run in another process: what goes there, what comes back, who may go.

One server process carries every session's frames *and* training under one GIL, so on a 2-core
box thirty students share one core while the other idles (issue #16, py-spy: training 52% of
the busy samples). A turn of a small CPU trainer is cheap to ship: its whole `state_dict()`
(weights, optimizer memory, generators, position in the epoch) is a few kilobytes, and
`load_state_dict` of it trains on bit for bit. So a worker process (engine.train.worker) keeps
a copy of each session's trainer built from the same experiment and data, loads the state,
trains for the turn and sends the new state back with the epochs' curve rows; the session's
own trainer takes that state over (`Trainer.end_remote_turn`) and the page draws from it.

What a local run does besides training is kept:
- "run_start" fires before the turn is sent (a rewound run branches);
- a turn brings back the trainer's state at each epoch where the recorder may checkpoint
  (multiples of `Recorder.checkpoint_every`), and the session's trainer passes through each
  of them, firing "epoch_end" there, in exactly the state a local run would have had;
- a turn never runs past an epoch at which the recorder will probe the layers
  (`Recorder.next_probe`);
- a recorder measuring the next step's update size (`Recorder.wants_step`) gets that step
  trained locally, so the per-step event reaches it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.data import Dataset
from engine.spec.experiment import Experiment
from engine.train.wire import pack, unpack

if TYPE_CHECKING:
    from engine.record.recorder import Recorder
    from engine.train.trainer import Trainer

MAX_DATA_BYTES = 8 * 2 ** 20   # bigger sets (MNIST: 188 MB) train where their tensors already are
HORIZON = 512                  # epochs looked ahead for the recorder's next due epoch


@dataclass(frozen=True)
class Build:
    """How a worker makes its own copy of a session's trainer (weights come with each turn)."""

    experiment: Experiment
    dataset: Dataset


@dataclass(frozen=True)
class Turn:
    """One turn's request: train `key`'s trainer from `state` for `seconds`, stopping at the
    end of epoch `until_epoch` if it comes first."""

    key: str
    state: dict[str, Any]          # `Trainer.state_dict()`, packed for the pipe (engine.train.wire)
    seconds: float
    until_epoch: int | None
    snapshot_every: int | None = None  # bring back the state at the end of these epochs


@dataclass(frozen=True)
class TurnResult:
    state: dict[str, Any]
    rows: list[tuple[int, dict[str, float]]]   # (epoch, curve values) of each epoch it ended
    batches: int
    snapshots: list[dict[str, Any]] = ()       # packed states at the snapshot epochs it ended


@dataclass(frozen=True)
class Sent:
    """What the session's trainer was when its turn left, to tell whether anything touched it
    before the turn came back (then the turn is dropped: the page's change wins)."""

    steps: int
    spec: object
    status: str
    weights: tuple

    @classmethod
    def of(cls, trainer: "Trainer", turn: Turn) -> "Sent":
        """From the turn itself: its state already holds a copy of the weights."""
        return cls(trainer.steps, trainer.spec, trainer.status,
                   tuple(unpack(turn.state["model"]).values()))

    def unchanged(self, trainer: "Trainer") -> bool:
        import torch

        now = tuple(trainer.model.state_dict().values())
        return (trainer.steps == self.steps and trainer.spec is self.spec
                and trainer.status == self.status and len(now) == len(self.weights)
                and all(torch.equal(a, b) for a, b in zip(now, self.weights)))


def eligible(trainer: "Trainer", recorder: "Recorder | None") -> bool:
    """Whether `trainer` may train in another process: a plain CPU Trainer with small data,
    whose only listeners are its recorder's (a turn elsewhere fires no per-step events)."""
    from engine.train.trainer import Trainer

    if type(trainer) is not Trainer or trainer.device.type != "cpu":
        return False
    expected = recorder.listener_count if recorder is not None else 0
    if trainer.listener_count() != expected:
        return False
    ds = trainer.dataset
    size = sum(a.nbytes for a in (ds.x_train, ds.y_train, ds.x_test, ds.y_test)
               if a is not None)
    return size <= MAX_DATA_BYTES


def build_for(trainer: "Trainer") -> Build:
    return Build(trainer.experiment, trainer.dataset)


def start_turn(key: str, trainer: "Trainer", recorder: "Recorder | None",
               seconds: float) -> Turn:
    """The request for one turn from where `trainer` stands (fires its "run_start")."""
    state = pack(trainer.begin_remote_turn())
    if recorder is None:
        return Turn(key, state, seconds, None)
    return Turn(key, state, seconds, recorder.next_probe(trainer.epoch, HORIZON),
                recorder.checkpoint_every)


def finish_turn(trainer: "Trainer", result: TurnResult) -> None:
    """`trainer` passes through the turn's snapshot epochs (its recorder checkpoints there)
    and takes over where the worker's copy got to."""
    for snapshot in result.snapshots:
        trainer.end_remote_turn(unpack(snapshot), [])
    trainer.end_remote_turn(unpack(result.state), result.rows)


class _Rows:
    """Stands in for a worker trainer's history during a turn: the rows go back to the page."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, dict[str, float]]] = []

    def record(self, epoch: int, values: dict[str, float]) -> None:
        self.rows.append((epoch, dict(values)))


def train_turn(trainer: "Trainer", turn: Turn) -> TurnResult:
    """The worker's side: train a copy from the turn's state and return where it got to."""
    trainer.load_state_dict(unpack(turn.state))
    rows, snapshots = _Rows(), []
    trainer.history = rows              # type: ignore[assignment]  (only .record is used)

    def snapshot(t: "Trainer") -> None:
        if turn.snapshot_every and t.epoch % turn.snapshot_every == 0:
            snapshots.append(t.state_dict())

    trainer.subscribe("epoch_end", snapshot)
    try:
        batches = trainer.run_for(turn.seconds, until_epoch=turn.until_epoch)
    finally:
        trainer.unsubscribe("epoch_end", snapshot)
    state = trainer.state_dict()
    if snapshots and snapshots[-1]["steps"] == state["steps"]:
        snapshots.pop()                 # the turn ended there: the final state is that one
    return TurnResult(pack(state), rows.rows, batches, [pack(s) for s in snapshots])
