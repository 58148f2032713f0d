"""Compact frames for the in-browser painter: uint8 maps in base64, one small JSON per frame.

The model math stays in torch on the server (the probe computes every neuron's grid); the
browser only turns bytes into pixels. A 50×50 map is 2.5 KB of uint8 instead of a PNG to
encode on the server, which is what lets many sessions share one small box
(research/streamlit-live-loop.md: 8.6–8.9 updates/s per tab with five tabs, against ~3 for
server-side PNG).
"""
from __future__ import annotations

import base64

import numpy as np

from engine.snapshot import NetworkLayout
from viz.palette import CLASS_COLOURS, diverging

LEVELS = 255            # a signed value in [-1, 1] becomes round((t + 1) / 2 * LEVELS)


def b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def quantize_signed(values: np.ndarray, limit: float) -> np.ndarray:
    """Values in [-limit, limit] → uint8 0..255 (128 ≈ zero); NaN becomes zero."""
    t = np.clip(np.nan_to_num(values / max(float(limit), 1e-12)), -1.0, 1.0)
    return np.round((t + 1.0) * (LEVELS / 2)).astype(np.uint8)


def signed_lut() -> list[int]:
    """RGB for each uint8 level, TF Playground's orange–grey–blue in 30 shades a side."""
    t = np.arange(LEVELS + 1) / (LEVELS / 2) - 1.0
    return diverging(t, 1.0, shades=30).reshape(-1).astype(int).tolist()


def neuron_map(values: np.ndarray) -> np.ndarray:
    """One neuron's map (R, R), y up, each scaled by its own largest magnitude (as the PNGs)."""
    limit = float(np.max(np.abs(values))) if values.size else 1.0
    return quantize_signed(values, limit or 1.0)[::-1]


def output_map(output: np.ndarray, *, classification: bool, discretize: bool) -> dict:
    """The output over the plane: a signed map, or class index + confidence for 3+ classes."""
    if classification and output.shape[-1] > 2:
        k = output.shape[-1]
        winner = output.argmax(-1).astype(np.uint8)
        confidence = output.max(-1)
        strength = np.clip((confidence - 1 / k) / (1 - 1 / k), 0, 1)
        if discretize:
            strength = np.ones_like(strength)
        return {"mode": "classes", "cls": b64(winner[::-1]),
                "strength": b64(np.round(strength[::-1] * LEVELS).astype(np.uint8))}
    value = output[..., 1] - output[..., 0] if classification else output[..., 0]
    if discretize:
        value = np.sign(value)
    return {"mode": "signed", "map": b64(quantize_signed(value, 1.0)[::-1])}


def points_payload(points: np.ndarray, labels: np.ndarray,
                   extent: tuple[float, float, float, float], *, classification: bool) -> dict:
    """Point positions as uint16 fractions of the plane (y down) and a colour per point."""
    x0, x1, y0, y1 = extent
    fx = np.clip((points[:, 0] - x0) / (x1 - x0), 0, 1)
    fy = np.clip(1 - (points[:, 1] - y0) / (y1 - y0), 0, 1)
    xy = np.round(np.stack([fx, fy], axis=1) * 65535).astype("<u2")
    if classification:
        colours = CLASS_COLOURS[labels.astype(int) % len(CLASS_COLOURS)]
    else:
        colours = diverging(labels.astype(np.float32), 1.0)
    return {"n": int(len(points)), "xy": b64(xy), "rgb": b64(colours.astype(np.uint8))}


def layout_payload(layout: NetworkLayout, map_index: dict[str, int], selected: str) -> dict:
    """Columns with each neuron's map index (-1: none; -2 - i: the i-th fixed map), and
    weights rounded for a small JSON."""
    more = layout.more or (0,) * len(layout.titles)
    columns = [{"title": title, "labels": list(labels), "more": hidden,
                "maps": [map_index.get(label, -1) for label in labels]}
               for title, labels, hidden in zip(layout.titles, layout.labels, more)]
    weights = [None if w is None else
               [[None if not np.isfinite(v) else round(float(v), 4) for v in row] for row in w]
               for w in layout.weights]                      # NaN (no edge) → null in JSON
    return {"columns": columns, "weights": weights, "selected": selected}


def _stack(maps: dict[str, np.ndarray], names: list[str], thumb_step: int) -> str:
    return b64(np.stack([neuron_map(maps[n][::thumb_step, ::thumb_step]) for n in names])
               if names else np.zeros((0,), np.uint8))


def frame_payload(*, frame: int, resolution: int, maps: dict[str, np.ndarray], big: dict,
                  caption: str, points: list[dict], layout: NetworkLayout, selected: str,
                  size: int, thumb_step: int = 2, fixed: frozenset[str] = frozenset()) -> dict:
    """Everything one frame of the painter needs, JSON-serialisable.

    Neuron thumbnails are drawn 40 px wide, so they take every `thumb_step`-th grid cell: the
    heaviest preset's 50 maps cost 42 KB a frame instead of 170 KB. The maps named in `fixed`
    (the inputs': they never change while training) go in a stack of their own, "imaps",
    which the painter keeps, like the colour tables and the points, between frames
    (ui/views/painter.py sends such parts only when they change).
    """
    moving = [n for n in maps if n not in fixed]
    still = [n for n in maps if n in fixed]
    index = {n: i for i, n in enumerate(moving)} | {n: -2 - i for i, n in enumerate(still)}
    small = -(-resolution // thumb_step)
    return {"frame": frame, "r": resolution, "rs": small, "size": size, "lut": signed_lut(),
            "classes": CLASS_COLOURS.astype(int).tolist(), "maps": _stack(maps, moving, thumb_step),
            "imaps": _stack(maps, still, thumb_step), "big": big,
            "caption": caption, "points": points, "net": layout_payload(layout, index, selected)}
