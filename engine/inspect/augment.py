"""What the network sees: a few training images and random versions of them, made with the
trainer's current augmentation settings.

The versions come from a generator of their own (seeded with the training seed and the epoch),
never from the trainer's streams or torch's global RNG, so looking never changes a run; the
strip changes from epoch to epoch, like the batches it shows.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from engine.train.augment import augment_batch, augmenting

__all__ = ["AugmentedSamples", "augmented_samples"]


@dataclass(frozen=True)
class AugmentedSamples:
    """Training images (N, C, H, W), their versions (N, V, C, H, W) and labels (N,)."""

    images: np.ndarray
    versions: np.ndarray
    labels: np.ndarray
    on: bool                 # any augmentation on (else the versions are the images)


def _picks(labels: np.ndarray, n: int) -> np.ndarray:
    """Up to `n` training images, one per class first (the first of each), in class order."""
    firsts = [int(np.flatnonzero(labels == c)[0]) for c in np.unique(labels)]
    rest = [i for i in range(len(labels)) if i not in set(firsts)]
    return np.array((firsts + rest)[:n], dtype=np.int64)


@torch.no_grad()
def augmented_samples(trainer, n_images: int = 5, n_versions: int = 4) -> AugmentedSamples:
    """`n_images` training images of `trainer` and `n_versions` augmented versions of each,
    as the trainer's settings would make them now (mirroring only where the dataset allows)."""
    x = trainer.x_train
    if x.dim() != 4:
        raise ValueError("Augmentation samples need image data (N, C, H, W).")
    labels = np.asarray(trainer.dataset.y_train)
    picks = _picks(labels, n_images)
    images = x[torch.as_tensor(picks, device=x.device)]
    spec = trainer.spec
    on = augmenting(spec)
    if on:
        generator = torch.Generator().manual_seed(
            (spec.seed * 1_000_003 + trainer.epoch) % (2**63 - 1))
        batch = images.repeat_interleave(n_versions, dim=0)
        out = augment_batch(batch, spec, generator, trainer.flips_allowed)
    else:
        out = images.repeat_interleave(n_versions, dim=0)
    versions = out.reshape(len(picks), n_versions, *images.shape[1:])
    return AugmentedSamples(images.float().cpu().numpy().copy(),
                            versions.float().cpu().numpy().copy(), labels[picks].copy(), on)
