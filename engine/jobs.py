"""A background job with progress: a slow, pure computation (classic models, a learning curve)
on its own daemon thread, so the page keeps drawing and Pause stays prompt.

The job never touches the session's trainer or lock: it reads frozen data and builds its own
models. Its result is immutable; the page polls `progress`/`done` and reads `result`. While
the page draws (a click's run, a frame) it holds the job (`held()`): the job stops at its next
checkpoint (each call of `cancelled()`, between two model fits or two epochs) until the page
is done, so Python-bound fitting does not take the GIL from a Pause click.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

JOB_NICE = 10       # added to the job thread's niceness: the page and the trainer go first
HOLD_LIMIT = 5.0     # a page that never lets go (a crashed run) holds a job at most this long


class Job:
    """`fn(progress, cancelled)` on a thread; progress(share) reports 0..1."""

    def __init__(self, fn: Callable[[Callable[[float], None], Callable[[], bool]], Any],
                 name: str = "job") -> None:
        self.progress = 0.0
        self.result: Any = None
        self.error: str | None = None
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._go = threading.Event()
        self._go.set()
        self._holds = 0
        self._holds_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, args=(fn,), name=name, daemon=True)
        self._thread.start()

    def _run(self, fn) -> None:
        try:        # yield the CPU to the page's threads first (Linux: a per-thread nice)
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), JOB_NICE)
        except (AttributeError, OSError):
            pass
        try:
            self.result = fn(self._report, self._checkpoint)
        except Exception as exc:          # a failed job reports, never kills the page
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.progress = 1.0
            self._done.set()

    def _checkpoint(self) -> bool:
        """Wait while the page holds the job; then whether it was cancelled."""
        self._go.wait(HOLD_LIMIT)
        return self._cancel.is_set()

    @contextmanager
    def held(self) -> Iterator[None]:
        """The job waits at its next checkpoint until this block ends (nests)."""
        with self._holds_lock:
            self._holds += 1
            self._go.clear()
        try:
            yield
        finally:
            with self._holds_lock:
                self._holds -= 1
                if self._holds == 0:
                    self._go.set()

    def _report(self, share: float) -> None:
        self.progress = min(max(float(share), 0.0), 1.0)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def cancel(self) -> None:
        self._cancel.set()
        self._go.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)
