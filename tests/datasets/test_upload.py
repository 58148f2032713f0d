"""A student's picture → the dataset's size and channels; bad files → clear messages.

Every mode Pillow can hand us is built in memory: from bytes in each accepted format where the
format can store it, and as a Pillow image (`image_from_pil`) for the modes none of them store
(La, PA, RGBa, LAB, HSV, I, I;16L/N, F, …)."""
import io
import struct
import time
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

from datasets import DatasetError
from datasets.upload import (EXTENSIONS, MAX_BYTES, PREVIEW_SIDE, image_from_bytes,
                             image_from_pil, picture_from_bytes)

MNIST = (1, 28, 28)


def encode(image: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **kw)
    return buf.getvalue()


def paper_digit(size=(300, 200), mode="RGB") -> Image.Image:
    """A dark vertical stroke on light paper, off-centre, like a photo of a handwritten 1."""
    img = Image.new(mode, size, "white")
    ImageDraw.Draw(img).rectangle((40, 30, 70, 170), fill="black")
    return img


def test_png_of_dark_ink_on_paper_becomes_an_mnist_like_image():
    x = image_from_bytes(encode(paper_digit()), MNIST)
    assert x.shape == MNIST and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert x[0, 0, 0] == 0.0 and x[0, 27, 27] == 0.0         # background black after inverting
    assert x[0, 14, 14] > 0.9                                  # the stroke is bright, centred
    ink = x[0] > 0.5
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    assert rows[0] >= 3 and rows[-1] <= 24                     # fits the frame with a margin
    assert (rows[-1] - rows[0]) > 3 * (cols[-1] - cols[0])     # aspect kept: still tall, thin


def test_jpeg_in_colour_to_three_channels_and_small_digits_size():
    img = Image.new("RGB", (640, 480), (250, 250, 240))
    ImageDraw.Draw(img).ellipse((200, 100, 440, 380), outline=(20, 20, 200), width=30)
    x = image_from_bytes(encode(img, "JPEG", quality=90), (3, 8, 8))
    assert x.shape == (3, 8, 8)
    assert x[0].max() > 2 * x[2].max()       # per channel: inverted blue ink is yellow
    grey = image_from_bytes(encode(img, "JPEG"), (1, 8, 8))
    assert grey.shape == (1, 8, 8) and grey.max() == pytest.approx(1.0)


def test_light_ink_on_dark_is_not_inverted_unless_asked():
    img = Image.new("L", (50, 50), 0)
    ImageDraw.Draw(img).rectangle((20, 5, 30, 45), fill=255)
    auto = image_from_bytes(encode(img), MNIST)
    assert auto[0, 14, 14] > 0.9 and auto[0, 0, 0] == 0.0
    forced = image_from_bytes(encode(img), MNIST, invert=True)
    assert not np.allclose(forced, auto)


def test_transparent_png_drawing_is_laid_on_white():
    img = Image.new("RGBA", (60, 60), (0, 0, 0, 0))           # transparent background
    ImageDraw.Draw(img).rectangle((25, 10, 35, 50), fill=(0, 0, 0, 255))
    x = image_from_bytes(encode(img), MNIST)
    assert x[0, 14, 14] > 0.9 and x[0, 0, 0] == 0.0


def test_sixteen_bit_and_palette_pngs():
    a = np.zeros((40, 40), dtype=np.uint16)
    a[10:30, 18:22] = 60000
    x = image_from_bytes(encode(Image.fromarray(a)), MNIST)
    assert x.max() == pytest.approx(1.0) and x[0, 0, 0] == 0.0
    x = image_from_bytes(encode(paper_digit().convert("P")), MNIST)
    assert x[0, 14, 14] > 0.9


def test_a_blank_picture_gives_a_black_image():
    x = image_from_bytes(encode(Image.new("L", (30, 30), 255)), MNIST)
    assert not x.any()


def test_random_bytes_are_not_an_image():
    with pytest.raises(DatasetError, match="not a PNG, JPEG, GIF, WebP or BMP picture"):
        image_from_bytes(np.random.default_rng(0).bytes(2000), MNIST)


@pytest.mark.parametrize("fmt", ["TIFF", "ICO", "PPM", "TGA", "PDF"])
def test_other_formats_are_refused_plainly(fmt):
    with pytest.raises(DatasetError, match="not a PNG, JPEG, GIF, WebP or BMP picture") as err:
        image_from_bytes(encode(paper_digit(), fmt), MNIST)
    assert ".webp" in str(err.value) and "save or export it as PNG or JPEG" in str(err.value)


def test_truncated_png_is_reported_as_damaged():
    noisy = Image.fromarray(np.random.default_rng(1).integers(0, 255, (120, 120), np.uint8))
    data = encode(noisy)
    with pytest.raises(DatasetError, match="damaged"):
        image_from_bytes(data[: len(data) // 2], MNIST)


def test_corrupt_jpeg_body_is_reported_as_damaged():
    data = bytearray(encode(paper_digit(), "JPEG"))
    data[len(data) // 2:] = b"\x00" * (len(data) - len(data) // 2)
    with pytest.raises(DatasetError, match="damaged"):
        image_from_bytes(bytes(data[: len(data) * 3 // 4]), MNIST)


def huge_header_png(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR claiming an enormous image, then a tiny IDAT."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_decompression_bomb_header_is_refused_before_decoding():
    start = time.perf_counter()
    with pytest.raises(DatasetError, match="limit is 4096×4096"):
        image_from_bytes(huge_header_png(100_000, 100_000), MNIST)   # PIL's own bomb check
    with pytest.raises(DatasetError, match="5000×10 pixels; the limit is 4096×4096"):
        image_from_bytes(huge_header_png(5000, 10), MNIST)           # ours, from the header
    assert time.perf_counter() - start < 1.0


def test_oversized_and_empty_files():
    with pytest.raises(DatasetError, match="limit is 5 MB"):
        image_from_bytes(b"\x89PNG" + b"\x00" * MAX_BYTES, MNIST)
    with pytest.raises(DatasetError, match="empty"):
        image_from_bytes(b"", MNIST)


def test_unsupported_channel_count():
    with pytest.raises(DatasetError, match="1 or 3 channels"):
        image_from_bytes(encode(paper_digit()), (2, 8, 8))


# ---- every mode, every accepted format ------------------------------------------------------

SHAPES = [(1, 8, 8), (1, 28, 28), (3, 32, 32)]     # digits, MNIST and shapes; RGB supported too


def bar(size=(48, 36)) -> Image.Image:
    """'L': a dark vertical bar on light paper, a stroke the result must keep upright."""
    img = Image.new("L", size, 235)
    ImageDraw.Draw(img).rectangle((20, 5, 27, 30), fill=10)
    return img


CLEAR = 90                                           # the grey of the transparent background


def on_clear(mode="RGBA") -> Image.Image:
    """The bar in opaque black on a fully transparent dark grey background (which must become
    white paper: were it left grey, it would be taken for a dark background and the bar lost)."""
    img = Image.new("RGBA", (48, 36), (CLEAR, CLEAR, CLEAR, 0))
    ImageDraw.Draw(img).rectangle((20, 5, 27, 30), fill=(0, 0, 0, 255))
    return img.convert(mode)


def sixteen(a8: np.ndarray) -> np.ndarray:
    return a8.astype(np.uint16) * 257


def raw_png(a: np.ndarray, color_type: int, extra: bytes = b"") -> bytes:
    """A 16-bit PNG written by hand (Pillow cannot write 16-bit colour): a is uint16 (H, W[, C])."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    h, w = a.shape[:2]
    rows = a.reshape(h, -1).astype(">u2").tobytes()
    stride = rows and len(rows) // h
    raw = b"".join(b"\x00" + rows[i * stride:(i + 1) * stride] for i in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 16, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def rgb16(alpha: bool) -> bytes:
    img = on_clear() if alpha else bar().convert("RGB")
    return raw_png(sixteen(np.asarray(img)), 6 if alpha else 2)


def grey16_with_a_transparent_value() -> bytes:
    a = sixteen(np.asarray(bar()))
    a[a == 235 * 257] = 5000                     # the paper: dark, but declared transparent
    a[0, 0] = 60000
    return raw_png(a, 0, struct.pack(">I", 2) + b"tRNS" + struct.pack(">H", 5000) +
                   struct.pack(">I", zlib.crc32(b"tRNS" + struct.pack(">H", 5000)) & 0xFFFFFFFF))


def exif_rotated(fmt: str) -> bytes:
    """Stored lying down (a horizontal bar); EXIF orientation 6 says: turn it upright."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(bar().convert("RGB").transpose(Image.Transpose.ROTATE_90), fmt, exif=exif)


def animation(fmt: str, mode: str = "L", **kw) -> bytes:
    """First frame upright; later frames lying down, which must be ignored."""
    first = bar().convert(mode)
    lying = bar((36, 48)).transpose(Image.Transpose.ROTATE_90).convert(mode)
    return encode(first, fmt, save_all=True, append_images=[lying, lying], duration=100, **kw)


def palette_with_alpha_png() -> bytes:
    """A palette PNG whose tRNS chunk makes an entry clear: opened as "P" with transparency."""
    return encode(on_clear().quantize(4), "PNG")


FILES = {
    "PNG 1": lambda: encode(bar().convert("1")),
    "PNG L": lambda: encode(bar()),
    "PNG L + tRNS": lambda: encode(on_clear("L"), transparency=CLEAR),
    "PNG LA": lambda: encode(on_clear("LA")),
    "PNG P": lambda: encode(bar().convert("RGB").convert("P")),
    "PNG P + tRNS": palette_with_alpha_png,
    "PNG RGB": lambda: encode(bar().convert("RGB")),
    "PNG RGB + tRNS": lambda: encode(on_clear("RGB"), transparency=(CLEAR,) * 3),
    "PNG RGBA": lambda: encode(on_clear()),
    "PNG I;16 (uint16 array)": lambda: encode(Image.fromarray(sixteen(np.asarray(bar())))),
    "PNG I;16B": lambda: encode(pil_mode("I;16B")),
    "PNG 16-bit grey, tRNS": grey16_with_a_transparent_value,
    "PNG 16-bit grey+alpha": lambda: raw_png(sixteen(np.asarray(on_clear("LA"))), 4),
    "PNG 16-bit RGB": lambda: rgb16(alpha=False),
    "PNG 16-bit RGBA": lambda: rgb16(alpha=True),
    "PNG EXIF-rotated": lambda: exif_rotated("PNG"),
    "APNG (first frame)": lambda: animation("PNG"),
    "APNG RGBA (first frame)": lambda: animation("PNG", "RGBA"),
    "JPEG L": lambda: encode(bar(), "JPEG"),
    "JPEG RGB": lambda: encode(bar().convert("RGB"), "JPEG", quality=95),
    "JPEG progressive": lambda: encode(bar().convert("RGB"), "JPEG", progressive=True),
    "JPEG CMYK": lambda: encode(bar().convert("CMYK"), "JPEG"),
    "JPEG EXIF-rotated": lambda: exif_rotated("JPEG"),
    "MPO (phone camera JPEG)": lambda: animation("MPO", "RGB"),
    "GIF": lambda: encode(bar(), "GIF"),
    "GIF transparent": lambda: encode(on_clear("L"), "GIF", transparency=CLEAR),
    "GIF animated (first frame)": lambda: animation("GIF"),
    "WebP": lambda: encode(bar().convert("RGB"), "WEBP", quality=95),
    "WebP RGBA lossless": lambda: encode(on_clear(), "WEBP", lossless=True),
    "WebP animated (first frame)": lambda: animation("WEBP", "RGB", lossless=True),
    "BMP 1": lambda: encode(bar().convert("1"), "BMP"),
    "BMP L": lambda: encode(bar(), "BMP"),
    "BMP P": lambda: encode(bar().convert("RGB").convert("P"), "BMP"),
    "BMP RGB": lambda: encode(bar().convert("RGB"), "BMP"),
    "BMP 32-bit": lambda: encode(bar().convert("RGBA"), "BMP"),     # BMP keeps no alpha
}


def pil_mode(mode: str) -> Image.Image:
    """Modes no accepted format stores, as Pillow images."""
    grey = np.asarray(bar())
    if mode == "I":                                   # 32-bit, with negative values
        return Image.fromarray(grey.astype(np.int32) * 1000 - 70_000)
    if mode.startswith("I;16"):            # (Pillow's convert from I;16 to these clips to 8 bits)
        order = {"I;16B": ">u2", "I;16L": "<u2", "I;16N": "=u2", "I;16": "<u2"}[mode]
        return Image.frombytes(mode, grey.shape[::-1], sixteen(grey).astype(order).tobytes())
    if mode == "F":
        return Image.fromarray(grey.astype(np.float32) / 255)
    if mode == "F with NaN and inf":
        a = grey.astype(np.float32) / 255
        a[0, :5], a[-1, -3:], a[3, 3] = np.nan, np.inf, -np.inf
        return Image.fromarray(a)
    if mode in ("La", "PA", "RGBa"):
        return on_clear("LA" if mode == "La" else "RGBA").convert(mode)
    return bar().convert("RGB").convert(mode)


PIL_MODES = ["1", "L", "P", "RGB", "RGBX", "RGBa", "La", "PA", "CMYK", "YCbCr", "LAB", "HSV",
             "I", "I;16", "I;16B", "I;16L", "I;16N", "F", "F with NaN and inf"]


def assert_upright_bar(x: np.ndarray, shape) -> None:
    """The network's input: right shape, finite, in [0, 1], a bright upright bar on black."""
    assert x.shape == shape and x.dtype == np.float32
    assert np.isfinite(x).all() and x.min() >= 0.0 and x.max() <= 1.0
    _, h, w = shape
    assert x.max() == pytest.approx(1.0)
    assert x[:, h // 2 - 1:h // 2 + 1, w // 2 - 1:w // 2 + 1].max() > 0.9     # ink, centred
    assert (x[:, 0, 0] == 0).all() and (x[:, -1, -1] == 0).all()             # black background
    ink = x.max(axis=0) > 0.5
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    assert rows[-1] - rows[0] > cols[-1] - cols[0]                            # still upright


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("name", list(FILES))
def test_every_mode_in_every_accepted_format(name, shape):
    data = FILES[name]()
    assert_upright_bar(image_from_bytes(data, shape), shape)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("mode", PIL_MODES)
def test_every_pillow_mode(mode, shape):
    image = pil_mode(mode)
    assert image.mode == mode.split()[0]
    assert_upright_bar(image_from_pil(image, shape), shape)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("image", [
    Image.new("L", (1, 1), 0), Image.new("RGB", (1, 1), (255, 255, 255)),
    Image.new("L", (64, 64), 128), Image.new("RGBA", (20, 20), (0, 0, 0, 0)),
    Image.fromarray(np.full((16, 16), 40000, np.uint16)),
    Image.fromarray(np.zeros((3, 3), np.uint16)),
    Image.new("P", (9, 30), 7), Image.new("1", (5, 5), 1),
    Image.new("CMYK", (6, 6), (0, 0, 0, 255)),
], ids=["1x1 black", "1x1 white", "uniform grey", "fully transparent", "uniform 16-bit",
        "16-bit zeros", "uniform palette", "1-bit white", "CMYK black"])
def test_tiny_and_uniform_pictures_give_a_black_image(image, shape):
    """No ink: nothing to stretch or scale, so no division by zero and no NaN, just black."""
    fmt = "JPEG" if image.mode == "CMYK" else "PNG"
    x = image_from_bytes(encode(image, fmt), shape)
    assert x.shape == shape and np.isfinite(x).all() and not x.any()


def test_a_picture_entirely_nan_gives_a_black_image():
    x = image_from_pil(Image.fromarray(np.full((10, 10), np.nan, np.float32)), MNIST)
    assert np.isfinite(x).all() and not x.any()


def test_picture_comes_with_a_small_preview_of_what_was_sent():
    data = FILES["PNG 16-bit RGBA"]()
    picture = picture_from_bytes(data, MNIST)
    assert_upright_bar(picture.image, MNIST)
    assert picture.preview.dtype == np.uint8 and picture.preview.shape == (48, 48, 3)
    assert (picture.preview[0, 0] == 255).all() and (picture.preview[6 + 18, 23] == 0).all()
    big = picture_from_bytes(encode(Image.fromarray(np.zeros((1000, 600), np.uint16))), MNIST)
    assert big.preview.shape == (PREVIEW_SIDE, PREVIEW_SIDE, 3)


def test_a_picture_one_pixel_high_gets_a_square_preview_a_page_can_scale():
    strip = np.zeros((1, 4000), np.uint8)
    strip[0, 1000:3000] = 255
    picture = picture_from_bytes(encode(Image.fromarray(strip)), MNIST)
    assert picture.preview.shape == (PREVIEW_SIDE, PREVIEW_SIDE, 3)


def test_uploader_extensions_match_the_formats():
    assert set(EXTENSIONS) == {"png", "jpg", "jpeg", "gif", "webp", "bmp"}
