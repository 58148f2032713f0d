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
  updates/s instead of 10), so drawing goes first and training fills the gaps between frames;
- sends its turns to a training worker process when sessions must share (more play than the
  process has slots) and it can (engine.train.remote: a small CPU trainer;
  engine.train.worker_pool: once a worker is up), where they take nothing from the frames;
  the thread then only waits for the pipe, and need not step aside for frames.
"""
from __future__ import annotations

import threading
import time
import uuid
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from engine.train.remote import Sent, build_for, eligible, finish_turn, start_turn
from engine.train.runtime import configure_torch, return_freed_memory
from engine.train.scheduler import LOCAL, REMOTE, Scheduler, shared_scheduler
from engine.train.trainer import Trainer
from engine.train.worker_pool import WorkerPool, shared_pool

if TYPE_CHECKING:
    from engine.record.recorder import Recorder

CHUNK = 0.015   # seconds of training per turn: short, so a frame or another session waits
                # at most about this long
REMOTE_CHUNK = 0.04   # seconds per turn in a worker process: the round trip costs ~1 ms, and
                      # the session's lock is held meanwhile (a frame waits for it)
LEASE = 4.0     # seconds the thread keeps training after the page last asked it to: at least
                # two frames at the slowest frame rate a loaded server gives (ui/frame_budget)


class BackgroundTrainer:
    """Runs `trainer.run_for(CHUNK)` turns on a daemon thread while the lease lasts."""

    def __init__(self, trainer: Trainer, lock: threading.Lock, *, chunk: float = CHUNK,
                 lease: float = LEASE, scheduler: Scheduler | None = None,
                 recorder: "Recorder | None" = None, pool: WorkerPool | None = None) -> None:
        self.trainer, self.lock, self.recorder = trainer, lock, recorder
        self.chunk, self.lease = chunk, lease
        self.scheduler = scheduler or shared_scheduler()
        self.pool = pool if pool is not None else shared_pool()
        self.key = uuid.uuid4().hex           # this trainer's name in the workers
        self.remote_turns = 0                 # turns a worker trained (tests and the bench)
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

    def close(self) -> None:
        """Stop for good (the trainer was replaced): workers drop their copy of it."""
        self.stop(wait=False)
        self.pool.forget(self.key)

    def stop(self, wait: bool = True) -> None:
        """Stop training; with `wait`, return only once no chunk is running.

        Waiting takes the lock rather than joining the thread: a chunk checks the stop flag
        under the lock, so none can start afterwards, and a thread parked behind a frame
        need not wake first (joining it cost up to half a second of Pause latency). A turn
        out at a worker is not waited for: it is dropped when it comes back.
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
            if self._remote():
                with self.scheduler.turn(self, wanted, pool=REMOTE) as granted:
                    if granted and not self._remote_turn(stop):
                        break
                continue
            if not self._free.wait(timeout=0.5):     # a frame is being drawn: let it finish
                continue
            with self.scheduler.turn(self, wanted, pool=LOCAL) as granted:
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

    def _remote(self) -> bool:
        """Whether this turn can go to a worker process (starts the workers on first ask)."""
        return (self.pool.enabled and self.scheduler.use_workers(self)
                and eligible(self.trainer, self.recorder) and self.pool.ready())

    def _remote_turn(self, stop: threading.Event) -> bool:
        """One turn trained by a worker; False: training is over.

        The session's lock is held to send the turn and to take its result over, not while
        the worker trains, so the page's frames and controls never wait for a worker. The
        result is taken over only if nothing touched the trainer meanwhile (`Sent.unchanged`):
        after a Pause, a Step, new settings, a rewind or an edit of the weights, the turn is
        dropped, exactly as if it had not run.
        """
        if not self.lock.acquire(timeout=REMOTE_CHUNK):
            return True                          # a control or a capture holds the session
        try:
            trainer, recorder = self.trainer, self.recorder
            if stop.is_set() or trainer.done:
                return False
            if recorder is not None and recorder.wants_step:
                trainer.step(1)                  # its update size is measured here, per step
                return not trainer.done
            turn = start_turn(self.key, trainer, recorder, REMOTE_CHUNK)
            sent = Sent.of(trainer, turn)
        finally:
            self.lock.release()
        result = self.pool.run(turn, lambda: build_for(trainer))
        with self.lock:
            if stop.is_set():
                return False
            if result is None:                   # no worker could: train it here
                if sent.unchanged(trainer):
                    trainer.run_for(self.chunk)
            elif sent.unchanged(trainer):
                finish_turn(trainer, result)
                self.remote_turns += 1
            return not trainer.done
