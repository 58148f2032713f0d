"""The catalogue of datasets and the one entry point the app calls: load_dataset().

The UI builds its dataset picker from DATASETS (title, description, whether it needs a
download) and never imports individual loaders, so adding a dataset is one entry here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import numpy as np

from . import toy2d
from .drawn import DEFAULT_DRAWN, DEFAULT_DRAWN_VALUES, drawn_set
from .base import (CLASSIFICATION, KIND_2D, KIND_IMAGE, KIND_SEQUENCE, KIND_TABULAR, REGRESSION,
                   Dataset, DatasetError, ProgressFn, freeze, split_train_test)
from .features import DEFAULT_EXTENT, apply_features, check_features
from .images import load_digits, load_shapes
from .mnist import load_mnist
from .memory_tasks import RECALL_TASKS, load_count, load_recall
from .sequences import SERIES, load_forecast, load_parity
from .toy_text import load_next_char
from .tabular import load_tabular

NOISE_MAX = 0.8
MIN_CLASSES, MAX_CLASSES = 2, 5
MIN_LENGTH, MAX_LENGTH = 2, 64   # sequence length (engine/spec/limits.py has the same bounds)
MAX_DELAY = 100                  # blank steps of the copy task
MAX_HORIZON = 20                 # values a forecast predicts
SEQ_LEN, DELAY, HORIZON = "seq_len", "delay", "horizon"   # the sequence settings


@dataclass(frozen=True)
class DatasetInfo:
    """What the UI needs to list a dataset without loading it."""

    name: str
    title: str              # UI label, e.g. "Circle"
    kind: str               # base.KIND_*
    task: str               # base.CLASSIFICATION or base.REGRESSION
    description: str        # one plain-language line for students
    needs_download: bool
    multi_class: bool       # True where load_dataset honours n_classes
    default_samples: int
    classes: int            # number of classes (0 for regression; the default for multi-class)
    length: int = 0         # sequence sets: the length used when seq_len is 0 (its default)
    options: tuple[str, ...] = ()  # which of SEQ_LEN, DELAY, HORIZON this set honours
    tokens: bool = False    # inputs are one-hot tokens (Dataset.vocab), so embedding applies
    per_step: bool = False  # targets per time step (Dataset.per_step)
    next_token: bool = False  # each step's target is the next input, so no layer may look ahead
    flips: bool = False     # image sets: a mirrored image keeps its class (never for digits,
                            # where a mirrored 2 is no digit and 6/9 trade places)


def _info(name: str, title: str, kind: str, task: str, description: str, default_samples: int,
          *, needs_download: bool = False, multi_class: bool = False,
          classes: int = 2, length: int = 0, options: tuple[str, ...] = (), tokens: bool = False,
          per_step: bool = False, next_token: bool = False,
          flips: bool = False) -> tuple[str, DatasetInfo]:
    classes = 0 if task == REGRESSION else classes
    return name, DatasetInfo(name, title, kind, task, description, needs_download, multi_class,
                             default_samples, classes, length, options, tokens, per_step,
                             next_token, flips)


_C, _R = CLASSIFICATION, REGRESSION
DATASETS: Mapping[str, DatasetInfo] = MappingProxyType(dict([
    _info("circle", "Circle", KIND_2D, _C, "A blue disc inside an orange ring: needs a curved boundary.", 500),
    _info("xor", "Exclusive or", KIND_2D, _C, "Opposite corners share a colour: no single straight line works.", 500),
    _info("gauss", "Gaussian", KIND_2D, _C, "Two round clouds: a straight line separates them.", 500),
    _info("spiral", "Spiral", KIND_2D, _C, "Two interleaved spirals: the hardest playground set.", 500),
    _info("moons", "Two moons", KIND_2D, _C, "Two interlocking half moons.", 500),
    _info("blobs", "Blobs", KIND_2D, _C, "Several round clouds, one per class.", 500, multi_class=True, classes=3),
    _info("spiral_multi", "Multi-arm spiral", KIND_2D, _C,
          "A spiral with one arm per class: a hard multi-class puzzle.", 500, multi_class=True, classes=3),
    _info("draw", "Draw your own", KIND_2D, _C,
          "Your own points: click on the plane to place orange and blue points.", 18),
    _info("reg_plane", "Plane", KIND_2D, _R, "Predict a value that rises steadily along the diagonal.", 500),
    _info("reg_gauss", "Multi Gaussian", KIND_2D, _R, "Predict a landscape of six hills and valleys.", 500),
    _info("draw_reg", "Draw your own values", KIND_2D, _R,
          "Your own points: click on the plane to place values from -1 (orange) to +1 (blue).", 18),
    _info("iris", "Iris flowers", KIND_TABULAR, _C, "Tell three iris species apart from four petal and sepal sizes.", 150, classes=3),
    _info("wine", "Wine", KIND_TABULAR, _C, "Tell three wine cultivars apart from 13 chemical measurements.", 178, classes=3),
    _info("breast_cancer", "Breast cancer", KIND_TABULAR, _C,
          "Tell benign from malignant tumours using 30 cell measurements.", 569),
    _info("loan", "Loan approvals (synthetic)", KIND_TABULAR, _C,
          "Made-up loan decisions with a group column whose share and label bias you set.",
          1000),
    _info("csv", "Your CSV table", KIND_TABULAR, _C,
          "A table you upload: pick the column to predict.", 1000),
    _info("digits", "Digits 8×8", KIND_IMAGE, _C, "Small 8×8 handwritten digits, bundled offline.", 1797, classes=10),
    _info("shapes", "Shapes", KIND_IMAGE, _C, "Drawn circles, squares, triangles, crosses and lines.", 2000, classes=5,
          flips=True),
    _info("mnist", "MNIST", KIND_IMAGE, _C, "The classic 28×28 handwritten digits (downloads ~11 MB once).",
          10000, needs_download=True, classes=10),
    _info("fashion_mnist", "Fashion-MNIST", KIND_IMAGE, _C,
          "28×28 pictures of clothes and shoes (downloads ~30 MB once).", 10000, needs_download=True, classes=10,
          flips=True),
    _info("sine", "Sine wave", KIND_SEQUENCE, _R, "Predict the next point of a wave from the last 20.", 1000,
          length=20, options=(SEQ_LEN, HORIZON)),
    _info("parity", "Parity", KIND_SEQUENCE, _C, "Is the number of ones in 8 bits even or odd?", 1000,
          length=8, options=(SEQ_LEN,)),
    _info("sines", "Sum of sines", KIND_SEQUENCE, _R,
          "Three waves added together, with noise: forecast what comes next.", 1000,
          length=30, options=(SEQ_LEN, HORIZON)),
    _info("damped", "Damped wave", KIND_SEQUENCE, _R,
          "A wave that dies away: forecast the next values, decay included.", 1000,
          length=30, options=(SEQ_LEN, HORIZON)),
    _info("logistic", "Chaotic series", KIND_SEQUENCE, _R,
          "The logistic map: a simple rule whose small errors grow fast.", 1000,
          length=10, options=(SEQ_LEN, HORIZON)),
    _info("copy", "Copy after a delay", KIND_SEQUENCE, _C,
          "Read a few digits, wait through blank steps, then repeat them: a memory test.", 2000,
          classes=8, length=4, options=(SEQ_LEN, DELAY), tokens=True, per_step=True),
    _info("reverse", "Reverse", KIND_SEQUENCE, _C, "Read digits, then say them backwards.", 2000,
          classes=8, length=8, options=(SEQ_LEN,), tokens=True, per_step=True),
    _info("sort", "Sort digits", KIND_SEQUENCE, _C, "Read digits, then say them in order.", 2000,
          classes=8, length=6, options=(SEQ_LEN,), tokens=True, per_step=True),
    _info("count", "Count a symbol", KIND_SEQUENCE, _C, "How many a's are in a string of a, b, c, d?",
          2000, classes=11, length=10, options=(SEQ_LEN,), tokens=True),
    _info("sentences", "Toy sentences", KIND_SEQUENCE, _C,
          "Predict the next character of simple made-up sentences ('the cat sees a dog.').", 2000,
          classes=25, length=32, options=(SEQ_LEN,), tokens=True, per_step=True, next_token=True),
    _info("brackets", "Balanced brackets", KIND_SEQUENCE, _C,
          "Predict the next character of nested brackets such as ([()]): each must be closed.",
          2000, classes=5, length=32, options=(SEQ_LEN,), tokens=True, per_step=True,
          next_token=True),
]))

DRAWN_SETS = MappingProxyType({"draw": DEFAULT_DRAWN, "draw_reg": DEFAULT_DRAWN_VALUES})
_GENERATORS: Mapping[str, toy2d.Generator2D] = MappingProxyType({
    "circle": toy2d.circle, "xor": toy2d.xor, "gauss": toy2d.gauss, "spiral": toy2d.spiral,
    "moons": toy2d.moons, "reg_plane": toy2d.reg_plane, "reg_gauss": toy2d.reg_gauss,
})
_MULTI_GENERATORS = MappingProxyType({"blobs": toy2d.blobs, "spiral_multi": toy2d.spiral_multi})


def _check_args(name: str, n_samples: int, noise: float, train_ratio: float,
                n_classes: int) -> tuple[int, float, float, int]:
    """Reject impossible settings with a message a student can act on; return them normalised."""
    if name not in DATASETS:
        raise DatasetError(f"Unknown dataset {name!r}. Valid datasets: {', '.join(DATASETS)}.")
    try:
        n, nz, ratio = int(n_samples), float(noise), float(train_ratio)
        k = int(n_classes) if DATASETS[name].multi_class else 0   # ignored elsewhere
    except (TypeError, ValueError) as exc:
        raise DatasetError(f"Dataset settings must be numbers: {exc}") from exc
    if isinstance(n_samples, bool) or n != n_samples or n < 2:
        raise DatasetError(f"n_samples must be a whole number of at least 2, got {n_samples!r}.")
    if not (math.isfinite(nz) and 0.0 <= nz <= NOISE_MAX):
        raise DatasetError(f"noise must be between 0 and {NOISE_MAX}, got {noise!r}.")
    if not 0.0 < ratio < 1.0:
        raise DatasetError(f"train_ratio must be strictly between 0 and 1, got {train_ratio!r}.")
    if DATASETS[name].multi_class and not MIN_CLASSES <= k <= MAX_CLASSES:
        raise DatasetError(f"n_classes must be between {MIN_CLASSES} and {MAX_CLASSES}, got {n_classes!r}.")
    return n, nz, ratio, k


def _load_2d(name: str, n_samples: int, noise: float, train_ratio: float, features: tuple[str, ...],
             n_classes: int, rng: np.random.Generator, drawn: str | None) -> Dataset:
    """Generate points (or read the student's drawing), split them, and build the feature
    matrix the model sees."""
    info = DATASETS[name]
    if name in DRAWN_SETS:             # the drawing is the data: no noise, no sample count
        regression = info.task == REGRESSION
        points, labels = drawn_set(DRAWN_SETS[name] if drawn is None else drawn, regression)
        class_names = () if regression else ("orange", "blue")
    elif info.multi_class:
        points, labels = _MULTI_GENERATORS[name](n_samples, noise, rng, n_classes=n_classes)
        class_names = tuple(f"class {k + 1}" for k in range(n_classes))
    else:
        points, labels = _GENERATORS[name](n_samples, noise, rng)
        class_names = ("orange", "blue") if info.task == CLASSIFICATION else ()
    p_tr, y_tr, p_te, y_te = split_train_test(points, labels, train_ratio, rng)
    return Dataset(
        name=name, task=info.task, kind=KIND_2D,
        x_train=freeze(apply_features(p_tr, features)), y_train=freeze(y_tr),
        x_test=freeze(apply_features(p_te, features)), y_test=freeze(y_te),
        input_shape=(len(features),), class_names=class_names, feature_names=features,
        extent=DEFAULT_EXTENT, points_train=freeze(p_tr), points_test=freeze(p_te),
    )


def _check_sequence(name: str, seq_len: int, delay: int, horizon: int) -> tuple[int, int, int]:
    """The sequence settings a set uses (seq_len 0 = its default length); DatasetError if
    out of range."""
    info = DATASETS[name]
    checks = ((SEQ_LEN, seq_len, 0, MAX_LENGTH), (DELAY, delay, 0, MAX_DELAY),
              (HORIZON, horizon, 1, MAX_HORIZON))
    for key, value, lo, hi in checks:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
            raise DatasetError(f"{key} must be a whole number from {lo} to {hi}, got {value!r}.")
    length = int(seq_len) or info.length
    if SEQ_LEN in info.options and length < MIN_LENGTH:
        raise DatasetError(f"seq_len must be at least {MIN_LENGTH} (or 0 for the default), "
                           f"got {seq_len!r}.")
    return length, int(delay), int(horizon)


def load_dataset(name: str, *, n_samples: int = 500, noise: float = 0.0, train_ratio: float = 0.5,
                 seed: int = 0, features: tuple[str, ...] = ("x1", "x2"), n_classes: int = 3,
                 seq_len: int = 0, delay: int = 10, horizon: int = 1, drawn: str | None = None,
                 cache_dir: Path | None = None, progress: ProgressFn | None = None) -> Dataset:
    """Build one dataset as a read-only train/test split; the same arguments give identical arrays.

    Arguments that do not apply are ignored (features: 2D sets only; n_classes: blobs
    and spiral_multi; noise: not for tabular sets, digits, MNIST or parity; cache_dir
    and progress: download sets only; drawn ("x,y,class;…", datasets.drawn; None = the
    example): the drawn sets only, which ignore n_samples and noise; seq_len, delay,
    horizon: the sequence sets whose
    DatasetInfo.options name them, seq_len 0 meaning the set's default length; noise is
    ignored by the token sets). Fixed-size sets clamp n_samples to their size.
    Raises DatasetError on bad arguments, OfflineError when a download is impossible.
    """
    n_samples, noise, train_ratio, n_classes = _check_args(name, n_samples, noise, train_ratio, n_classes)
    rng = np.random.default_rng(seed)
    kind = DATASETS[name].kind
    if kind == KIND_2D:
        return _load_2d(name, n_samples, noise, train_ratio, check_features(features), n_classes, rng,
                        drawn)
    if name == "loan":     # the data lab's bias sliders keep their usual values here
        from .table_sources import load_loan
        return load_loan(n_samples, train_ratio, seed).dataset
    if name == "csv":
        raise DatasetError("The CSV table needs a file: upload one on the data lab, or give "
                           "its path in the experiment ('data': {'dataset': 'csv', 'path': …}).")
    if kind == KIND_TABULAR:
        return load_tabular(name, n_samples, train_ratio, rng)
    if name == "digits":
        return load_digits(n_samples, train_ratio, rng)
    if name == "shapes":
        return load_shapes(n_samples, noise, train_ratio, rng)
    if name in ("mnist", "fashion_mnist"):
        return load_mnist(name, n_samples, train_ratio, rng, cache_dir=cache_dir, progress=progress)
    if kind == KIND_SEQUENCE:
        length, delay, horizon = _check_sequence(name, seq_len, delay, horizon)
        if name in SERIES:
            return load_forecast(name, n_samples, noise, train_ratio, rng, length, horizon)
        if name == "parity":
            return load_parity(n_samples, train_ratio, rng, length)
        if name in RECALL_TASKS:
            return load_recall(name, n_samples, train_ratio, rng, length, delay)
        if name == "count":
            return load_count(n_samples, train_ratio, rng, length)
        if name in ("sentences", "brackets"):
            return load_next_char(name, n_samples, train_ratio, rng, length)
    raise DatasetError(f"No loader for dataset {name!r}.")   # a DATASETS entry without a branch
