"""Training: the Trainer (state, events), objectives, the background runner, torch runtime."""
from engine.spec.experiment import needs_rebuild
from engine.train.trainer import (DIVERGED, EARLY_STOPPED, FINISHED, READY, EpochMetrics,
                                  Trainer)

__all__ = ["DIVERGED", "EARLY_STOPPED", "FINISHED", "READY", "EpochMetrics", "Trainer",
           "needs_rebuild"]
