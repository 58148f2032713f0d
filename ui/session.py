"""LabSession: what every lab keeps per browser session, and the verbs its controls call.

One controller for every lab: the session lock, the trainer and its recorder, the background
runner and its lease, following the controls (rebuild only when data, network or loss change;
otherwise apply the live settings), Step batch / Step epoch / Reset, and the session-state keys,
all under one prefix per lab. Mutable objects live only in `st.session_state`, never in module
globals or `st.cache_resource` (which every session shares).
"""
from __future__ import annotations

import dataclasses
import threading
from contextlib import nullcontext
from typing import Callable, ContextManager

import streamlit as st

from engine.record.recorder import Recorder
from engine.spec import Experiment, SpecError
from engine.train import Trainer, needs_rebuild
from engine.train.background import CHUNK, BackgroundTrainer
from engine.data import Dataset, DatasetError
from ui.messages import show_error


def init_session() -> None:
    """Configure torch for a shared server on every run (cheap, idempotent).

    Every run, not once per session: torch's intra-op thread count can belong to the OS
    thread, and Streamlit runs each script and fragment run on a fresh one.
    """
    from engine.train.runtime import configure_torch

    configure_torch()


STEP_SECONDS = 2.0   # the longest a Step epoch click trains before the page answers


class LabSession:
    """A lab's per-session state and verbs (a thin view over `st.session_state[prefix_…]`)."""

    def __init__(self, prefix: str, *, chunk: float = CHUNK) -> None:
        self.prefix = prefix
        self.chunk = chunk      # seconds of training per lock hold (the runner's CHUNK)

    def key(self, name: str) -> str:
        """The session-state key of this lab's `name` (widgets use it too)."""
        return f"{self.prefix}_{name}"

    def _get(self, name: str, default=None):
        return st.session_state.get(self.key(name), default)

    # ---- opening ------------------------------------------------------------------------
    @property
    def opened(self) -> bool:
        return self.key("lock") in st.session_state

    def open(self, notes: list[str]) -> None:
        """First visit, or the lab opened again by a new link (a lesson, an uploaded
        experiment): a lock, the notes on what the link needed repaired (after any left by
        `forget`), and no run yet (an old one stops and goes; the lock and the run counter
        stay, so views cached per run never mistake the new run for it)."""
        self.reset()
        self.stop_playing()
        st.session_state.setdefault(self.key("lock"), threading.Lock())
        st.session_state[self.key("notes")] = (st.session_state.pop(self.key("next_notes"), [])
                                               + list(notes))
        st.session_state.setdefault(self.key("run_id"), 0)

    def forget(self, notes: list[str] = ()) -> None:
        """Drop everything this lab keeps (training stops), so its next run is a first visit
        that reads the link; `notes` are shown then."""
        self.stop()
        for key in [k for k in st.session_state if str(k).startswith(self.prefix + "_")]:
            del st.session_state[key]
        if notes:
            st.session_state[self.key("next_notes")] = list(notes)

    @property
    def notes(self) -> list[str]:
        return self._get("notes", [])

    # ---- what is running ------------------------------------------------------------------
    @property
    def lock(self) -> threading.Lock:
        return st.session_state[self.key("lock")]

    @property
    def trainer(self) -> Trainer | None:
        return self._get("trainer")

    @property
    def recorder(self) -> Recorder | None:
        return self._get("recorder")

    @property
    def run_id(self) -> int:
        """Counts rebuilds, so views cached per run know when they are stale."""
        return self._get("run_id", 0)

    @property
    def playing(self) -> bool:
        return bool(self._get("play")) and not self._get("finished")

    @property
    def speed(self) -> str:
        return self._get("speed", "full speed")

    def runner(self) -> BackgroundTrainer:
        """The session's background trainer, following the current trainer object."""
        runner = self._get("runner")
        if runner is None or runner.trainer is not self.trainer:
            if runner is not None:
                runner.close()
            runner = BackgroundTrainer(self.trainer, self.lock, chunk=self.chunk,
                                       recorder=self.recorder)
            st.session_state[self.key("runner")] = runner
        return runner

    def stop(self) -> None:
        """Stop background training (Pause takes effect before anything else is drawn)."""
        runner = self._get("runner")
        if runner is not None:
            runner.stop()

    def frame(self) -> ContextManager:
        """Hold background training back while the page draws (GIL: drawing goes first)."""
        runner = self._get("runner")
        return runner.frame() if runner is not None else nullcontext()

    def run_page(self, first_visit: Callable[[], None], page: Callable[[], None], *,
                 reopen: bool = False) -> None:
        """One script run of a lab: open it on the first visit (or when `reopen`, e.g. a new
        lesson in the link), make Pause take effect before anything is drawn, then draw the
        page with training held back (a click's full run goes first, like a frame)."""
        if not self.opened or reopen:
            first_visit()
        if not self.playing:
            self.stop()
        with self.frame():
            page()

    def stop_playing(self) -> None:
        """Turn the Play switch off (from a callback: a Step was asked for)."""
        st.session_state[self.key("play")] = False

    def finish_playing(self) -> None:
        """The run ended while playing: the switch goes off on the next full run (a widget's
        value cannot change once it is drawn in this run), which this asks for."""
        st.session_state[self.key("finished")] = True
        st.rerun(scope="app")

    def settle_play_switch(self) -> None:
        """Before the Play switch is drawn: apply a finish noted by the live view."""
        if st.session_state.pop(self.key("finished"), False):
            st.session_state[self.key("play")] = False

    # ---- following the controls -----------------------------------------------------------
    def sync(self, exp: Experiment, *, data: Callable[[], Dataset] | None = None,
             rebuild_key: object = None,
             on_replace: Callable[[Trainer], None] | None = None) -> Trainer | None:
        """Make the trainer follow the controls: a new trainer when data, network or loss
        change (or the lab's own `rebuild_key`), else the live settings applied in place.

        `data()` gives the lab's own dataset (e.g. a subset of shared images); without it the
        experiment's DataSpec is loaded. A setting that cannot be built shows the spec's
        message and keeps the last trainer that worked (None if there was none yet).
        """
        trainer = self.trainer
        with self.lock:
            stale = (trainer is None or needs_rebuild(trainer.experiment, exp)
                     or self._get("rebuild_key") != rebuild_key)
            if stale:
                try:
                    new = Trainer(exp, dataset=data() if data is not None else None,
                                  device="cpu")
                except (SpecError, DatasetError) as exc:
                    show_error(str(exc))
                    return trainer
                if trainer is not None and on_replace is not None:
                    on_replace(trainer)
                self._install(new)
                st.session_state[self.key("rebuild_key")] = rebuild_key
                trainer = new
            elif trainer.spec != exp.train:
                try:
                    trainer.apply(exp.train)
                except SpecError as exc:     # a batch size this network cannot afford:
                    show_error(str(exc))     # the other settings still apply
                    trainer.apply(dataclasses.replace(exp.train,
                                                      batch_size=trainer.spec.batch_size))
        return trainer

    def _install(self, trainer: Trainer) -> None:
        runner = self._get("runner")
        if runner is not None:
            runner.stop(wait=False)   # the lock is held here, so no chunk is running
        st.session_state[self.key("trainer")] = trainer
        st.session_state[self.key("recorder")] = Recorder(trainer)
        st.session_state[self.key("run_id")] = self.run_id + 1

    # ---- the play bar's verbs (button callbacks) --------------------------------------------
    def step(self, kind: str) -> None:
        """One batch or one epoch under the lock; a Step pauses a playing run."""
        trainer = self.trainer
        if trainer is None:
            return
        self.stop()
        self.stop_playing()
        with self.lock:
            if kind == "batch":
                trainer.step(1)
                return
            epoch = trainer.epoch
            trainer.step_epoch(STEP_SECONDS)
            if trainer.epoch == epoch and not trainer.done:
                st.session_state[self.key("step_note")] = (
                    f"This epoch is long ({trainer.batches_per_epoch:,} batches): one click "
                    f"trains at most {STEP_SECONDS:g} s, so it stopped {trainer.position % 1:.0%} "
                    "of the way through. Press Step epoch again to go on, or raise the batch "
                    "size.")

    def step_note(self) -> str | None:
        """What the last Step epoch click could not finish (shown once)."""
        return st.session_state.pop(self.key("step_note"), None)

    def reset(self, on_replace: Callable[[Trainer], None] | None = None) -> None:
        """New random weights on the next run; the data and settings stay."""
        self.stop()
        trainer = st.session_state.pop(self.key("trainer"), None)
        st.session_state.pop(self.key("recorder"), None)
        if trainer is not None and on_replace is not None:
            on_replace(trainer)
