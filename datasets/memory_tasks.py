"""Memory and algorithmic token tasks: copy after a delay, reverse, sort, count a symbol.

Copy, reverse and sort share one layout, "read, (wait,) answer": the model reads L symbols,
then `delay` blanks, then L answer markers "?", and must name one symbol at each marker. The
targets are per step, IGNORE while reading and waiting, so accuracy counts only the answers and
a model cannot score by predicting blanks. Every layer kind can do this (a one-way RNN has read
everything before it must answer), and the copy delay is the lab's memory test.
Tokens arrive one-hot (T × vocabulary), like text.
"""
from __future__ import annotations

import numpy as np

from .base import CLASSIFICATION, IGNORE, KIND_SEQUENCE, Dataset, freeze, split_train_test

SYMBOLS = tuple("01234567")       # what is copied, reversed or sorted
BLANK, ASK = "_", "?"             # waiting step, answer marker
RECALL_VOCAB = SYMBOLS + (BLANK, ASK)
COUNT_VOCAB = tuple("abcd")       # count how many a's
RECALL_TASKS = ("copy", "reverse", "sort")


def one_hot(ids: np.ndarray, size: int) -> np.ndarray:
    """(N, T) token ids -> (N, T, size) float32 one-hot."""
    return np.eye(size, dtype=np.float32)[ids]


def make_recall(task: str, n_samples: int, rng: np.random.Generator, length: int,
                delay: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (N, 2L + delay, vocab) one-hot and per-step targets (N, 2L + delay) int64.

    copy answers the symbols in order, reverse backwards, sort in ascending order.
    """
    symbols = rng.integers(0, len(SYMBOLS), (n_samples, length))
    answer = {"copy": symbols, "reverse": symbols[:, ::-1],
              "sort": np.sort(symbols, axis=1)}[task]
    blank, ask = RECALL_VOCAB.index(BLANK), RECALL_VOCAB.index(ASK)
    tokens = np.concatenate([symbols, np.full((n_samples, delay), blank),
                             np.full((n_samples, length), ask)], axis=1)
    targets = np.concatenate([np.full((n_samples, length + delay), IGNORE), answer], axis=1)
    return one_hot(tokens, len(RECALL_VOCAB)), targets.astype(np.int64)


def make_count(n_samples: int, rng: np.random.Generator,
               length: int) -> tuple[np.ndarray, np.ndarray]:
    """Strings of a/b/c/d (N, L, 4) one-hot; label = how many a's (0..L), one per string.

    The number of a's is drawn uniformly first, so every count is about equally common
    (random letters would make 0 and L a's too rare to learn).
    """
    counts = rng.integers(0, length + 1, n_samples)
    ids = rng.integers(1, len(COUNT_VOCAB), (n_samples, length))      # anything but 'a'
    for i, k in enumerate(counts):
        ids[i, rng.permutation(length)[:k]] = 0
    return one_hot(ids, len(COUNT_VOCAB)), counts.astype(np.int64)


def load_recall(task: str, n_samples: int, train_ratio: float, rng: np.random.Generator,
                length: int, delay: int = 0) -> Dataset:
    """copy (with `delay` blanks), reverse or sort, with per-step targets over SYMBOLS."""
    x, y = make_recall(task, n_samples, rng, length, delay if task == "copy" else 0)
    x_tr, y_tr, x_te, y_te = split_train_test(x, y, train_ratio, rng)
    return Dataset(
        name=task, task=CLASSIFICATION, kind=KIND_SEQUENCE,
        x_train=freeze(x_tr), y_train=freeze(y_tr), x_test=freeze(x_te), y_test=freeze(y_te),
        input_shape=x.shape[1:], class_names=SYMBOLS, feature_names=RECALL_VOCAB,
        vocab=RECALL_VOCAB, per_step=True,
    )


def load_count(n_samples: int, train_ratio: float, rng: np.random.Generator,
               length: int) -> Dataset:
    """Count the a's: one class per possible count, 0..L."""
    x, y = make_count(n_samples, rng, length)
    x_tr, y_tr, x_te, y_te = split_train_test(x, y, train_ratio, rng)
    return Dataset(
        name="count", task=CLASSIFICATION, kind=KIND_SEQUENCE,
        x_train=freeze(x_tr), y_train=freeze(y_tr), x_test=freeze(x_te), y_test=freeze(y_te),
        input_shape=x.shape[1:], class_names=tuple(str(k) for k in range(length + 1)),
        feature_names=COUNT_VOCAB, vocab=COUNT_VOCAB,
    )
