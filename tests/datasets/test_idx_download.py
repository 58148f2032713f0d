"""IDX parsing and the cached, resumable, verified downloader, all without internet."""
from __future__ import annotations

import hashlib
import socket
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from datasets import DatasetError, OfflineError, default_cache_dir
from datasets.download import Checksum, fetch
from datasets.idx import encode_idx, parse_idx


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- IDX

@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_idx_round_trip(dtype):
    arr = (np.arange(2 * 3 * 4).reshape(2, 3, 4) - 7).astype(dtype)
    for compress in (False, True):
        out = parse_idx(encode_idx(arr, compress=compress))
        assert out.dtype == arr.dtype and out.shape == arr.shape and np.array_equal(out, arr)


def test_idx_header_is_big_endian():
    raw = encode_idx(np.array([1, 2], dtype=np.int16))
    assert raw == bytes([0, 0, 0x0B, 1, 0, 0, 0, 2, 0, 1, 0, 2])
    assert parse_idx(bytes([0, 0, 0x08, 2, 0, 0, 0, 1, 0, 0, 0, 3, 7, 8, 9])).tolist() == [[7, 8, 9]]


@pytest.mark.parametrize("data, message", [
    (b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", "magic"),
    (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "type code"),
    (b"\x00\x00", "truncated"),
    (b"\x00\x00\x08\x03\x00\x00\x00\x01", "truncated"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x04\x01\x02", "truncated"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x01\x01\x02", "mismatch"),
])
def test_idx_errors(data, message):
    with pytest.raises(DatasetError, match=message):
        parse_idx(data)


def test_idx_broken_gzip():
    good = encode_idx(np.zeros((10, 28, 28), np.uint8), compress=True)
    with pytest.raises(DatasetError, match="gzip"):
        parse_idx(good[: len(good) // 2])


# ---------------------------------------------------------------- fetch

def test_fetch_file_url_writes_reports_progress_and_verifies(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(b"hello world" * 1000)
    calls = []
    dest = tmp_path / "cache" / "copy.bin"
    out = fetch(src.as_uri(), dest, sha256=sha(src.read_bytes()),
                progress=lambda done, total: calls.append((done, total)))
    assert out == dest and dest.read_bytes() == src.read_bytes()
    assert calls and calls[-1] == (11000, 11000)
    assert not dest.with_name("copy.bin.part").exists()


def test_fetch_checksum_mismatch_leaves_nothing(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(b"abc")
    dest = tmp_path / "cache" / "copy.bin"
    with pytest.raises(DatasetError, match="corrupted") as err:
        fetch(src.as_uri(), dest, sha256="0" * 64)
    assert not isinstance(err.value, OfflineError)
    assert not dest.exists() and not dest.with_name("copy.bin.part").exists()


def test_fetch_md5_checksum(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(b"abc")
    dest = tmp_path / "copy.bin"
    fetch(src.as_uri(), dest, checksum=Checksum("md5", hashlib.md5(b"abc").hexdigest()))
    assert dest.read_bytes() == b"abc"


def test_fetch_uses_verified_cache_without_network(tmp_path, no_network):
    dest = tmp_path / "f.bin"
    dest.write_bytes(b"cached")
    assert fetch("https://example.invalid/f.bin", dest, sha256=sha(b"cached")) == dest
    assert fetch("https://example.invalid/f.bin", dest, sha256=None) == dest


def test_fetch_redownloads_a_cached_file_with_the_wrong_checksum(tmp_path, serve):
    dest = tmp_path / "f.bin"
    dest.write_bytes(b"stale")
    serve({"f.bin": b"fresh"})
    fetch("https://example.org/f.bin", dest, sha256=sha(b"fresh"))
    assert dest.read_bytes() == b"fresh"


def test_fetch_resumes_with_a_range_header(tmp_path, serve):
    body = bytes(range(256)) * 40
    server = serve({"f.bin": body})
    dest = tmp_path / "f.bin"
    dest.with_name("f.bin.part").write_bytes(body[:1000])
    calls = []
    fetch("https://example.org/f.bin", dest, sha256=sha(body), progress=lambda d, t: calls.append((d, t)))
    assert server.requests[0].get_header("Range") == "bytes=1000-"
    assert dest.read_bytes() == body
    assert calls[0] == (1000, len(body)) and calls[-1] == (len(body), len(body))


def test_fetch_restarts_when_the_server_ignores_range(tmp_path, serve):
    body = b"0123456789" * 50
    server = serve({"f.bin": body}, honour_range=False)
    dest = tmp_path / "f.bin"
    dest.with_name("f.bin.part").write_bytes(b"garbage!")
    fetch("https://example.org/f.bin", dest, sha256=sha(body))
    assert server.requests[0].get_header("Range") == "bytes=8-"
    assert dest.read_bytes() == body


@pytest.mark.parametrize("error", [urllib.error.URLError("no route"), socket.timeout("timed out"),
                                   ConnectionResetError("reset")])
def test_network_failure_becomes_friendly_offline_error(tmp_path, unreachable, error):
    tried = unreachable(error)
    dest = tmp_path / "mnist" / "f.gz"
    with pytest.raises(OfflineError) as err:
        fetch("https://first.example.org/f.gz", dest, sha256=None,
              mirrors=["https://second.example.org/f.gz"], label="MNIST")
    msg = str(err.value)
    assert msg.startswith("Could not download MNIST from first.example.org: you appear to be offline.")
    assert "'digits'" in msg and "'shapes'" in msg and str(dest.parent) in msg
    assert tried == ["https://first.example.org/f.gz", "https://second.example.org/f.gz"]
    assert not dest.exists()


def test_fetch_falls_back_to_a_mirror(tmp_path, serve):
    server = serve({"f": b"payload"}, down=("first.example.org",))
    dest = fetch("https://first.example.org/f", tmp_path / "f", sha256=None,
                 mirrors=["https://second.example.org/f"])
    assert dest.read_bytes() == b"payload" and len(server.requests) == 2


def test_http_error_is_not_reported_as_offline(tmp_path, unreachable):
    unreachable(urllib.error.HTTPError("https://example.org/f", 404, "Not Found", None, None))
    with pytest.raises(DatasetError, match="404") as err:
        fetch("https://example.org/f", tmp_path / "f", sha256=None)
    assert not isinstance(err.value, OfflineError)


def test_unwritable_cache_is_not_an_offline_error(tmp_path):
    blocker = tmp_path / "not_a_dir"
    blocker.write_bytes(b"")
    src = tmp_path / "src.bin"
    src.write_bytes(b"abc")
    with pytest.raises(DatasetError) as err:
        fetch(src.as_uri(), blocker / "f.bin", sha256=None)
    assert not isinstance(err.value, OfflineError)


def test_default_cache_dir_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NNPG_DATA_DIR", str(tmp_path))
    assert default_cache_dir() == tmp_path
    monkeypatch.delenv("NNPG_DATA_DIR")
    assert default_cache_dir() == Path.home() / ".cache" / "nn-playground"
