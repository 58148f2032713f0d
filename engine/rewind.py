"""The Trainer's recorded past: layer health, rewind checkpoints and branches.

A mixin so that `engine/train.py` stays about training. Scrubbing restores a checkpoint for
viewing and keeps the future; the first training call from there forks the run (`branch`):
the curves, layer rows and checkpoints after that moment are dropped and the fork is noted in
`branches` so the curves can mark it.
"""
from __future__ import annotations

import torch

from engine.history import BoundedHistory
from engine.layer_history import LayerHistory
from engine.recording import Recorder
from engine.timeline import Checkpoint, Timeline, capture, restore


class Rewindable:
    """Recording, checkpoint, restore and branch verbs of a Trainer (mixed into it)."""

    @property
    def layer_history(self) -> LayerHistory:
        """Per-layer health rows over the run (engine.layer_history.LayerHistory)."""
        return self.recorder.layers

    @property
    def timeline(self) -> Timeline:
        """Checkpoints one can rewind to (engine.timeline.Timeline)."""
        return self.recorder.timeline

    @property
    def position(self) -> float:
        """Where training stands, in epochs (12.4 = 40% into epoch 13)."""
        n = len(self._batches) if self.batch_in_epoch else self.batches_per_epoch
        return self.epoch + self.batch_in_epoch / max(n, 1)

    @property
    def rewound(self) -> bool:
        """True while the trainer shows a past moment whose future is still kept."""
        return self._rewound is not None

    def dropout_state(self) -> torch.Tensor | None:
        """The dropout stream's RNG state (the live one while a run is in progress)."""
        if self._dropout_rng is None:
            return None
        return torch.get_rng_state() if self._in_run else self._dropout_rng

    def checkpoint(self) -> Checkpoint:
        """A copy of the full training state now; `restore` of it continues bit-identically."""
        return capture(self)

    def mark(self) -> Checkpoint:
        """Keep this exact moment on the timeline (the page calls it when paused)."""
        if self._rewound is not None:
            return self._rewound
        kept = self.timeline.find(self.steps)
        if kept is None:
            kept = capture(self)
            self.timeline.set_mark(kept)
        return kept

    def restore(self, c: Checkpoint) -> None:
        """Show the moment `c`; the later past stays until training goes on (then: a branch)."""
        if self._rewound is None:
            self.mark()                         # never lose the latest moment
        restore(self, c)
        self.recorder.pending = None
        latest = self.timeline.latest
        self._rewound = c if latest is not None and c.steps < latest.steps else None

    def rewind(self, steps: int) -> Checkpoint:
        """Restore the timeline's checkpoint taken after `steps` optimizer steps."""
        c = self.timeline.find(steps)
        if c is None:
            raise KeyError(f"no checkpoint after {steps} steps")
        self.restore(c)
        return c

    def branch(self) -> float | None:
        """If rewound, forget the future after this moment and note the branch point there.

        Called by every training call, so a Step or Play from the past always forks; the page
        may call it on Play to show the branch mark at once. Returns the branch position.
        """
        c = self._rewound
        if c is None:
            return None
        self._rewound = None
        self.history.truncate_after(c.epoch)
        self.recorder.truncate_after(c)
        self.branches = [b for b in self.branches if b < c.position] + [c.position]
        return c.position

    def branch_from(self, epoch: float) -> Checkpoint:
        """Restore the latest checkpoint at or before `epoch` and branch there."""
        c = self.timeline.at_epoch(epoch)
        if c is None:
            raise KeyError(f"no checkpoint at or before epoch {epoch}")
        self.restore(c)
        self.branch()
        return c

    def restart_records(self) -> None:
        """Forget the recorded past and record from now on, as if training started here.

        For weights edited by hand (a lesson's set-up, a test's deliberately bad init): the
        curves, layer rows and checkpoints then start from the edited network.
        """
        with torch.no_grad():
            torch._foreach_copy_(self._last_good, self._state)
        self.metrics = self.evaluate()
        self.history = BoundedHistory(self.history.cap)
        self.branches, self._rewound = [], None
        self._record()
        self.recorder = Recorder(self, self.recorder.recording)
        self.recorder.on_epoch_end(self)
