"""Offline fakes for the download tests: a fake HTTP server and tiny MNIST-format files."""
from __future__ import annotations

import io
import urllib.error
import urllib.request
from typing import Callable

import numpy as np
import pytest

from datasets.idx import encode_idx

MNIST_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
               "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


class FakeResponse(io.BytesIO):
    """Enough of http.client.HTTPResponse for the downloader."""

    def __init__(self, body: bytes, status: int = 200, headers: dict | None = None):
        super().__init__(body)
        self.status = status
        self.headers = {"Content-Length": str(len(body)), **(headers or {})}

    def getcode(self) -> int:
        return self.status


class FakeServer:
    """Stands in for urlopen: serves files by last path segment, honours Range if asked,
    fails for hosts listed in `down`, and records every request."""

    def __init__(self, files: dict[str, bytes], honour_range: bool = True, down: tuple[str, ...] = ()):
        self.files, self.honour_range, self.down, self.requests = files, honour_range, down, []

    def __call__(self, request, timeout=None):
        self.requests.append(request)
        if any(host in request.full_url for host in self.down):
            raise urllib.error.URLError("host unreachable")
        body = self.files[request.full_url.rsplit("/", 1)[-1]]
        rng = request.get_header("Range")
        if rng and self.honour_range:
            start = int(rng.removeprefix("bytes=").rstrip("-"))
            return FakeResponse(body[start:], 206,
                                {"Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}"})
        return FakeResponse(body)


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Callable[..., FakeServer]:
    """serve(files, honour_range=True, down=()) installs a FakeServer as urlopen and returns it."""
    def install(files: dict[str, bytes], **kwargs) -> FakeServer:
        server = FakeServer(files, **kwargs)
        monkeypatch.setattr(urllib.request, "urlopen", server)
        return server
    return install


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to open a URL."""
    def boom(*args, **kwargs):
        raise AssertionError("the network must not be used")
    monkeypatch.setattr(urllib.request, "urlopen", boom)


@pytest.fixture
def unreachable(monkeypatch: pytest.MonkeyPatch) -> Callable[[BaseException], list[str]]:
    """unreachable(error) makes every urlopen raise `error`; returns the list of URLs tried."""
    def install(error: BaseException) -> list[str]:
        tried: list[str] = []

        def fail(request, timeout=None):
            tried.append(request.full_url)
            raise error
        monkeypatch.setattr(urllib.request, "urlopen", fail)
        return tried
    return install


@pytest.fixture
def mnist_files() -> Callable[..., dict[str, bytes]]:
    """mnist_files(n_train, n_test) -> tiny gzipped IDX files under the real MNIST names."""
    def make(n_train: int = 5, n_test: int = 3, seed: int = 0) -> dict[str, bytes]:
        rng = np.random.default_rng(seed)
        arrays = (rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
                  (np.arange(n_train) % 10).astype(np.uint8),
                  rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
                  (np.arange(n_test) % 10).astype(np.uint8))
        return {name: encode_idx(a, compress=True) for name, a in zip(MNIST_FILES, arrays)}
    return make
