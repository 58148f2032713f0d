"""Train while the page draws: a per-session daemon thread that only runs while someone watches.

Training inside the live fragment leaves the CPU idle between frames (the round trip to the
browser and its timer), so a page only trains for about half of the time. A background thread
keeps training through those gaps, and torch releases the GIL inside its kernels, so drawing the
previous frame overlaps with training the next one.

A hosted demo must not let one session starve the rest, so the thread
- trains only while its lease is fresh: the page renews it on every frame, so a closed or paused
  tab stops training within `LEASE` seconds and the thread exits;
- sleeps a share of every chunk (`DUTY`), leaving time for other sessions and for drawing;
- takes the session's lock for each chunk, so controls (step, reset, apply) never see a half step.
"""
from __future__ import annotations

import threading
import time

from engine.runtime import configure_torch
from engine.train import Trainer

CHUNK = 0.015   # seconds of training per lock hold: short, so a frame waits at most this long
DUTY = 0.85     # share of wall time the thread may train; the rest is left to other work
LEASE = 1.0     # seconds the thread keeps training after the page last asked it to


class BackgroundTrainer:
    """Runs `trainer.run_for(CHUNK)` on a daemon thread while the lease lasts."""

    def __init__(self, trainer: Trainer, lock: threading.Lock, *, chunk: float = CHUNK,
                 duty: float = DUTY, lease: float = LEASE) -> None:
        self.trainer, self.lock = trainer, lock
        self.chunk, self.duty, self.lease = chunk, duty, lease
        self._lease_until = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()     # serialises start/stop of the thread itself

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def keep_alive(self) -> None:
        """Extend the lease and start the thread if it is not running (called every frame)."""
        with self._guard:
            self._lease_until = time.monotonic() + self.lease
            if not self.running and not self.trainer.done:
                self._stop.clear()
                self._thread = threading.Thread(target=self._loop, name="nnpg-trainer",
                                                daemon=True)
                self._thread.start()

    def stop(self, wait: bool = True) -> None:
        """Stop after the current chunk; with `wait`, return only once no chunk is running."""
        with self._guard:
            self._stop.set()
            thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _loop(self) -> None:
        configure_torch()          # the thread count can be per OS thread: set it on this one
        rest = self.chunk * (1 - self.duty) / self.duty
        while not self._stop.is_set() and time.monotonic() < self._lease_until:
            with self.lock:
                if self._stop.is_set() or self.trainer.done:
                    break
                self.trainer.run_for(self.chunk)
            time.sleep(rest)
