"""What a run keeps of its past: per-layer health rows, rewind checkpoints and branches.

A Recorder subscribes to a Trainer's events (it never touches the trainer's private state):
at the end of epochs on its strides it probes the layers and checkpoints the trainer through
`state_dict()`; scrubbing back `restore`s a checkpoint for viewing and keeps the future; the
trainer's next training call ("run_start") forks the run there (`branch`): the curves, layer
rows and checkpoints after that moment are dropped and the fork is noted in `branches`.

Both are bounded whatever the run length (caps in `engine/record/layer_history.py` and
`engine/record/timeline.py`) and both are taken at epoch boundaries on power-of-two strides, so the
cost is amortised: one probe of the heavy 2D preset (6 tanh layers of 8, 256 examples) costs
about 4 ms, nine optimizer steps' worth, hence probing at most once per `LAYER_EVERY_STEPS`
steps; a checkpoint of a playground net costs ~0.1 ms and is taken every epoch until the cap.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from engine.inspect.probe import layer_stats
from engine.record.layer_history import LAYER_CAP, LayerHistory
from engine.record.timeline import (CHECKPOINT_BYTES, CHECKPOINT_CAP, Checkpoint, Timeline,
                                    capture, restore)

if TYPE_CHECKING:
    from engine.train.trainer import Trainer

LAYER_EVERY_STEPS = 256   # ≥ this many steps between probes: ≤ ~3% of training (bench.engine_speed)
PROBE_SIZE = 256          # training examples in the fixed probe batch


@dataclass(frozen=True)
class Recording:
    """How much of its past a trainer keeps (RECORD_OFF keeps nothing)."""

    layers: bool = True                       # per-layer health rows
    layer_cap: int = LAYER_CAP                # rows kept
    layer_every_steps: int = LAYER_EVERY_STEPS  # first stride ≈ this many steps (power of 2 epochs)
    probe_size: int = PROBE_SIZE
    checkpoints: bool = True                  # rewind checkpoints
    checkpoint_cap: int = CHECKPOINT_CAP
    checkpoint_bytes: int = CHECKPOINT_BYTES


RECORD_OFF = Recording(layers=False, checkpoints=False)


def first_stride(every_steps: int, batches_per_epoch: int) -> int:
    """Smallest power of two of epochs that spans at least `every_steps` optimizer steps."""
    epochs = max(1, math.ceil(every_steps / max(batches_per_epoch, 1)))
    return 1 << (epochs - 1).bit_length()


class Recorder:
    """Records a trainer's past from its events; rewinds and branches it on request."""

    def __init__(self, t: "Trainer", recording: Recording | None = None) -> None:
        self.trainer = t
        self.recording = recording or Recording()
        self.branches: list[float] = []          # positions (epochs) where the run was forked
        self._rewound: Checkpoint | None = None  # set while viewing a past moment
        self._start(t)
        others = t.listener_count()
        t.subscribe("run_start", lambda _: self.branch())
        t.subscribe("step", self._on_step)
        t.subscribe("epoch_end", self.on_epoch_end)
        t.subscribe("diverged", self._drop_pending)
        self.listener_count = t.listener_count() - others   # its own (engine.train.remote)
        self.on_epoch_end(t)

    def _start(self, t: "Trainer") -> None:
        recording = self.recording
        children = list(t.model.named_children())
        kinds = {r.name: r.kind for r in getattr(t.model, "plan", [])}
        self.layers = LayerHistory(
            [n for n, _ in children], [kinds.get(n, "head") for n, _ in children],
            [getattr(c, "activation_name", None) for _, c in children],
            cap=recording.layer_cap,
            stride=first_stride(recording.layer_every_steps, t.batches_per_epoch))
        self.timeline = Timeline(recording.checkpoint_cap, recording.checkpoint_bytes)
        self._groups = [[p for p in c.parameters() if p.requires_grad] for _, c in children]
        self.pending: list[list[torch.Tensor]] | None = None   # weights before the next step
        self._pending_epoch = -1

    def _on_step(self, _t: "Trainer") -> None:
        if self.pending is not None:
            self.after_step()

    def _drop_pending(self, _t: "Trainer") -> None:
        self.pending = None

    def on_epoch_end(self, t: "Trainer") -> None:
        """Probe and checkpoint if this epoch falls on the strides."""
        if self.recording.layers and self.layers.due(t.epoch):
            self.probe(t)
        if self.recording.checkpoints and self.timeline.due(t.epoch):
            self.timeline.add(capture(t))

    def next_probe(self, epoch: int, horizon: int) -> int | None:
        """The first epoch after `epoch` (within `horizon`) at which `on_epoch_end` will probe
        the layers: a turn trained elsewhere stops there (engine.train.remote), since the
        probe arms a measurement of the very next step. Nothing changes the layer stride
        before then, since nothing is recorded."""
        if not self.recording.layers:
            return None
        return next((e for e in range(epoch + 1, epoch + 1 + horizon) if self.layers.due(e)),
                    None)

    @property
    def checkpoint_every(self) -> int | None:
        """Every epoch a checkpoint may be taken at is a multiple of this (the timeline's
        stride only grows), so a turn trained elsewhere brings back its state at each; None:
        no checkpoints."""
        return self.timeline.stride if self.recording.checkpoints else None

    @property
    def wants_step(self) -> bool:
        """True while the next optimizer step's size is to be measured (a local step)."""
        return self.pending is not None

    def probe(self, t: "Trainer") -> None:
        """One row of layer statistics on the fixed probe batch; arm the update measurement."""
        n = min(self.recording.probe_size, len(t.x_train))
        stats = layer_stats(t.model, t.x_train[:n], t.y_train[:n], t.objective.loss)
        if self.layers.record(t.epoch, stats):
            self.arm(t.epoch)

    def arm(self, epoch: int) -> None:
        """Copy the weights so the next optimizer step's relative size can be measured."""
        self.pending = [[p.detach().clone() for p in g] for g in self._groups]
        self._pending_epoch = epoch

    @torch.no_grad()
    def after_step(self) -> None:
        """‖Δθ‖/‖θ‖ of the step just taken, per layer (Karpathy's ~1e-3 rule of thumb)."""
        ratios = []
        for group, before in zip(self._groups, self.pending or []):
            if not group:
                ratios.append(math.nan)
                continue
            moved = sum(float((p - b).pow(2).sum()) for p, b in zip(group, before))
            size = sum(float(b.pow(2).sum()) for b in before)
            ratios.append(math.sqrt(moved / size) if size > 0 else math.nan)
        self.layers.set_update_ratio(self._pending_epoch, ratios)
        self.pending = None

    def truncate_after(self, c: Checkpoint) -> None:
        """Forget rows and checkpoints after `c`; re-measure `c`'s update on the new branch."""
        self.layers.truncate_after(c.epoch)
        self.timeline.truncate_after(c.steps)
        self.pending = None
        if self.recording.layers and c.batch_in_epoch == 0 and self.layers.last_epoch == c.epoch:
            self.arm(c.epoch)

    @property
    def nbytes(self) -> int:
        return self.layers.nbytes + self.timeline.nbytes

    # ---- rewind and branch ----------------------------------------------------------------
    @property
    def rewound(self) -> bool:
        """True while the trainer shows a past moment whose future is still kept."""
        return self._rewound is not None

    def mark(self) -> Checkpoint:
        """Keep this exact moment on the timeline (the page calls it when paused)."""
        if self._rewound is not None:
            return self._rewound
        kept = self.timeline.find(self.trainer.steps)
        if kept is None:
            kept = capture(self.trainer)
            self.timeline.set_mark(kept)
        return kept

    def restore(self, c: Checkpoint) -> None:
        """Show the moment `c`; the later past stays until training goes on (then: a branch)."""
        if self._rewound is None:
            self.mark()                         # never lose the latest moment
        restore(self.trainer, c)
        self.pending = None
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

        Runs on the trainer's "run_start", so a Step or Play from the past always forks; the
        page may call it on Play to show the branch mark at once. Returns the branch position.
        """
        c = self._rewound
        if c is None:
            return None
        self._rewound = None
        self.trainer.history.truncate_after(c.epoch)
        self.truncate_after(c)
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

    def note_edit(self) -> None:
        """Weights were changed by hand at this moment (the microscope): like training from
        here, it forks the run. The moment is kept again with the new weights (the old copy
        goes), and the curves mark the fork."""
        t = self.trainer
        self.branch()                              # edited in the past: its future is dropped
        self.pending = None                        # the next update ratio would count the edit
        self.timeline.truncate_after(t.steps - 1)
        self.mark()
        self.branches = [b for b in self.branches if b < t.position] + [t.position]

    def restart(self) -> None:
        """Forget the recorded past and record from now on, as if training started here
        (weights edited by hand: the curves, layer rows and checkpoints start from them)."""
        self.trainer.restart_history()
        self.branches, self._rewound = [], None
        self._start(self.trainer)
        self.on_epoch_end(self.trainer)
