"""MNIST / Fashion-MNIST loading from fake cache files and a fake server: no internet."""
from __future__ import annotations

import dataclasses
import gzip
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from datasets import DatasetError, OfflineError, load_dataset
from datasets import mnist
from datasets.idx import encode_idx

FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def fill_cache(folder: Path, files: dict[str, bytes], gz: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        if gz:
            (folder / name).write_bytes(data)
        else:
            (folder / name.removesuffix(".gz")).write_bytes(gzip.decompress(data))


def unpinned_sources() -> dict[str, mnist.MnistSource]:
    """The real source table with checksums removed, so fake downloads pass verification."""
    parts = ("train_images", "train_labels", "test_images", "test_labels")
    return {name: dataclasses.replace(src, **{p: dataclasses.replace(getattr(src, p), checksum=None)
                                              for p in parts})
            for name, src in mnist.SOURCES.items()}


def test_source_table():
    assert set(mnist.SOURCES) == {"mnist", "fashion_mnist"}
    assert mnist.SOURCES["mnist"].mirrors == ("https://storage.googleapis.com/cvdf-datasets/mnist/",
                                              "https://ossci-datasets.s3.amazonaws.com/mnist/")
    for source in mnist.SOURCES.values():
        items = (source.train_images, source.train_labels, source.test_images, source.test_labels)
        assert tuple(i.filename for i in items) == FILES
        for item in items:
            assert item.checksum is None or item.checksum.algorithm in ("md5", "sha256")


def test_mnist_from_a_prefilled_cache_needs_no_network(tmp_path, no_network, mnist_files):
    fill_cache(tmp_path / "mnist", mnist_files(5, 3))
    ds = load_dataset("mnist", n_samples=500, cache_dir=tmp_path)
    assert ds.x_train.shape == (4, 1, 28, 28) and ds.x_test.shape == (3, 1, 28, 28)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert 0.0 <= ds.x_train.min() and ds.x_train.max() <= 1.0
    assert ds.class_names == tuple("0123456789") and ds.input_shape == (1, 28, 28)
    with pytest.raises(ValueError):
        ds.x_train[0, 0, 0, 0] = 1.0


def test_cache_dir_defaults_to_the_environment(tmp_path, monkeypatch, no_network, mnist_files):
    fill_cache(tmp_path / "mnist", mnist_files(5, 3))
    monkeypatch.setenv("NNPG_DATA_DIR", str(tmp_path))
    assert len(load_dataset("mnist").x_test) == 3


def test_mnist_subsample_is_deterministic_and_exact(tmp_path, no_network, mnist_files):
    fill_cache(tmp_path / "mnist", mnist_files(40, 30))
    a = load_dataset("mnist", n_samples=20, train_ratio=0.75, seed=1, cache_dir=tmp_path)
    b = load_dataset("mnist", n_samples=20, train_ratio=0.75, seed=1, cache_dir=tmp_path)
    c = load_dataset("mnist", n_samples=20, train_ratio=0.75, seed=2, cache_dir=tmp_path)
    assert len(a.x_train) == 15 and len(a.x_test) == 5
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)


def test_fashion_mnist_accepts_unpacked_files(tmp_path, no_network, mnist_files):
    fill_cache(tmp_path / "fashion_mnist", mnist_files(6, 4), gz=False)
    ds = load_dataset("fashion_mnist", n_samples=10, cache_dir=tmp_path)
    assert len(ds.x_train) == 5 and len(ds.x_test) == 4
    assert ds.class_names[0] == "T-shirt/top" and ds.class_names[-1] == "Ankle boot"
    assert len(ds.class_names) == 10


def test_mnist_rejects_mismatched_files(tmp_path, no_network, mnist_files):
    files = mnist_files(5, 3)
    files["train-labels-idx1-ubyte.gz"] = encode_idx(np.zeros(4, np.uint8), compress=True)
    fill_cache(tmp_path / "mnist", files)
    with pytest.raises(DatasetError, match="counts must match"):
        load_dataset("mnist", cache_dir=tmp_path)


def test_mnist_rejects_images_of_the_wrong_size(tmp_path, no_network, mnist_files):
    files = mnist_files(5, 3)
    files["t10k-images-idx3-ubyte.gz"] = encode_idx(np.zeros((3, 8, 8), np.uint8), compress=True)
    fill_cache(tmp_path / "mnist", files)
    with pytest.raises(DatasetError, match="28"):
        load_dataset("mnist", cache_dir=tmp_path)


def test_mnist_download_path_with_progress(tmp_path, monkeypatch, serve, mnist_files):
    monkeypatch.setattr(mnist, "SOURCES", unpinned_sources())
    server = serve(mnist_files(5, 3))
    seen = []
    ds = load_dataset("mnist", n_samples=8, cache_dir=tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert len(ds.x_train) + len(ds.x_test) == 7
    assert [r.full_url for r in server.requests] == [mnist.SOURCES["mnist"].mirrors[0] + f for f in FILES]
    assert all((tmp_path / "mnist" / f).exists() for f in FILES)
    assert seen and all(t is not None and d <= t for d, t in seen)


def test_download_falls_back_to_the_second_mirror(tmp_path, monkeypatch, serve, mnist_files):
    monkeypatch.setattr(mnist, "SOURCES", unpinned_sources())
    server = serve(mnist_files(5, 3), down=("storage.googleapis.com",))
    load_dataset("mnist", cache_dir=tmp_path)
    assert server.requests[1].full_url.startswith("https://ossci-datasets.s3.amazonaws.com/mnist/")


def test_real_checksums_reject_fake_downloads(tmp_path, serve, mnist_files):
    serve(mnist_files(5, 3))
    with pytest.raises(DatasetError, match="corrupted"):
        load_dataset("mnist", cache_dir=tmp_path)
    assert not any((tmp_path / "mnist").glob("*.gz*"))


def test_a_corrupt_cached_archive_is_downloaded_again(tmp_path, monkeypatch, serve, mnist_files):
    files = mnist_files(5, 3)
    fill_cache(tmp_path / "mnist", files)
    broken = tmp_path / "mnist" / FILES[0]
    broken.write_bytes(files[FILES[0]][:50])                # an interrupted copy
    monkeypatch.setattr(mnist, "SOURCES", unpinned_sources())
    server = serve(files)
    ds = load_dataset("mnist", cache_dir=tmp_path)
    assert len(server.requests) == 1 and len(ds.x_train) == 4
    assert broken.read_bytes() == files[FILES[0]]


def test_mnist_offline_message(tmp_path, unreachable):
    unreachable(urllib.error.URLError("offline"))
    with pytest.raises(OfflineError, match="storage.googleapis.com: you appear to be offline") as err:
        load_dataset("mnist", cache_dir=tmp_path)
    assert str(tmp_path / "mnist") in str(err.value)
