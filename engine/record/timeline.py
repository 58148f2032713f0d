"""Rewindable training: full-state checkpoints, bounded by count and by bytes.

A checkpoint holds everything the next optimizer step depends on (weights and buffers, the
optimizer's memory, the shuffling generator, the dropout stream, the position inside the epoch
and its batch order, the early-stopping counters), so restoring one and training on is
bit-identical to never having stopped. The trainer takes one at epoch boundaries on a stride
(halved like the curves' history when full) and the page adds a "mark" of the exact moment it
paused, which may be mid-epoch; only the latest mark is kept.

`capture` and `restore` go through the Trainer's `state_dict()` / `load_state_dict()`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from torch import Tensor

if TYPE_CHECKING:
    from engine.train.trainer import Trainer

CHECKPOINT_CAP = 64                 # checkpoints kept at most (plus the pause mark)
CHECKPOINT_BYTES = 16 * 2 ** 20     # and at most this many bytes of them per session


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """The trainer's full state at one moment (`Trainer.state_dict()`: private copies)."""

    epoch: int                        # completed epochs
    batch_in_epoch: int               # batches done in the current epoch (0 at a boundary)
    n_batches: int                    # batches in the current epoch
    steps: int                        # optimizer steps in total: the key of a moment
    state: dict[str, Any]
    nbytes: int

    @property
    def position(self) -> float:
        """Epochs as a real number: 12.4 = 12 epochs and 40% of the next."""
        return self.epoch + (self.batch_in_epoch / self.n_batches if self.n_batches else 0.0)

    def label(self) -> str:
        if self.batch_in_epoch:
            return f"epoch {self.epoch:,} + {self.batch_in_epoch}/{self.n_batches} batches"
        return f"epoch {self.epoch:,}"


def _bytes(obj: Any) -> int:
    """Bytes held by the tensors inside nested dicts, lists and tuples."""
    if isinstance(obj, Tensor):
        return obj.numel() * obj.element_size()
    if isinstance(obj, dict):
        return sum(_bytes(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(_bytes(v) for v in obj)
    return 0


def capture(t: "Trainer") -> Checkpoint:
    """Copy the trainer's state now (between steps)."""
    state = t.state_dict()
    return Checkpoint(epoch=state["epoch"], batch_in_epoch=state["batch_in_epoch"],
                      n_batches=state["n_batches"], steps=state["steps"], state=state,
                      nbytes=_bytes(list(state.values())))


def restore(t: "Trainer", c: Checkpoint) -> None:
    """Put the trainer back into the state `c` recorded (its curves are left alone)."""
    t.load_state_dict(c.state)


class Timeline:
    """Checkpoints at epochs on a stride, thinned by halving when over count or bytes."""

    def __init__(self, cap: int = CHECKPOINT_CAP, max_bytes: int = CHECKPOINT_BYTES) -> None:
        if cap < 2:
            raise ValueError("cap must be at least 2")
        self.cap, self.max_bytes = cap, max_bytes
        self.stride = 1
        self._regular: list[Checkpoint] = []
        self.mark: Checkpoint | None = None
        self._size = 0                        # bytes of the last checkpoint offered

    def due(self, epoch: int) -> bool:
        """Would a checkpoint at this epoch boundary be kept? (Skips the copy when not.)"""
        if epoch % self.stride or self._size > self.max_bytes:
            return False                      # off the stride, or a model too big to keep
        room = len(self._regular) < self.cap and self.nbytes + self._size <= self.max_bytes
        return room or epoch % (2 * self.stride) == 0

    def add(self, c: Checkpoint) -> bool:
        """Keep an epoch-boundary checkpoint if it falls on the stride; thin first if full."""
        self._size = c.nbytes
        if c.batch_in_epoch or c.epoch % self.stride or not self._make_room(c):
            return False
        if c.epoch % self.stride:
            return False
        self._regular.append(c)
        if self.mark is not None and self.mark.steps == c.steps:
            self.mark = None                  # the same moment is now kept regularly
        return True

    def set_mark(self, c: Checkpoint) -> None:
        """Remember this exact moment (the page pauses here); replaces the previous mark."""
        self.mark = None
        if not any(r.steps == c.steps for r in self._regular) and self._make_room(c, mark=True):
            self.mark = c

    def _make_room(self, c: Checkpoint, mark: bool = False) -> bool:
        """Halve the regular checkpoints (doubling the stride) until `c` fits; False if never."""
        while (not mark and len(self._regular) >= self.cap) or (
                self.nbytes + c.nbytes > self.max_bytes):
            if len(self._regular) < 2:
                return False                  # only the start is left: a model too big to keep
            self.stride *= 2
            self._regular = [r for r in self._regular if r.epoch % self.stride == 0]
        return True

    @property
    def checkpoints(self) -> list[Checkpoint]:
        """Every moment one can go back to, oldest first."""
        out = list(self._regular)
        if self.mark is not None:
            out.append(self.mark)
            out.sort(key=lambda c: c.steps)
        return out

    @property
    def latest(self) -> Checkpoint | None:
        cps = self.checkpoints
        return cps[-1] if cps else None

    def find(self, steps: int) -> Checkpoint | None:
        """The checkpoint taken after exactly `steps` optimizer steps, if kept."""
        return next((c for c in self.checkpoints if c.steps == steps), None)

    def at_epoch(self, epoch: float) -> Checkpoint | None:
        """The latest checkpoint at or before `epoch`."""
        before = [c for c in self.checkpoints if c.position <= epoch]
        return before[-1] if before else None

    def truncate_after(self, steps: int) -> None:
        """Forget checkpoints later than `steps` (a run branched from the past)."""
        self._regular = [c for c in self._regular if c.steps <= steps]
        if self.mark is not None and self.mark.steps > steps:
            self.mark = None

    def __len__(self) -> int:
        return len(self.checkpoints)

    @property
    def nbytes(self) -> int:
        return sum(c.nbytes for c in self.checkpoints)
