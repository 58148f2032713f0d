"""Heatmaps as PNG bytes: the live views paint pixels, 10 times a second, cheaply.

Measured for this project: PNG via `st.image` kept ~10 updates/s where plotly heatmaps managed
~5 (research/streamlit-live-loop.md), so live maps are rasters and plotly is kept for charts
people hover and zoom.
"""
from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image, ImageDraw

from viz.palette import CLASS_COLOURS, class_colours, diverging


def to_png(rgb: np.ndarray) -> bytes:
    """uint8 (H, W, 3) → PNG bytes (fast zlib level: these frames live for 100 ms)."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def output_rgb(output: np.ndarray, *, classification: bool, discretize: bool = False) -> np.ndarray:
    """The output layer over the plane, (R, R, K) → (R, R, 3), rows flipped so y points up.

    Two classes use TF Playground's diverging map of P(blue) − P(orange); three or more colour
    each cell by its predicted class with confidence as intensity; regression maps the value.
    """
    if classification and output.shape[-1] > 2:
        probs = output
        if discretize:
            probs = np.eye(output.shape[-1])[output.argmax(-1)]
        rgb = class_colours(probs)
    else:
        value = output[..., 1] - output[..., 0] if classification else output[..., 0]
        if discretize:
            value = np.sign(value)
        rgb = diverging(value, 1.0, shades=30)
    return rgb[::-1]


def neuron_rgb(values: np.ndarray) -> np.ndarray:
    """One neuron's output over the plane, scaled by its own largest magnitude; y up."""
    limit = float(np.max(np.abs(values))) or 1.0
    return diverging(values, limit, shades=30)[::-1]


def upscale(rgb: np.ndarray, size: int) -> np.ndarray:
    return np.asarray(Image.fromarray(rgb).resize((size, size), Image.NEAREST))


def draw_points(rgb: np.ndarray, points: np.ndarray, labels: np.ndarray,
                extent: tuple[float, float, float, float], *, classification: bool,
                hollow: bool = False) -> np.ndarray:
    """Scatter data points on an image of the plane; test points drawn hollow."""
    img = Image.fromarray(rgb)
    draw = ImageDraw.Draw(img)
    h, w = rgb.shape[:2]
    x0, x1, y0, y1 = extent
    px = (points[:, 0] - x0) / (x1 - x0) * (w - 1)
    py = (1 - (points[:, 1] - y0) / (y1 - y0)) * (h - 1)
    if classification:
        colours = CLASS_COLOURS[labels.astype(int) % len(CLASS_COLOURS)]
    else:
        colours = diverging(labels.astype(np.float32), 1.0)
    r = max(2, w // 110)
    for x, y, c in zip(px, py, colours.astype(int)):
        box = (x - r, y - r, x + r, y + r)
        colour = tuple(int(v) for v in c)
        if hollow:
            draw.ellipse(box, outline=colour, width=2)
        else:
            draw.ellipse(box, fill=colour, outline=(255, 255, 255))
    return np.asarray(img)


def thumbnail(points: np.ndarray, labels: np.ndarray, extent: tuple[float, float, float, float],
              *, classification: bool, size: int = 72) -> bytes:
    """A dataset's look at a glance (for the picker): its points on a plain grey square."""
    from viz.palette import GREY
    canvas = np.broadcast_to(GREY.astype(np.uint8), (size, size, 3)).copy()
    return to_png(draw_points(canvas, points, labels, extent, classification=classification))
