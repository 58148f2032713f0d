"""A student's picture → the dataset's size and channels; bad files → clear messages."""
import io
import struct
import time
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

from datasets import DatasetError
from datasets.upload import MAX_BYTES, image_from_bytes

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
    with pytest.raises(DatasetError, match="not a PNG or JPEG"):
        image_from_bytes(np.random.default_rng(0).bytes(2000), MNIST)


def test_other_formats_are_refused_plainly():
    with pytest.raises(DatasetError, match="not a PNG or JPEG"):
        image_from_bytes(encode(paper_digit(), "GIF"), MNIST)


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
