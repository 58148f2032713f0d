"""A background job with progress: a slow, pure computation (classic models, a learning curve)
on its own daemon thread, so the page keeps drawing and Pause stays prompt.

The job never touches the session's trainer or lock: it reads frozen data and builds its own
models. Its result is immutable; the page polls `progress`/`done` and reads `result`.
"""
from __future__ import annotations

import threading
from typing import Any, Callable


class Job:
    """`fn(progress, cancelled)` on a thread; progress(share) reports 0..1."""

    def __init__(self, fn: Callable[[Callable[[float], None], Callable[[], bool]], Any],
                 name: str = "job") -> None:
        self.progress = 0.0
        self.result: Any = None
        self.error: str | None = None
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(fn,), name=name, daemon=True)
        self._thread.start()

    def _run(self, fn) -> None:
        try:
            self.result = fn(self._report, self._cancel.is_set)
        except Exception as exc:          # a failed job reports, never kills the page
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.progress = 1.0
            self._done.set()

    def _report(self, share: float) -> None:
        self.progress = min(max(float(share), 0.0), 1.0)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)
