"""Pictures of a conv net at work: feature maps, filters, saliency, probabilities, galleries.

Numpy in, pixels (uint8 RGB), HTML/SVG strings or a plotly figure out. Anything that changes
several times a second is painted as PNG (viz/raster.py measured why); plotly is kept for the
confusion matrix, which people hover and which refreshes less often.
"""
from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go

from viz.palette import BLUE, GREY, diverging, hex_colour
from viz.raster import data_uri, to_png

WHITE = 255
HEAT = np.array([214, 39, 40], dtype=np.float32)          # saliency red
SCALES = ("layer", "map")                                 # shared per layer, or per map


def image_rgb(image: np.ndarray) -> np.ndarray:
    """A model input (C, H, W) in [0, 1] as uint8 (H, W, 3): grey for 1 channel, RGB for 3."""
    a = np.clip(np.nan_to_num(image), 0.0, 1.0)
    a = np.repeat(a[:1], 3, axis=0) if a.shape[0] != 3 else a
    return (a.transpose(1, 2, 0) * 255 + 0.5).astype(np.uint8)


def enlarge(rgb: np.ndarray, size: int) -> np.ndarray:
    """Blow a small image up by a whole factor (longer side about `size` px), crisp pixels."""
    f = max(1, size // max(rgb.shape[:2]))
    return np.repeat(np.repeat(rgb, f, axis=0), f, axis=1) if f > 1 else rgb


def mosaic(tiles: list[np.ndarray], cols: int, gap: int = 2, fill: int = WHITE) -> np.ndarray:
    """Equal-size RGB tiles in a grid, row by row, separated by `gap` px of `fill`."""
    if not tiles:
        return np.full((1, 1, 3), fill, dtype=np.uint8)
    h, w = tiles[0].shape[:2]
    rows = math.ceil(len(tiles) / cols)
    out = np.full((rows * h + (rows - 1) * gap, cols * w + (cols - 1) * gap, 3), fill,
                  dtype=np.uint8)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, cols)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = tile
    return out


def map_tiles(maps: np.ndarray, scale: str = "layer") -> list[np.ndarray]:
    """Each channel of a (C, H, W) layer output as a diverging RGB tile (blue +, orange −).

    scale="layer" shares one colour range across the layer, so strong and weak channels can be
    compared; "map" stretches every map to its own range, so faint patterns become visible.
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}")
    a = np.nan_to_num(maps.astype(np.float32))
    if scale == "layer":
        limits = np.full((len(a), 1, 1), float(np.abs(a).max()) or 1.0, dtype=np.float32)
    else:
        limits = np.abs(a).reshape(len(a), -1).max(axis=1)[:, None, None]
        limits[limits == 0] = 1.0
    return list(diverging(a / limits, 1.0))


def layer_column(maps: np.ndarray, *, tile: int, scale: str = "layer",
                 max_rows: int = 8) -> np.ndarray:
    """One layer's maps stacked top to bottom (wrapping into more columns past `max_rows`)."""
    tiles = list(enlarge_all(np.stack(map_tiles(maps, scale)), tile))
    cols = math.ceil(len(tiles) / max_rows)
    return mosaic(tiles, cols)


def tile_size(height: int) -> int:
    """Display size of one map: small inputs get more magnification."""
    return 64 if height <= 16 else 56


def feature_maps_html(columns: list[tuple[str, str, bytes]]) -> str:
    """CNN Explainer's overview: one column per layer, left to right, titled, scrolls sideways.

    `columns` holds (title, subtitle, PNG bytes) per layer, the input first.
    """
    cells = []
    for title, subtitle, png in columns:
        cells.append(
            '<div style="flex:0 0 auto;text-align:center">'
            f'<div style="font-weight:600;font-size:0.85rem">{html.escape(title)}</div>'
            f'<div style="color:#666;font-size:0.75rem;margin-bottom:4px">'
            f'{html.escape(subtitle)}</div>'
            f'<img src="{data_uri(png)}" style="image-rendering:pixelated"/></div>')
    arrow = '<div style="flex:0 0 auto;align-self:center;color:#999;font-size:1.2rem">→</div>'
    return ('<div style="display:flex;gap:10px;overflow-x:auto;align-items:flex-start;'
            f'padding-bottom:6px">{arrow.join(cells)}</div>')


def filter_grid(weights: np.ndarray, *, tile: int = 40) -> np.ndarray:
    """Conv weights (C_out, C_in, k, k) as a grid: one row per filter, one column per input
    channel, all on the layer's shared diverging scale (blue: positive weight)."""
    limit = float(np.abs(weights).max()) or 1.0
    c_out, c_in = weights.shape[:2]
    rgb = enlarge_all(diverging(weights, limit), tile)          # (C_out, C_in, t, t, 3)
    return mosaic(list(rgb.reshape(c_out * c_in, *rgb.shape[2:])), cols=c_in,
                  gap=3 if c_in > 1 else 2)


def enlarge_all(rgb: np.ndarray, size: int) -> np.ndarray:
    """`enlarge` for a stack of images (..., h, w, 3) at once."""
    f = max(1, size // max(rgb.shape[-3:-1]))
    return np.repeat(np.repeat(rgb, f, axis=-3), f, axis=-2) if f > 1 else rgb


def first_layer_filters(weights: np.ndarray, *, tile: int = 48, cols: int = 8) -> np.ndarray:
    """The first conv layer's filters side by side (input channels summed when not RGB)."""
    limit = float(np.abs(weights).max()) or 1.0
    if weights.shape[1] == 3:                      # an RGB filter is shown as colours
        w = weights - weights.min()
        w = w / (float(w.max()) or 1.0)
        tiles = [enlarge((f.transpose(1, 2, 0) * 255).astype(np.uint8), tile) for f in w]
    else:
        tiles = [enlarge(diverging(f.sum(axis=0), limit * f.shape[0]), tile) for f in weights]
    return mosaic(tiles, cols=min(cols, len(tiles)), gap=3)


def saliency_rgb(image: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """|∂score/∂pixel| (max over channels) as red heat over the dimmed input, (H, W, 3)."""
    base = image_rgb(image).astype(np.float32) * 0.45
    heat = np.abs(np.nan_to_num(grad)).max(axis=0)
    heat = heat / (float(heat.max()) or 1.0)
    out = base * (1 - heat[..., None]) + HEAT * heat[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def probabilities_svg(probs: np.ndarray, class_names: tuple[str, ...], *,
                      true_class: int | None = None, width: int = 300) -> str:
    """Horizontal bars of the class probabilities; the predicted class in blue, ✓ marks truth."""
    row, label_w = 18, 92
    height = row * len(probs) + 4
    top = int(np.argmax(probs)) if len(probs) else -1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             'font-family="sans-serif" font-size="11">']
    bar_w = width - label_w - 44
    for i, (p, name) in enumerate(zip(probs, class_names)):
        y = 2 + i * row
        colour = hex_colour(BLUE) if i == top else "#9aa5b1"
        mark = " ✓" if i == true_class else ""
        weight = ' font-weight="bold"' if i == true_class else ""
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end"{weight}>'
            f'{html.escape(str(name)[:14])}{mark}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="{row - 5}" '
            f'fill="{hex_colour(GREY)}"/>'
            f'<rect x="{label_w}" y="{y + 2}" width="{max(float(p), 0.0) * bar_w:.1f}" '
            f'height="{row - 5}" fill="{colour}"/>'
            f'<text x="{label_w + bar_w + 4}" y="{y + 12}">{float(p):.0%}</text>')
    parts.append("</svg>")
    return "".join(parts)


def plot_confusion(matrix: np.ndarray, class_names: tuple[str, ...]) -> go.Figure:
    """Test-set confusion matrix with counts in the cells: rows true, columns predicted."""
    names = [str(n) for n in class_names]
    fig = go.Figure(go.Heatmap(
        z=matrix, x=names, y=names, text=matrix, texttemplate="%{text}",
        colorscale=[[0, "#ffffff"], [1, hex_colour(BLUE)]], showscale=False,
        hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>"))
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=10, b=10),
                      xaxis=dict(title="predicted", side="top", type="category"),
                      yaxis=dict(title="true", autorange="reversed", type="category"))
    return fig


def gallery_html(items: list[tuple[np.ndarray, str]], *, size: int = 56) -> str:
    """Small images with a caption under each, wrapping: samples or mistakes."""
    cells = [
        f'<figure style="margin:0;text-align:center;width:{size + 8}px">'
        f'<img src="{data_uri(to_png(enlarge(image_rgb(img), size)))}" '
        f'style="image-rendering:pixelated"/>'
        f'<figcaption style="font-size:0.7rem;line-height:1.1">{html.escape(caption)}'
        '</figcaption></figure>' for img, caption in items]
    return f'<div style="display:flex;flex-wrap:wrap;gap:6px">{"".join(cells)}</div>'


def class_gallery_html(images: np.ndarray, labels: np.ndarray, class_names: tuple[str, ...],
                       *, per_class: int = 8, size: int = 40) -> str:
    """A row of samples per class, the class name in front: what the data looks like."""
    rows = []
    for k, name in enumerate(class_names):
        picks = np.flatnonzero(labels == k)[:per_class]
        tiles = [enlarge(image_rgb(images[i]), size) for i in picks]
        strip = data_uri(to_png(mosaic(tiles, cols=max(len(tiles), 1))))
        rows.append(f'<div style="display:flex;align-items:center;gap:8px">'
                    f'<div style="width:90px;text-align:right;font-size:0.8rem">'
                    f'{html.escape(str(name))}</div><img src="{strip}"/></div>')
    return f'<div style="display:flex;flex-direction:column;gap:4px">{"".join(rows)}</div>'


def augment_strip_html(images: np.ndarray, versions: np.ndarray, labels: np.ndarray,
                       class_names: tuple[str, ...], *, size: int = 56) -> str:
    """One row per training image: the image as stored, an arrow, then its augmented versions
    (N, V, C, H, W): what the network is shown in its place."""
    cell = ('<figure style="margin:0;text-align:center"><img src="{}" style="image-rendering:'
            'pixelated;border:1px solid #ddd"/><figcaption style="font-size:0.7rem;'
            'line-height:1.2">{}</figcaption></figure>')
    rows = []
    for image, copies, label in zip(images, versions, labels):
        name = html.escape(str(class_names[int(label)])) if 0 <= int(label) < len(
            class_names) else str(int(label))
        tiles = [enlarge(image_rgb(v), size) for v in copies]
        strip = data_uri(to_png(mosaic(tiles, cols=max(len(tiles), 1))))
        rows.append('<div style="display:flex;align-items:flex-start;gap:8px">'
                    + cell.format(data_uri(to_png(enlarge(image_rgb(image), size))),
                                  f"{name}: stored")
                    + '<div style="align-self:center;color:#888">→</div>'
                    + cell.format(strip, "random versions the network trains on") + "</div>")
    return ('<div class="augment-strip" style="display:flex;flex-direction:column;gap:6px">'
            + "".join(rows) + "</div>")
