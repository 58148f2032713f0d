"""Colours shared by every view: TF Playground's orange–grey–blue, plus class colours."""
from __future__ import annotations

import numpy as np

ORANGE = np.array([245, 147, 34], dtype=np.float32)    # #f59322: negative / class 0
GREY = np.array([232, 234, 235], dtype=np.float32)     # #e8eaeb: zero / undecided
BLUE = np.array([8, 119, 189], dtype=np.float32)       # #0877bd: positive / class 1
CLASS_COLOURS = np.array([[245, 147, 34], [8, 119, 189], [46, 160, 67], [214, 39, 40],
                          [148, 103, 189]], dtype=np.float32)


def hex_colour(rgb) -> str:
    r, g, b = (int(round(float(c))) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def diverging(values: np.ndarray, limit: float = 1.0, shades: int = 0) -> np.ndarray:
    """Map values in [-limit, limit] to orange (−) … grey (0) … blue (+), as uint8 RGB.

    `shades` > 0 quantises like TF Playground's 30 shades (cheaper to compress, calmer to look at).
    """
    t = np.clip(np.nan_to_num(values / max(limit, 1e-12)), -1.0, 1.0)[..., None]
    if shades:
        t = np.round(t * shades) / shades
    rgb = np.where(t < 0, GREY + (ORANGE - GREY) * -t, GREY + (BLUE - GREY) * t)
    return rgb.astype(np.uint8)


def class_colours(probs: np.ndarray) -> np.ndarray:
    """Colour each cell by its predicted class, fading to grey as confidence drops. (…, K) → RGB."""
    k = probs.shape[-1]
    winner = probs.argmax(axis=-1)
    confidence = probs.max(axis=-1)
    strength = np.clip((confidence - 1 / k) / (1 - 1 / k), 0, 1)[..., None]
    rgb = GREY + (CLASS_COLOURS[winner % len(CLASS_COLOURS)] - GREY) * strength
    return rgb.astype(np.uint8)
