"""A student's own picture, turned into what the network sees: the dataset's size and channels.

The bytes come from a browser upload, so they are untrusted: size and pixel count are checked
from the header before any decoding (decompression bombs), the file is verified, and anything
that is not a readable PNG, JPEG, GIF, WebP or BMP becomes a DatasetError with a plain message.

Whatever Pillow decodes, in whatever mode (1-bit, grey, palette, 16- and 32-bit integer,
float, CMYK, YCbCr, LAB, HSV, with or without alpha, the first frame of an animation), is
first flattened to an 8-bit grey or RGB picture on white paper (`_flatten`); only that goes
on, to the network's input and to the preview the page shows, so no mode reaches code that
does not expect it.

The image sets here draw light ink on a dark background (MNIST, the 8×8 digits and the shapes
are white on black), while a photo of a digit is usually dark ink on light paper. So an image
whose border is mostly light is inverted, then its contrast is stretched, the drawing is
cropped to its ink, resized (keeping its aspect) into the frame with a margin, and scaled so
its brightest pixel is 1, like the datasets' strokes.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from .base import DatasetError

MAX_BYTES = 5 * 1024 * 1024          # larger uploads are refused before decoding
MAX_SIDE = 4096                      # pixels per side
MAX_PIXELS = MAX_SIDE * MAX_SIDE
INK = 0.2                            # pixels brighter than this (after inversion) are ink
PREVIEW_SIDE = 220                   # the preview's longer side, in pixels

# The formats a browser shows and Pillow reads without extra plugins (WebP only where Pillow
# was built with libwebp). Not TIFF, ICO, HEIC…: browsers mostly cannot show them either.
_EXTENSIONS = {"PNG": ("png",), "JPEG": ("jpg", "jpeg"), "GIF": ("gif",),
               "WEBP": ("webp",), "BMP": ("bmp",)}
_NAMES = {"WEBP": "WebP"}
Image.init()
FORMATS = tuple(f for f in _EXTENSIONS if f in Image.OPEN)
EXTENSIONS = tuple(e for f in FORMATS for e in _EXTENSIONS[f])    # for the file uploader
_names = [_NAMES.get(f, f) for f in FORMATS]
FORMAT_NAMES = ", ".join(_names[:-1]) + " or " + _names[-1]       # "PNG, JPEG, … or BMP"


@dataclass(frozen=True)
class Picture:
    """An upload, converted: what the network sees, and what the student sent, for display."""

    image: np.ndarray            # (C, H, W) float32 in [0, 1], the dataset's input shape
    preview: np.ndarray          # uint8 (h, w, 3), the picture as read, at most PREVIEW_SIDE


def _format_by_signature(data: bytes) -> str | None:
    """Which accepted format the first bytes announce (their magic number), if any."""
    for name in FORMATS:
        accept = Image.OPEN[name][1]
        if accept is not None and accept(data[:16]):
            return _NAMES.get(name, name)
    return None


def _open(data: bytes) -> Image.Image:
    """Decode `data` fully (the first frame), refusing oversized, non-image and damaged files."""
    if len(data) > MAX_BYTES:
        raise DatasetError(f"The file is {len(data) / 1e6:.1f} MB; the limit is "
                           f"{MAX_BYTES / 1e6:.0f} MB. Use a smaller picture.")
    if not data:
        raise DatasetError(f"The file is empty. Choose a {FORMAT_NAMES} picture.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # Pillow's notes on odd metadata: not for users
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=FORMATS)
            w, h = probe.size                   # read from the header; nothing decoded yet
            if w < 1 or h < 1:
                raise DatasetError(f"The picture is {w}×{h} pixels: it has nothing to show. "
                                   "Choose another picture.")
            if w > MAX_SIDE or h > MAX_SIDE or w * h > MAX_PIXELS:
                raise DatasetError(f"The picture is {w}×{h} pixels; the limit is "
                                   f"{MAX_SIDE}×{MAX_SIDE}. Use a smaller picture.")
            probe.verify()                      # checksums and structure, without decoding
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            image.load()                        # an animation's first frame only
    except DatasetError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DatasetError(f"The picture has far too many pixels; the limit is "
                           f"{MAX_SIDE}×{MAX_SIDE}. Use a smaller picture.") from None
    except Image.UnidentifiedImageError:
        announced = _format_by_signature(data)
        if announced:                           # e.g. a PNG whose header Pillow rejects
            raise DatasetError(f"The picture could not be read: it starts like a {announced} "
                               "file but looks damaged or incomplete. Try saving it again as "
                               "PNG or JPEG.") from None
        raise DatasetError(f"This file is not a {FORMAT_NAMES} picture. Choose an image file "
                           f"({', '.join('.' + e for e in EXTENSIONS)}), or save or export "
                           "it as PNG or JPEG first.") from None
    except Exception as exc:     # noqa: BLE001 - Pillow's decoders fail on damaged files
        # with many exception types (OSError, SyntaxError, ValueError, struct.error, …)
        raise DatasetError(f"The picture could not be read: it looks damaged or incomplete "
                           f"({type(exc).__name__}). Try saving it again as PNG or JPEG.") from None
    return image


def _upright(image: Image.Image) -> Image.Image:
    """Rotated as its EXIF orientation says (phone photos); broken EXIF is ignored."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ImageOps.exif_transpose(image)
    except Exception:            # noqa: BLE001 - metadata only: the pixels are still good
        return image


def _numeric(image: Image.Image) -> Image.Image:
    """A one-band integer or float picture (16-bit PNGs, I, F) as 8-bit grey.

    Scaled from min(0, lowest) to its highest value, so 0 stays black and a 12-bit scan in a
    16-bit file is not nearly black. NaN and infinite pixels are missing: they take the
    median of the others (most likely the paper), and a transparent value (16-bit grey PNGs
    can name one) becomes white paper.
    """
    raw = np.asarray(image, dtype=np.float64)
    finite = np.isfinite(raw)
    if not finite.any():
        return Image.new("L", image.size, 0)
    a = np.where(finite, raw, np.median(raw[finite]))
    lo, hi = min(0.0, float(a.min())), float(a.max())
    a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    clear = image.info.get("transparency")
    if isinstance(clear, (int, float)) and not isinstance(clear, bool):
        a[raw == clear] = 1.0
    return Image.fromarray(np.round(np.clip(a, 0.0, 1.0) * 255).astype(np.uint8), "L")


def _convert(image: Image.Image, mode: str) -> Image.Image:
    """`image.convert(mode)`, going through LA or RGB where Pillow has no direct route
    (La → L, LAB → L)."""
    for route in ((mode,), ("LA", mode), ("RGB", mode), ("RGBA", mode)):
        try:
            out = image
            for step in route:
                out = out.convert(step)
            return out
        except ValueError:
            continue
    raise DatasetError(f"Pictures stored in the “{image.mode}” colour mode cannot be read "
                       "here. Save it as an ordinary PNG or JPEG and try again.")


def _flatten(image: Image.Image) -> Image.Image:
    """Any mode → 8-bit 'L' (one grey band) or 'RGB', transparency laid on white (drawings
    are dark ink, so a transparent background is paper)."""
    image = _upright(image)
    bands = image.getbands()
    if len(bands) == 1 and bands[0] in ("I", "F"):          # I, I;16, I;16B, I;16L, I;16N, F
        return _numeric(image)
    grey = bands[0] in ("1", "L") and len(bands) <= 2        # 1, L, LA, La (P may be colour)
    if image.has_transparency_data:
        rgba = _convert(image, "RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    return _convert(image, "L" if grey else "RGB")


def _to_array(image: Image.Image, channels: int) -> np.ndarray:
    """(H, W, C) floats in [0, 1] from a flattened ('L' or 'RGB') picture."""
    a = np.asarray(image.convert("L" if channels == 1 else "RGB"), dtype=np.float32) / 255.0
    return a[..., None] if a.ndim == 2 else a


def _preview(image: Image.Image) -> np.ndarray:
    """A flattened picture as a small square uint8 (s, s, 3), for the page to show: a strip
    one pixel high is centred on white, so a page scaling it down never reaches zero rows."""
    small = image.convert("RGB")
    small.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.LANCZOS)
    side = max(small.size)
    square = Image.new("RGB", (side, side), (255, 255, 255))
    square.paste(small, ((side - small.width) // 2, (side - small.height) // 2))
    return np.asarray(square, dtype=np.uint8)


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


def _network_input(image: Image.Image, input_shape: tuple[int, int, int],
                   invert: bool | None) -> np.ndarray:
    """A flattened picture → the (C, H, W) float32 input, in [0, 1]."""
    channels, height, width = input_shape
    a = _to_array(image, channels)
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
    return np.ascontiguousarray(np.clip(out, 0.0, 1.0).transpose(2, 0, 1), dtype=np.float32)


def _check_shape(input_shape: tuple[int, int, int]) -> None:
    if input_shape[0] not in (1, 3):
        raise DatasetError(f"Pictures can be turned into 1 or 3 channels, not {input_shape[0]}.")


def picture_from_bytes(data: bytes, input_shape: tuple[int, int, int], *,
                       invert: bool | None = None) -> Picture:
    """An upload as the network's input and as a small preview of the picture as read.

    `invert=None` inverts when the picture's border is mostly light (dark ink on paper);
    True/False force it. Raises DatasetError with a message for the student.
    """
    _check_shape(input_shape)
    flat = _flatten(_open(data))
    return Picture(_network_input(flat, input_shape, invert), _preview(flat))


def image_from_pil(image: Image.Image, input_shape: tuple[int, int, int], *,
                   invert: bool | None = None) -> np.ndarray:
    """A decoded Pillow image, in any mode, as a float32 (C, H, W) image in [0, 1]."""
    _check_shape(input_shape)
    return _network_input(_flatten(image), input_shape, invert)


def image_from_bytes(data: bytes, input_shape: tuple[int, int, int], *,
                     invert: bool | None = None) -> np.ndarray:
    """An uploaded picture as a float32 (C, H, W) image in [0, 1], like the dataset's inputs.

    Same rules and errors as `picture_from_bytes`, without the preview.
    """
    _check_shape(input_shape)
    return image_from_pil(_open(data), input_shape, invert=invert)
