"""Train/eval mode switching that always puts the model back as it was."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from torch import nn


@contextmanager
def eval_mode(model: nn.Module) -> Iterator[None]:
    """Switch to eval mode (dropout off, batch-norm running stats) and restore afterwards."""
    was = model.training
    try:
        model.eval()
        yield
    finally:
        model.train(was)
