"""Hostile bytes as an upload: every one gets a plain DatasetError, never a traceback."""
import struct

import numpy as np
import pytest
from PIL import Image

from datasets import DatasetError
from datasets.upload import MAX_BYTES, image_from_bytes
from tests.datasets.test_upload import FILES, MNIST, bar, encode, huge_header_png


def header(fmt: str, width: int, height: int) -> bytes:
    """A header claiming a huge picture, followed by next to nothing."""
    if fmt == "PNG":
        return huge_header_png(width, height)
    if fmt == "GIF":
        return (b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00" +
                b"\x2c" + struct.pack("<HHHH", 0, 0, width, height) + b"\x00\x02\x02\x4c\x01\x00;")
    if fmt == "BMP":
        info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 0, 0, 0, 0)
        return b"BM" + struct.pack("<IHHI", 14 + 40 + 16, 0, 0, 54) + info + b"\x00" * 16
    raise ValueError(fmt)


def truncated(fmt: str) -> bytes:
    noisy = Image.fromarray(np.random.default_rng(1).integers(0, 255, (120, 120, 3), np.uint8))
    data = encode(noisy, fmt)
    return data[: len(data) // 2]


HOSTILE = {
    "empty": (b"", "empty"),
    "random bytes": (np.random.default_rng(2).bytes(5000), "not a PNG, JPEG"),
    "text": (b"not an image at all", "not a PNG, JPEG"),
    "PNG signature only": (b"\x89PNG\r\n\x1a\n", "starts like a PNG file but looks damaged"),
    "truncated PNG": (truncated("PNG"), "damaged"),
    "truncated JPEG": (truncated("JPEG"), "damaged"),
    "truncated GIF": (truncated("GIF"), "damaged"),
    "truncated WebP": (truncated("WEBP"), "damaged"),
    "truncated BMP": (truncated("BMP"), "damaged"),
    "PNG 100000×100000": (huge_header_png(100_000, 100_000), "limit is 4096×4096"),
    "PNG 4097×1": (huge_header_png(4097, 1), "4097×1 pixels; the limit"),
    "PNG 0×10": (huge_header_png(0, 10), "like a PNG file but looks damaged"),
    "GIF 0×0": (header("GIF", 0, 0), "like a GIF file but looks damaged"),
    "GIF 65535×65535": (header("GIF", 65535, 65535), "limit is 4096×4096"),
    "BMP 30000×30000": (header("BMP", 30000, 30000), "limit is 4096×4096"),
    "BMP 0×0": (header("BMP", 0, 0), "like a BMP file but looks damaged"),
    "TIFF": (encode(bar(), "TIFF"), "not a PNG, JPEG"),
    "too many bytes": (b"\x89PNG" + b"\x00" * MAX_BYTES, "limit is 5 MB"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_bytes_get_a_plain_message(name):
    data, message = HOSTILE[name]
    with pytest.raises(DatasetError, match=message):
        image_from_bytes(data, MNIST)


def test_mangled_files_give_a_picture_or_a_message_never_a_traceback():
    rng = np.random.default_rng(3)
    seeds = [FILES[name]() for name in ("PNG RGBA", "PNG I;16 (uint16 array)", "APNG (first frame)",
                                        "JPEG EXIF-rotated", "GIF animated (first frame)",
                                        "WebP", "BMP P")]
    for data in seeds:
        for trial in range(40):
            mangled = bytearray(data)
            if trial % 2:
                mangled = mangled[: rng.integers(1, len(mangled))]
            else:
                for i in rng.integers(0, len(mangled), rng.integers(1, 8)):
                    mangled[i] = rng.integers(0, 256)
            try:
                x = image_from_bytes(bytes(mangled), MNIST)
            except DatasetError:
                continue
            assert x.shape == MNIST and np.isfinite(x).all() and 0 <= x.min() <= x.max() <= 1
