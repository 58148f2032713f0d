"""The server's one source model: trained by the first session that needs it, then shared.

Every session's fine-tune job asks `shared_source().get(progress)`. The first call trains
(about a second on one core, reporting progress); calls that arrive meanwhile wait on the lock
and see the same progress; every later call returns the same read-only `SourceModel` at once.
"""
from __future__ import annotations

import threading
from typing import Callable

from engine.process_wide import process_wide
from engine.transfer.source import Progress, SourceModel, train_source


class SharedSource:
    """One lazily trained SourceModel; `trainings` counts how often it was trained (once)."""

    def __init__(self, train: Callable[..., SourceModel] = train_source) -> None:
        self._train = train
        self._lock = threading.Lock()
        self._model: SourceModel | None = None
        self.progress = 0.0          # of the training under way (1.0 once trained)
        self.trainings = 0

    @property
    def model(self) -> SourceModel | None:
        """The trained model, or None while nobody has needed it yet."""
        return self._model

    def get(self, progress: Progress | None = None) -> SourceModel:
        def report(share: float) -> None:
            self.progress = share
            if progress is not None:
                progress(share)

        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                self._model = self._train(report)
                self.trainings += 1
                self.progress = 1.0
            return self._model


shared_source = process_wide(SharedSource)
