"""A student's own picture, turned into what the network sees: the dataset's size and channels.

The bytes come from a browser upload, so they are untrusted: size and pixel count are checked
from the header before any decoding (decompression bombs), the file is verified, and anything
that is not a readable PNG or JPEG becomes a DatasetError with a plain message.

The image sets here draw light ink on a dark background (MNIST, the 8×8 digits and the shapes
are white on black), while a photo of a digit is usually dark ink on light paper. So an image
whose border is mostly light is inverted, then its contrast is stretched, the drawing is
cropped to its ink, resized (keeping its aspect) into the frame with a margin, and scaled so
its brightest pixel is 1, like the datasets' strokes.
"""
from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps

from .base import DatasetError

MAX_BYTES = 5 * 1024 * 1024          # larger uploads are refused before decoding
MAX_SIDE = 4096                      # pixels per side
MAX_PIXELS = MAX_SIDE * MAX_SIDE
FORMATS = ("PNG", "JPEG")
INK = 0.2                            # pixels brighter than this (after inversion) are ink


def _open(data: bytes) -> Image.Image:
    """Decode `data` fully, refusing oversized, non-image and damaged files."""
    if len(data) > MAX_BYTES:
        raise DatasetError(f"The file is {len(data) / 1e6:.1f} MB; the limit is "
                           f"{MAX_BYTES / 1e6:.0f} MB. Use a smaller picture.")
    if not data:
        raise DatasetError("The file is empty. Choose a PNG or JPEG picture.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=FORMATS)
            w, h = probe.size                   # read from the header; nothing decoded yet
            if w > MAX_SIDE or h > MAX_SIDE or w * h > MAX_PIXELS:
                raise DatasetError(f"The picture is {w}×{h} pixels; the limit is "
                                   f"{MAX_SIDE}×{MAX_SIDE}. Use a smaller picture.")
            probe.verify()                      # checksums and structure, without decoding
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            image.load()
    except DatasetError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DatasetError(f"The picture has far too many pixels; the limit is "
                           f"{MAX_SIDE}×{MAX_SIDE}. Use a smaller picture.") from None
    except Image.UnidentifiedImageError:
        raise DatasetError("This file is not a PNG or JPEG picture. Choose an image file "
                           "(.png, .jpg, .jpeg).") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as exc:
        raise DatasetError(f"The picture could not be read: it looks damaged or incomplete "
                           f"({type(exc).__name__}). Try saving it again as PNG or JPEG.") from None
    return image


def _to_array(image: Image.Image, channels: int) -> np.ndarray:
    """(H, W, C) floats in [0, 1]; transparency is laid on white (drawings are dark ink)."""
    image = ImageOps.exif_transpose(image)        # phone photos store rotation in EXIF
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        a = np.asarray(image, dtype=np.float32)
        a = a / (float(a.max()) or 1.0)
        return np.repeat(a[..., None], channels, axis=2)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    image = image.convert("L" if channels == 1 else "RGB")
    a = np.asarray(image, dtype=np.float32) / 255.0
    return a[..., None] if a.ndim == 2 else a


def _border(a: np.ndarray) -> np.ndarray:
    """The outermost ring of pixels, (n, C)."""
    return np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])


def _fit(a: np.ndarray, height: int, width: int, margin: int) -> np.ndarray:
    """Crop to the ink, resize keeping the aspect ratio into the frame, pad with black."""
    ink = a.max(axis=2) > INK
    if ink.any():
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        a = a[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    inner_h, inner_w = max(height - 2 * margin, 1), max(width - 2 * margin, 1)
    scale = min(inner_h / a.shape[0], inner_w / a.shape[1])
    new_h = min(max(round(a.shape[0] * scale), 1), inner_h)
    new_w = min(max(round(a.shape[1] * scale), 1), inner_w)
    out = np.zeros((height, width, a.shape[2]), dtype=np.float32)
    top, left = (height - new_h) // 2, (width - new_w) // 2
    for c in range(a.shape[2]):
        plane = Image.fromarray(np.ascontiguousarray(a[..., c], dtype=np.float32))
        out[top:top + new_h, left:left + new_w, c] = np.asarray(
            plane.resize((new_w, new_h), Image.Resampling.BOX), dtype=np.float32)
    return out


def image_from_bytes(data: bytes, input_shape: tuple[int, int, int], *,
                     invert: bool | None = None) -> np.ndarray:
    """An uploaded PNG/JPEG as a float32 (C, H, W) image in [0, 1], like the dataset's inputs.

    `invert=None` inverts when the picture's border is mostly light (dark ink on paper);
    True/False force it. Raises DatasetError with a message for the student.
    """
    channels, height, width = input_shape
    if channels not in (1, 3):
        raise DatasetError(f"Pictures can be turned into 1 or 3 channels, not {channels}.")
    a = _to_array(_open(data), channels)
    if invert is None:
        invert = float(np.median(_border(a))) > 0.5
    if invert:
        a = 1.0 - a
    lo, hi = float(np.percentile(_border(a), 50)), float(a.max())
    a = np.clip((a - lo) / (hi - lo), 0.0, 1.0) if hi - lo > 1e-3 else np.zeros_like(a)
    margin = round(0.15 * min(height, width)) if min(height, width) > 8 else 0
    out = _fit(a, height, width, margin)
    peak = float(out.max())
    if peak > 1e-3:                      # shrinking thins strokes: make the brightest ink 1,
        out = out / peak                 # as in the datasets
    return np.ascontiguousarray(out.transpose(2, 0, 1), dtype=np.float32)
