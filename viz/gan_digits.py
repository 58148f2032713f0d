"""Digit images for the GAN lab: tiles of 8×8 pixel arrays as one crisp uint8 picture.

Each pixel becomes a `scale` × `scale` block (nearest neighbour), so the browser shows sharp
pixels instead of blurring an 8×8 image up; tiles are separated by a light gutter. numpy only.
"""
from __future__ import annotations

import numpy as np

GUTTER = 200          # grey level between tiles


def digit_grid(images: np.ndarray, cols: int, scale: int = 6, gap: int = 1) -> np.ndarray:
    """(n, 8, 8) values in [0, 1] (1 = ink) -> one uint8 picture, dark ink on white."""
    n = len(images)
    rows = -(-n // cols)
    side = 8 * scale
    out = np.full((rows * side + (rows - 1) * gap * scale,
                   cols * side + (cols - 1) * gap * scale), GUTTER, dtype=np.uint8)
    for i, img in enumerate(np.clip(images, 0, 1)):
        r, c = divmod(i, cols)
        tile = np.kron(255 - np.round(img * 255), np.ones((scale, scale)))     # ink is dark
        y, x = r * (side + gap * scale), c * (side + gap * scale)
        out[y:y + side, x:x + side] = tile.astype(np.uint8)
    return out
