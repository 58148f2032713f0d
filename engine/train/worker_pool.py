"""The server's training worker processes, and how a session's turn gets to one of them.

Why processes: one Python process runs its Python code on one core at a time (the GIL), and a
playground net's training is mostly Python and dispatch overhead. With every session's training
and every frame in the server process, a 2-core box serving a class used one core and left the
other idle. Workers give training cores of its own, and the server's core to the frames.

- `NNPG_TRAINING_PROCESSES` workers (default: one per core, up to 8, and none on a 1-core
  machine; 0 turns them off), started when a page first draws a lab, at a lower CPU
  priority than the server, so that frames never wait for training. Until a worker has
  imported torch (a second or two) and after anything goes wrong with one, sessions train in
  the server process as before: a turn that cannot go to a worker is never lost, it is trained
  locally by the caller (`run` returns None).
- Each worker takes turns one after another; two may be queued per worker, so it starts the
  next while the server takes the last one over (the scheduler's "remote" slots).
- A worker that dies or hangs is killed and replaced, up to `MAX_RESTARTS` times.

This is one of the few process-wide objects (engine.process_wide): it holds pipes and
processes, never a session's trainer; the trainers' copies live in the workers.
"""
from __future__ import annotations

import os
import pickle
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable

from engine.process_wide import process_wide
from engine.train.remote import Build, Turn, TurnResult
from engine.train.worker import CACHE, receive, send

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = 3          # turns queued per worker: one training, the next ones ready to start
TURN_TIMEOUT = 60.0   # seconds: a worker that takes longer is taken for hung
MAX_RESTARTS = 3      # per server process: a worker that keeps dying is not started again


MAX_DEFAULT_WORKERS = 8   # each worker holds its own torch (~160 MB)


def default_workers() -> int:
    """`NNPG_TRAINING_PROCESSES`, else one per core (up to 8) on a multi-core machine.

    As many as cores, not one fewer: the workers run at a lower priority (`NICE`), so the
    server's frames take the CPU they need first and training takes the rest (measured on 2
    cores, 30 students: the server used 0.3 of a core, and one worker could use only one).
    """
    configured = os.environ.get("NNPG_TRAINING_PROCESSES", "").strip()
    if configured.isdigit():
        return int(configured)
    cores = os.cpu_count() or 1
    return min(cores, MAX_DEFAULT_WORKERS) if cores >= 2 else 0


class _Worker:
    """One worker process, its end of the socket pair, and its queue of unanswered turns.

    Two locks: `_write` keeps each message whole and in the order of `_pending`; `_state`
    guards the queue, the key mirror and `alive`. The reader thread takes only `_state`, so
    it always drains the socket: a sender blocked on a full socket (a big turn) never waits
    on a reader that waits on the sender (a deadlock CI found with the image lab's turns).
    """

    def __init__(self) -> None:
        mine, theirs = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "engine.train.worker", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), cwd=ROOT, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(mine.detach())
        self.ready = threading.Event()
        self.alive = True
        self.keys: OrderedDict[str, None] = OrderedDict()   # trainers it holds (a mirror)
        self._pending: deque[tuple[Future, float]] = deque()   # and when sent
        self._write = threading.Lock()
        self._state = threading.Lock()
        threading.Thread(target=self._read, name="nnpg-worker-reader", daemon=True).start()

    @property
    def load(self) -> int:
        return len(self._pending)

    def hung(self, now: float) -> bool:
        """Whether its oldest unanswered turn has waited past `TURN_TIMEOUT` (a worker stuck
        in a turn stops reading too, and a big turn's sender then blocks on the full socket
        until the worker is killed)."""
        with self._state:
            return bool(self._pending) and now - self._pending[0][1] > TURN_TIMEOUT

    def submit(self, turn: Turn, build: Build | None) -> Future:
        future: Future = Future()
        with self._write:
            with self._state:
                if not self.alive:
                    future.set_exception(ConnectionError("the worker has stopped"))
                    return future
                self._pending.append((future, time.monotonic()))
                self.keys.pop(turn.key, None)
                self.keys[turn.key] = None
                while len(self.keys) > CACHE:
                    self.keys.popitem(last=False)
            self._send_or_fail(("turn", turn, build))
        return future

    def lost(self, key: str) -> None:
        """The worker no longer has `key`'s trainer (it said so): the next turn brings it."""
        with self._state:
            self.keys.pop(key, None)

    def forget(self, key: str) -> None:
        with self._write:
            with self._state:
                if not self.alive or key not in self.keys:
                    return
                del self.keys[key]
            self._send_or_fail(("forget", key))

    def _send_or_fail(self, message) -> None:
        """Send with `_write` held (a full socket blocks here, never the reader)."""
        try:
            send(self.conn, message)
        except (OSError, ValueError) as exc:
            with self._state:
                self._fail(exc)

    def _read(self) -> None:
        try:
            kind, _ = receive(self.conn)
            if kind != "ready":
                raise ConnectionError(f"unexpected first message {kind!r}")
            self.ready.set()
            while True:
                message = receive(self.conn)
                with self._state:
                    future, _ = self._pending.popleft()
                future.set_result(message)
        except (EOFError, OSError, ConnectionError, IndexError,
                pickle.UnpicklingError) as exc:
            with self._state:
                self._fail(exc)

    def _fail(self, exc: BaseException) -> None:
        """Mark the worker dead and fail every unanswered turn (call with `_state` held)."""
        self.alive = False
        while self._pending:
            future, _ = self._pending.popleft()
            if not future.done():
                future.set_exception(ConnectionError(f"the worker stopped: {exc}"))

    def stop(self) -> None:
        with self._state:
            self._fail(ConnectionError("stopped"))
        try:
            self.conn.close()
        except OSError:
            pass
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


class WorkerPool:
    """Training turns in worker processes; `run` returns None where the caller must train
    the turn itself (no worker ready yet, or one failed)."""

    def __init__(self, workers: int | None = None) -> None:
        self.size = default_workers() if workers is None else workers
        self._workers: list[_Worker] = []
        self._guard = threading.Lock()
        self._restarts = 0

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def warm_up(self) -> None:
        """Start the workers now (the page calls it after its first picture), so that they
        have imported torch by the time someone presses Play. Called every frame, so it
        returns at once when they are running (replacing a dead one is `ready`'s job)."""
        if self.enabled and len(self._workers) < self.size:
            self._pick(None)

    def ready(self) -> bool:
        """Whether a turn sent now would be trained by a worker (starts them on first ask)."""
        return self._pick(None) is not None

    def run(self, turn: Turn, build: Callable[[], Build]) -> TurnResult | None:
        """Train `turn` in a worker and return its result; None: train it locally."""
        worker = self._pick(turn.key)
        if worker is None:
            return None
        for attempt in range(2):
            known = turn.key in worker.keys
            future = worker.submit(turn, None if known else build())
            try:
                kind, payload = future.result(timeout=TURN_TIMEOUT)
            except FutureTimeout:
                self._retire(worker)
                return None
            except ConnectionError:
                return None
            if kind == "ok":
                return payload
            if kind != "missing":             # the worker could not train it: train it here
                return None
            worker.lost(turn.key)             # evicted there: send the trainer again
        return None

    def forget(self, key: str) -> None:
        """The session's trainer was replaced or closed: workers drop their copy."""
        for worker in list(self._workers):
            worker.forget(key)

    def _pick(self, key: str | None) -> _Worker | None:
        if not self.enabled:
            return None
        with self._guard:
            now = time.monotonic()
            for worker in [w for w in self._workers if w.alive and w.hung(now)]:
                worker.process.kill()                 # its reader then marks it dead
            for worker in [w for w in self._workers if not w.alive]:
                self._workers.remove(worker)
                self._restarts += 1
                threading.Thread(target=worker.stop, daemon=True).start()
            while len(self._workers) < self.size and self._restarts <= MAX_RESTARTS:
                try:
                    self._workers.append(_Worker())
                except OSError:
                    self._restarts = MAX_RESTARTS + 1     # cannot start processes here
            ready = [w for w in self._workers if w.alive and w.ready.is_set()]
            if not ready:
                return None
            holding = [w for w in ready if key is not None and key in w.keys
                       and w.load < PIPELINE]
            return holding[0] if holding else min(ready, key=lambda w: w.load)

    def _retire(self, worker: _Worker) -> None:
        with self._guard:
            self._restarts += 1
            if worker in self._workers:
                self._workers.remove(worker)
        threading.Thread(target=worker.stop, daemon=True).start()

    def close(self) -> None:
        """Stop every worker (tests; a server's workers end with it: their pipe closes)."""
        with self._guard:
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop()


shared_pool = process_wide(WorkerPool)
