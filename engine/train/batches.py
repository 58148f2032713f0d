"""How an epoch is cut into mini-batches.

With batch norm a last batch of a single example cannot train (its batch statistics do not
exist, and torch raises), so that example joins the batch before it. Per-example training
weights (the data lab's re-weighting) follow the same shuffle and the same cut.
"""
from __future__ import annotations

import math

import torch


def batch_count(n: int, batch_size: int, batch_norm: bool) -> int:
    """Batches in an epoch of `n` examples."""
    count = math.ceil(n / batch_size)
    return count - 1 if batch_norm and count > 1 and n % batch_size == 1 else count


def cut_batches(x: torch.Tensor, y: torch.Tensor, batch_size: int,
                batch_norm: bool) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(inputs, targets) views of consecutive batches, in the order of `x` and `y`."""
    n = batch_count(len(x), batch_size, batch_norm)
    sizes = [batch_size] * (n - 1) + [len(x) - batch_size * (n - 1)]
    return list(zip(x.split(sizes), y.split(sizes)))


def with_weights(batches: list[tuple[torch.Tensor, torch.Tensor]], w: torch.Tensor | None,
                 order: torch.Tensor) -> list[tuple[torch.Tensor, ...]]:
    """`batches` as they are when `w` is None; else (inputs, targets, weights) per batch, the
    weights shuffled by the same `order` and cut at the same sizes as the examples."""
    if w is None:
        return batches
    cut = w[order].split([len(y) for _, y in batches])
    return [(x, y, wb) for (x, y), wb in zip(batches, cut)]
