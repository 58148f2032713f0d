"""Toy languages generated here, offline: simple English-like sentences and balanced brackets.

Next-character prediction on them shows a model learning structure: words from letters,
sentences from a grammar (determiner, adjective, noun, verb...), and for brackets that every
opening bracket is closed by its own kind, in order. The streams are cut into non-overlapping
windows; each step's target is the next character.
"""
from __future__ import annotations

import numpy as np

from .base import CLASSIFICATION, KIND_SEQUENCE, Dataset, freeze, split_train_test
from .memory_tasks import one_hot

DETERMINERS = ("the", "a", "my", "your", "one", "this", "that", "every")
ADJECTIVES = ("small", "big", "red", "green", "happy", "sad", "old", "young", "quick", "slow",
              "quiet", "loud", "brave", "clever", "tiny", "warm")
NOUNS = ("cat", "dog", "bird", "fish", "child", "teacher", "robot", "farmer", "horse", "mouse",
         "king", "queen", "friend", "doctor", "baker", "tiger", "frog", "owl", "sailor", "pilot")
VERBS = ("sees", "likes", "chases", "finds", "helps", "calls", "follows", "meets", "loves",
         "watches", "paints", "feeds", "greets", "hears", "knows", "visits")
ADVERBS = ("today", "again", "often", "slowly", "quickly", "at night", "in the park")
BRACKETS = (("(", ")"), ("[", "]"))


def _sentence(rng: np.random.Generator) -> str:
    """DET [ADJ] NOUN VERB DET [ADJ] NOUN [ADV]."""
    def phrase() -> list[str]:
        words = [DETERMINERS[rng.integers(len(DETERMINERS))]]
        if rng.random() < 0.5:
            words.append(ADJECTIVES[rng.integers(len(ADJECTIVES))])
        return words + [NOUNS[rng.integers(len(NOUNS))]]
    words = phrase() + [VERBS[rng.integers(len(VERBS))]] + phrase()
    if rng.random() < 0.3:
        words.append(ADVERBS[rng.integers(len(ADVERBS))])
    return " ".join(words) + ". "


def _brackets(rng: np.random.Generator, depth: int = 0) -> str:
    """One balanced expression such as ([()[]]) with up to 4 levels of nesting."""
    opening, closing = BRACKETS[rng.integers(len(BRACKETS))]
    inner = ""
    while depth < 4 and rng.random() < 0.6 - 0.1 * depth:
        inner += _brackets(rng, depth + 1)
    return opening + inner + closing


def make_stream(language: str, n_chars: int, rng: np.random.Generator) -> str:
    """At least n_chars characters of `language` ('sentences' or 'brackets')."""
    parts: list[str] = []
    total = 0
    while total < n_chars:
        part = _sentence(rng) if language == "sentences" else _brackets(rng) + " "
        parts.append(part)
        total += len(part)
    return "".join(parts)


def vocabulary(language: str) -> tuple[str, ...]:
    """Every character the language can produce, sorted (fixed, whatever the seed)."""
    if language == "brackets":
        return tuple(sorted(" " + "".join(a + b for a, b in BRACKETS)))
    words = " ".join(DETERMINERS + ADJECTIVES + NOUNS + VERBS + ADVERBS)
    return tuple(sorted(set(words + " .")))


def encode(text: str, vocab: tuple[str, ...]) -> np.ndarray:
    """Character ids (unknown characters raise ValueError)."""
    index = {c: i for i, c in enumerate(vocab)}
    return np.array([index[c] for c in text], dtype=np.int64)


def make_next_char(language: str, n_samples: int, rng: np.random.Generator,
                   length: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows (N, L, V) one-hot and per-step targets (N, L): the character after each one."""
    vocab = vocabulary(language)
    ids = encode(make_stream(language, n_samples * (length + 1), rng), vocab)
    windows = ids[:n_samples * (length + 1)].reshape(n_samples, length + 1)
    return one_hot(windows[:, :-1], len(vocab)), windows[:, 1:].copy()


def load_next_char(language: str, n_samples: int, train_ratio: float, rng: np.random.Generator,
                   length: int) -> Dataset:
    """Next-character prediction: per-step classes over the language's characters."""
    x, y = make_next_char(language, n_samples, rng, length)
    x_tr, y_tr, x_te, y_te = split_train_test(x, y, train_ratio, rng)
    vocab = vocabulary(language)
    return Dataset(
        name=language, task=CLASSIFICATION, kind=KIND_SEQUENCE,
        x_train=freeze(x_tr), y_train=freeze(y_tr), x_test=freeze(x_te), y_test=freeze(y_te),
        input_shape=x.shape[1:], class_names=vocab, feature_names=vocab, vocab=vocab,
        per_step=True,
    )
