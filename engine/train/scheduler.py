"""One server, many students: a process-wide, fair share of training time.

Every playing session has a background thread (engine.train.background). Left alone, thirty of
them fight over two cores and one GIL: each gets a sliver, the frames that renew their leases
arrive late, and the first comers take everything. The scheduler hands out *turns* instead:
at most `slots` threads train at once, and the next turn goes to the waiting session that has
trained least (its used seconds, a virtual clock), so a session with a big network and one with
a tiny one get comparable training *time*, and a newcomer starts level with the others rather
than with a debt or a credit.

This is the one deliberately process-wide object of the engine (sessions share a process, and
sharing between them is its job); it is thread-safe and holds no session's data, only keys.
"""
from __future__ import annotations

import itertools
import os
import threading
import time
from contextlib import contextmanager
from typing import Callable, Hashable, Iterator

from engine.process_wide import process_wide

ACTIVE_WINDOW = 3.0     # seconds: a session that asked for a turn this recently is playing
MAX_CHARGE = 0.5        # seconds a turn counts at most: a one-off (the process's first training
                        # step warms torch up for seconds) must not leave a session owing the
                        # others that long; a heavy network's real batches stay under it
WAIT_STEP = 0.25        # seconds between checks of a waiting thread's own stop condition


def default_slots() -> int:
    """Threads that may train at once: `NNPG_TRAINING_SLOTS`, else half the cores (at least 1).

    Small networks train in Python under one GIL, so a second concurrent trainer adds little but
    contention; on a 2-core box one slot leaves the other core to drawing and the web server.
    """
    configured = os.environ.get("NNPG_TRAINING_SLOTS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, (os.cpu_count() or 2) // 2)


LOCAL, REMOTE = "local", "remote"   # turns trained in this process / in a worker process


class _Waiter:
    """One thread waiting for a turn: woken alone, when the turn is its (no thundering herd:
    thirty waiting threads all woken for each 15 ms turn cost more GIL than the training)."""

    __slots__ = ("order", "granted", "event", "pool")

    def __init__(self, order: int, pool: str) -> None:
        self.order, self.granted, self.event, self.pool = order, False, threading.Event(), pool


class Scheduler:
    """Fair turns at training: least-trained waiting session first, `slots` at a time.

    Two pools of slots: `slots` for turns trained in this process, `remote_slots` for turns
    sent to worker processes (`pipeline` per worker, so each has its next turns queued:
    engine.train.worker_pool.PIPELINE). A session's seconds count the same in both, so fairness holds across them.
    """

    def __init__(self, slots: int | None = None, *, workers: int = 0, pipeline: int = 2,
                 workers_from: int | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.slots = slots or default_slots()
        self.workers = workers
        self.remote_slots = workers * pipeline
        # playing sessions from which turns go to workers: while every session has a local
        # slot, training here costs nothing and a turn's round trip would (measured: the image
        # lab alone at 0.83 of bare torch through a worker, 0.93 here)
        self.workers_from = workers_from if workers_from is not None else self.slots + 1
        self._clock = clock
        self._guard = threading.Lock()
        self._running = {LOCAL: 0, REMOTE: 0}
        self._used: dict[Hashable, float] = {}      # seconds trained (virtual clock)
        self._seen: dict[Hashable, float] = {}      # when each last asked for a turn
        self._waiting: dict[Hashable, _Waiter] = {}
        self._holding: set[Hashable] = set()        # who trains now
        self._order = itertools.count()

    @contextmanager
    def turn(self, who: Hashable, wanted: Callable[[], bool] = lambda: True,
             pool: str = LOCAL) -> Iterator[bool]:
        """Wait for a turn in `pool`; yields True while it is held, False if `wanted()` turned
        false while waiting (the session paused or its lease ran out)."""
        granted = self._wait(who, wanted, pool)
        started = self._clock()
        try:
            yield granted
        finally:
            if granted:
                with self._guard:
                    self._running[pool] -= 1
                    self._holding.discard(who)
                    charge = min(self._clock() - started, MAX_CHARGE)
                    self._used[who] = self._used.get(who, 0.0) + charge
                    self._seen[who] = self._clock()
                    self._grant()

    def _wait(self, who: Hashable, wanted: Callable[[], bool], pool: str) -> bool:
        with self._guard:
            now = self._clock()
            self._forget_idle(now)
            if who not in self._used:          # a newcomer starts level with the others
                self._used[who] = min(self._used.values(), default=0.0)
            self._seen[who] = now
            waiter = self._waiting[who] = _Waiter(next(self._order), pool)
            self._grant()
        while not waiter.event.wait(WAIT_STEP):
            with self._guard:
                if waiter.granted:
                    break
                if not wanted():
                    del self._waiting[who]
                    return False
                self._seen[who] = self._clock()
        return True

    def _grant(self) -> None:
        """Hand free slots to the least-trained waiters (call with the guard held)."""
        for pool, slots in ((LOCAL, self.slots), (REMOTE, self.remote_slots)):
            while self._running[pool] < slots:
                waiting = [w for w, waiter in self._waiting.items() if waiter.pool == pool]
                if not waiting:
                    break
                who = min(waiting, key=lambda w: (self._used[w], self._waiting[w].order))
                waiter = self._waiting.pop(who)
                self._running[pool] += 1
                self._holding.add(who)
                waiter.granted = True
                waiter.event.set()

    def _forget_idle(self, now: float) -> None:
        for who in [w for w, t in self._seen.items()
                    if now - t > ACTIVE_WINDOW and w not in self._waiting
                    and w not in self._holding]:
            del self._seen[who]
            self._used.pop(who, None)

    def playing(self) -> int:
        """Sessions that trained or waited to in the last few seconds."""
        with self._guard:
            now = self._clock()
            return sum(1 for t in self._seen.values() if now - t <= ACTIVE_WINDOW)

    def share(self) -> float:
        """The share of one trainer's full speed a playing session gets now (1.0: all)."""
        return min(1.0, self.capacity / max(1, self.playing()))

    def use_workers(self, who: Hashable | None = None) -> bool:
        """Whether turns should go to worker processes now: there are some, and more sessions
        play (`who` among them) than this process has slots for."""
        if not self.remote_slots:
            return False
        with self._guard:
            now = self._clock()
            playing = {w for w, t in self._seen.items() if now - t <= ACTIVE_WINDOW}
        return len(playing | ({who} if who is not None else set())) >= self.workers_from

    @property
    def capacity(self) -> int:
        """Sessions that can train at full speed at once: the local slots, or, once turns go
        to workers, one per worker process (a worker takes its queued turns one by one)."""
        return self.workers if self.use_workers() else self.slots

    def used(self, who: Hashable) -> float:
        """Seconds of training `who` has had while playing (tests and the bench read it)."""
        with self._guard:
            return self._used.get(who, 0.0)


def _server_scheduler() -> Scheduler:
    from engine.train.worker_pool import PIPELINE, default_workers

    return Scheduler(workers=default_workers(), pipeline=PIPELINE)


shared_scheduler = process_wide(_server_scheduler)     # every session's runner uses this one
