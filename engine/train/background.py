"""Train while the page draws: a per-session daemon thread that only runs while someone watches.

Training inside the live fragment leaves the CPU idle between frames (the round trip to the
browser and its timer), so a page only trains for about half of the time. A background thread
keeps training through those gaps, and torch releases the GIL inside its kernels, so drawing the
previous frame overlaps with training the next one.

A hosted demo serves a class from one process, so the thread
- trains only while its lease is fresh: the page renews it on every frame, and Pause stops it
  at once; a closed tab stops training within `LEASE` seconds and the thread exits. The lease
  is several frames long, so a page whose frames slow down under load keeps training;
- trains in turns handed out by the server's scheduler (engine.train.scheduler): a few threads
  at a time, the least-trained session first, so no session starves another;
- takes the session's lock for each chunk, so controls (step, reset, apply) never see a half step;
- steps aside while the page draws a frame (`with runner.frame():`): two Python threads share
  one GIL, and a frame that competes with training takes several times longer (measured: 5-6
  updates/s instead of 10), so drawing goes first and training fills the gaps between frames.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

from engine.train.runtime import configure_torch, return_freed_memory
from engine.train.scheduler import Scheduler, shared_scheduler
from engine.train.trainer import Trainer

CHUNK = 0.015   # seconds of training per turn: short, so a frame or another session waits
                # at most about this long
LEASE = 4.0     # seconds the thread keeps training after the page last asked it to: at least
                # two frames at the slowest frame rate a loaded server gives (ui/frame_budget)


class BackgroundTrainer:
    """Runs `trainer.run_for(CHUNK)` turns on a daemon thread while the lease lasts."""

    def __init__(self, trainer: Trainer, lock: threading.Lock, *, chunk: float = CHUNK,
                 lease: float = LEASE, scheduler: Scheduler | None = None) -> None:
        self.trainer, self.lock = trainer, lock
        self.chunk, self.lease = chunk, lease
        self.scheduler = scheduler or shared_scheduler()
        self._lease_until = 0.0
        self._stop = threading.Event()
        self._free = threading.Event()     # cleared while a frame is being drawn
        self._free.set()
        self._drawing = 0
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()     # serialises start/stop of the thread itself

    @property
    def running(self) -> bool:
        """Whether a thread may still train (a stopped one may linger, but never trains)."""
        return (self._thread is not None and self._thread.is_alive()
                and not self._stop.is_set())

    def keep_alive(self) -> None:
        """Extend the lease and start the thread if it is not running (called every frame)."""
        with self._guard:
            self._lease_until = time.monotonic() + self.lease
            stopped = self._stop.is_set()
            if (stopped or not self.running) and not self.trainer.done:
                # a fresh flag per thread: an old thread still parked keeps its own raised
                # flag and exits when it wakes, so two threads never train at once
                self._stop = threading.Event()
                self._thread = threading.Thread(target=self._loop, args=(self._stop,),
                                                name="nnpg-trainer", daemon=True)
                self._thread.start()

    @contextmanager
    def frame(self) -> Iterator[None]:
        """Hold training back while the page draws (re-entrant across the page's fragments)."""
        with self._guard:
            self._drawing += 1
            self._free.clear()
        try:
            yield
        finally:
            with self._guard:
                self._drawing -= 1
                if self._drawing == 0:
                    self._free.set()

    def stop(self, wait: bool = True) -> None:
        """Stop training; with `wait`, return only once no chunk is running.

        Waiting takes the lock rather than joining the thread: a chunk checks the stop flag
        under the lock, so none can start afterwards, and a thread parked behind a frame
        need not wake first (joining it cost up to half a second of Pause latency).
        Never call with the lock held.
        """
        with self._guard:
            self._stop.set()
        if wait:
            with self.lock:
                pass

    def _loop(self, stop: threading.Event) -> None:
        configure_torch()          # the thread count can be per OS thread: set it on this one
        def wanted() -> bool:
            return not stop.is_set() and time.monotonic() < self._lease_until

        while wanted():
            if not self._free.wait(timeout=0.5):     # a frame is being drawn: let it finish
                continue
            with self.scheduler.turn(self, wanted) as granted:
                # a control or a capture holds the session: give the turn to the next session
                if not granted or not self.lock.acquire(timeout=self.chunk):
                    continue
                try:
                    if stop.is_set() or self.trainer.done:
                        break
                    if self._free.is_set():          # no frame began while this one waited
                        self.trainer.run_for(self.chunk)
                finally:
                    self.lock.release()
        return_freed_memory()      # the tab paused or closed: its batches' memory goes back
