"""Reader (and a tiny writer) for the IDX binary format used by MNIST and Fashion-MNIST.

Parsing IDX ourselves keeps MNIST free of torchvision; the writer exists so tests and
users can build small IDX files without the real download.
"""
from __future__ import annotations

import gzip
import struct
import zlib

import numpy as np

from .base import DatasetError

# IDX type code -> big-endian numpy dtype
IDX_DTYPES: dict[int, str] = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_CODES = {np.dtype(v).newbyteorder("="): k for k, v in IDX_DTYPES.items()}
GZIP_MAGIC = b"\x1f\x8b"


def _gunzip(data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise DatasetError(f"The IDX file is not a valid gzip archive ({exc}); "
                           "it may be truncated: delete it and download again.") from exc


def parse_idx(data: bytes) -> np.ndarray:
    """Decode IDX bytes (optionally gzip-compressed) into a native-endian numpy array.

    Errors are DatasetError with a plain message (bad magic, truncated, size mismatch)
    because a half-downloaded MNIST file is a common classroom failure.
    """
    if data[:2] == GZIP_MAGIC:
        data = _gunzip(bytes(data))
    if len(data) < 4:
        raise DatasetError(f"IDX data is truncated: {len(data)} bytes, not even a header.")
    if data[0] != 0 or data[1] != 0:
        raise DatasetError(f"Not an IDX file: bad magic number {data[:4].hex()} "
                           "(expected two zero bytes, a type code and a dimension count).")
    code, ndim = data[2], data[3]
    if code not in IDX_DTYPES:
        raise DatasetError(f"Not an IDX file: unknown data type code 0x{code:02x}.")
    if ndim == 0:
        raise DatasetError("IDX file declares zero dimensions.")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DatasetError(f"IDX data is truncated inside the header ({len(data)} of {header} bytes).")
    dims = struct.unpack(f">{ndim}I", data[4:header])
    dtype = np.dtype(IDX_DTYPES[code])
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    payload = len(data) - header
    if payload < expected:
        raise DatasetError(f"IDX data is truncated: dims {dims} need {expected} bytes, "
                           f"found {payload}. Delete the file and download again.")
    if payload > expected:
        raise DatasetError(f"IDX size mismatch: dims {dims} need {expected} bytes, found {payload}.")
    arr = np.frombuffer(data, dtype=dtype, count=expected // dtype.itemsize, offset=header)
    return arr.reshape(dims).astype(dtype.newbyteorder("="))


def encode_idx(array: np.ndarray, compress: bool = False) -> bytes:
    """Encode an array as IDX (the inverse of parse_idx): for tests and hand-made datasets."""
    arr = np.asarray(array)
    native = arr.dtype.newbyteorder("=") if arr.dtype.byteorder not in ("=", "|") else arr.dtype
    if native not in _CODES:
        raise DatasetError(f"IDX cannot store dtype {arr.dtype}; use one of "
                           f"{', '.join(str(np.dtype(v)) for v in IDX_DTYPES.values())}.")
    code = _CODES[native]
    if arr.ndim == 0 or arr.ndim > 255:
        raise DatasetError(f"IDX needs 1..255 dimensions, got {arr.ndim}.")
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    raw = header + np.ascontiguousarray(arr, dtype=IDX_DTYPES[code]).tobytes()
    return gzip.compress(raw, mtime=0) if compress else raw
