"""Training: the Trainer (state, events), objectives, the background runner, torch runtime."""
from engine.train.trainer import (DIVERGED, EARLY_STOPPED, FINISHED, READY, EpochMetrics,
                                  Trainer, needs_rebuild)

__all__ = ["DIVERGED", "EARLY_STOPPED", "FINISHED", "READY", "EpochMetrics", "Trainer",
           "needs_rebuild"]
