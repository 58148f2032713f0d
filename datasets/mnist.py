"""MNIST and Fashion-MNIST: downloaded once into the cache, then read with our IDX parser.

The checksum table holds the MD5 digests published with the datasets (the ones
torchvision also pins); files a user copies into the cache by hand are accepted when
their IDX structure is sane, so a teacher can pre-load a classroom machine.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import numpy as np

from .base import CLASSIFICATION, KIND_IMAGE, Dataset, DatasetError, ProgressFn, freeze
from .download import Checksum, default_cache_dir, fetch
from .idx import parse_idx


@dataclass(frozen=True)
class IdxFile:
    """One file of a download set: its name on the mirrors and its expected digest (None = unknown)."""

    filename: str
    checksum: Checksum | None


@dataclass(frozen=True)
class MnistSource:
    """Everything needed to fetch one MNIST-format dataset."""

    name: str
    title: str
    mirrors: tuple[str, ...]
    train_images: IdxFile
    train_labels: IdxFile
    test_images: IdxFile
    test_labels: IdxFile
    class_names: tuple[str, ...]


def _md5(filename: str, digest: str) -> IdxFile:
    return IdxFile(filename, Checksum("md5", digest))


_MNIST = MnistSource(
    name="mnist", title="MNIST",
    mirrors=("https://storage.googleapis.com/cvdf-datasets/mnist/",
             "https://ossci-datasets.s3.amazonaws.com/mnist/"),
    train_images=_md5("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    train_labels=_md5("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
    test_images=_md5("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
    test_labels=_md5("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    class_names=tuple(str(d) for d in range(10)),
)
_FASHION = MnistSource(
    name="fashion_mnist", title="Fashion-MNIST",
    mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    train_images=_md5("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
    train_labels=_md5("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
    test_images=_md5("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
    test_labels=_md5("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    class_names=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
)

SOURCES: Mapping[str, MnistSource] = MappingProxyType({"mnist": _MNIST, "fashion_mnist": _FASHION})
IMAGE_SIDE = 28


def dataset_dir(name: str, cache_dir: Path | None = None) -> Path:
    """The folder holding one dataset's files, e.g. ~/.cache/nn-playground/mnist."""
    return Path(cache_dir if cache_dir is not None else default_cache_dir()) / name


def _local_copy(folder: Path, filename: str) -> Path | None:
    """A cached file, gzipped or (if a user unpacked it) plain."""
    for candidate in (folder / filename, folder / filename.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def is_cached(name: str, cache_dir: Path | None = None) -> bool:
    """True when all four files of a download set are on disk (no network needed)."""
    source = SOURCES[name]
    folder = dataset_dir(name, cache_dir)
    return all(_local_copy(folder, item.filename) is not None for item in (
        source.train_images, source.train_labels, source.test_images, source.test_labels))


def _obtain(source: MnistSource, item: IdxFile, folder: Path, progress: ProgressFn | None) -> np.ndarray:
    """Parse one file from the cache, downloading it first if it is missing.

    A cached archive that no longer parses (disk trouble, an interrupted copy) is
    deleted and downloaded again once, instead of failing forever.
    """
    path = _local_copy(folder, item.filename)
    if path is not None:
        try:
            return parse_idx(path.read_bytes())
        except DatasetError:
            if path.name != item.filename:
                raise
            path.unlink(missing_ok=True)
    first, *rest = source.mirrors
    path = fetch(first + item.filename, folder / item.filename, checksum=item.checksum,
                 mirrors=[m + item.filename for m in rest], progress=progress,
                 label=f"{source.title} ({item.filename})")
    return parse_idx(path.read_bytes())


def _check_pair(images: np.ndarray, labels: np.ndarray, n_classes: int, what: str) -> None:
    """Structural check (used in place of fixed row counts so small hand-made files work)."""
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE) or images.dtype != np.uint8:
        raise DatasetError(f"The {what} images file should hold N×28×28 bytes, got "
                           f"{images.shape} {images.dtype}.")
    if labels.ndim != 1 or len(labels) != len(images):
        raise DatasetError(f"The {what} labels file holds {labels.shape} labels for "
                           f"{len(images)} images: the counts must match.")
    if len(labels) == 0 or labels.min() < 0 or labels.max() >= n_classes:
        raise DatasetError(f"The {what} labels must be class numbers 0..{n_classes - 1}.")


def load_mnist(name: str, n_samples: int, train_ratio: float, rng: np.random.Generator,
               cache_dir: Path | None = None, progress: ProgressFn | None = None) -> Dataset:
    """MNIST or Fashion-MNIST, (N, 1, 28, 28) float32 in [0, 1].

    The training part is drawn (after an rng shuffle) from the official train file and
    the test part from the official test file, floor(n_samples * train_ratio) : rest,
    each clamped to what the files hold.
    """
    if name not in SOURCES:
        raise DatasetError(f"Unknown download set {name!r}; valid: {', '.join(SOURCES)}.")
    source = SOURCES[name]
    folder = dataset_dir(name, cache_dir)
    tr_x = _obtain(source, source.train_images, folder, progress)
    tr_y = _obtain(source, source.train_labels, folder, progress)
    te_x = _obtain(source, source.test_images, folder, progress)
    te_y = _obtain(source, source.test_labels, folder, progress)
    n_classes = len(source.class_names)
    _check_pair(tr_x, tr_y, n_classes, "training")
    _check_pair(te_x, te_y, n_classes, "test")

    total = min(n_samples, len(tr_x) + len(te_x))
    n_train = min(max(int(np.floor(total * train_ratio)), 1), len(tr_x))
    n_test = min(max(total - n_train, 1), len(te_x))
    pick_tr = rng.permutation(len(tr_x))[:n_train]
    pick_te = rng.permutation(len(te_x))[:n_test]

    def images(raw: np.ndarray) -> np.ndarray:
        return (raw.astype(np.float32) / np.float32(255.0))[:, None, :, :]

    return Dataset(
        name=name, task=CLASSIFICATION, kind=KIND_IMAGE,
        x_train=freeze(images(tr_x[pick_tr])), y_train=freeze(tr_y[pick_tr].astype(np.int64)),
        x_test=freeze(images(te_x[pick_te])), y_test=freeze(te_y[pick_te].astype(np.int64)),
        input_shape=(1, IMAGE_SIDE, IMAGE_SIDE), class_names=source.class_names,
    )
