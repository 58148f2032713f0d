"""Data augmentation: new random versions of each training batch of images, made with torch ops.

Shifts, rotations and scaling are one affine map per image (`affine_grid` + `grid_sample`),
mirroring is an exact `flip`, noise is added and clipped to [0, 1], and cutout blanks a square
through a mask. Every random number comes from the generator the caller passes (the trainer's
own augmentation stream, seeded with the training seed + 2), never from torch's global RNG,
so a run is the same for the same seed whatever other sessions in the process do. The labels
never change, and neither do the inputs' shapes.

`engine/export/script.py` copies these functions into every exported script, so they use only
`math`, `torch` and `torch.nn.functional as F`.
"""
from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

__all__ = ["augmenting", "augment_batch"]


def augmenting(spec: Any) -> bool:
    """True when any augmentation of the training settings `spec` is on."""
    return bool(getattr(spec, "aug_shift", 0) or getattr(spec, "aug_rotate", 0)
                or getattr(spec, "aug_scale", 0) or getattr(spec, "aug_flip", 0)
                or getattr(spec, "aug_noise", 0) or getattr(spec, "aug_cutout", 0))


def augment_batch(x: Tensor, spec: Any, generator: torch.Generator, flips: bool) -> Tensor:
    """A randomly changed copy of the image batch `x` (N, C, H, W) in [0, 1].

    Per image, in this order: a mirror left-right (half the images, only when `flips`: the
    dataset allows it), one affine map (rotation up to ±aug_rotate degrees, zoom by a factor
    in 1 ± aug_scale, shift by up to ±aug_shift of the side along each axis; pixels moved in
    from outside are black), noise of standard deviation aug_noise, and a blanked square of
    side aug_cutout × H. `generator` (a CPU generator) draws every random number; an option
    that is off draws none.
    """
    n, _, h, w = x.shape
    dev = x.device

    def uniform(limit: float) -> Tensor:          # n draws in [-limit, limit]
        return ((torch.rand(n, generator=generator) * 2 - 1) * limit).to(dev)

    if flips and spec.aug_flip:
        mirror = (torch.rand(n, generator=generator) < 0.5).to(dev)
        x = torch.where(mirror[:, None, None, None], x.flip(-1), x)
    if spec.aug_rotate or spec.aug_scale or spec.aug_shift:
        angle = uniform(spec.aug_rotate * math.pi / 180) if spec.aug_rotate else \
            torch.zeros(n, device=dev)
        zoom = 1 + uniform(spec.aug_scale) if spec.aug_scale else torch.ones(n, device=dev)
        if spec.aug_shift:                         # normalised coordinates span 2 per side
            dx, dy = uniform(2 * spec.aug_shift), uniform(2 * spec.aug_shift)
        else:
            dx = dy = torch.zeros(n, device=dev)
        # The picture is turned by `angle`, zoomed by `zoom` and moved by (dx, dy): each
        # output pixel q reads the input at R(-angle)(q - d) / zoom.
        cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
        theta = torch.stack([torch.stack([cos, sin, -(cos * dx + sin * dy)], 1),
                             torch.stack([-sin, cos, sin * dx - cos * dy], 1)], 1)
        grid = F.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=False)
        x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    if spec.aug_noise:
        noise = torch.randn(x.shape, generator=generator).to(dev)
        x = (x + spec.aug_noise * noise).clamp(0.0, 1.0)
    if spec.aug_cutout:
        side = max(1, round(spec.aug_cutout * h))
        top = torch.randint(-(side // 2), h - side // 2, (n,), generator=generator).to(dev)
        left = torch.randint(-(side // 2), w - side // 2, (n,), generator=generator).to(dev)
        rows = torch.arange(h, device=dev)[None, :, None]
        cols = torch.arange(w, device=dev)[None, None, :]
        inside = ((rows >= top[:, None, None]) & (rows < top[:, None, None] + side)
                  & (cols >= left[:, None, None]) & (cols < left[:, None, None] + side))
        x = x.masked_fill(inside[:, None], 0.0)
    return x
