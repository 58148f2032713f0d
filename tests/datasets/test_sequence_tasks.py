"""The sequence lab's tasks: forecasting series, copy/reverse/sort/count, toy text."""
from __future__ import annotations

import numpy as np
import pytest

from datasets import DATASETS, DatasetError, load_dataset
from datasets.base import IGNORE
from datasets.memory_tasks import RECALL_VOCAB, SYMBOLS, make_count, make_recall
from datasets.sequences import SERIES, make_forecast
from datasets.toy_text import make_next_char, make_stream, vocabulary

SEQUENCE_SETS = [n for n, i in DATASETS.items() if i.kind == "sequence"]


@pytest.mark.parametrize("name", SEQUENCE_SETS)
def test_every_sequence_set_is_deterministic_per_seed(name):
    a = load_dataset(name, n_samples=60, noise=0.2, seed=5, seq_len=6, delay=3, horizon=2)
    b = load_dataset(name, n_samples=60, noise=0.2, seed=5, seq_len=6, delay=3, horizon=2)
    c = load_dataset(name, n_samples=60, noise=0.2, seed=6, seq_len=6, delay=3, horizon=2)
    for x, y in ((a.x_train, b.x_train), (a.y_train, b.y_train), (a.x_test, b.x_test)):
        assert np.array_equal(x, y)
    assert not np.array_equal(a.x_train, c.x_train)


@pytest.mark.parametrize("name", SEQUENCE_SETS)
def test_shapes_follow_the_length_setting_and_the_info(name):
    info = DATASETS[name]
    ds = load_dataset(name, n_samples=40, seq_len=5, delay=2)
    assert ds.x_train.dtype == np.float32 and ds.input_shape == ds.x_train.shape[1:]
    assert ds.per_step == info.per_step and bool(ds.vocab) == info.tokens
    steps = {"copy": 2 * 5 + 2, "reverse": 10, "sort": 10}.get(name, 5)
    assert ds.input_shape[0] == steps
    if ds.per_step:
        assert ds.y_train.shape == (len(ds.x_train), steps) and ds.y_train.dtype == np.int64
    default = load_dataset(name, n_samples=40)
    assert default.input_shape[0] == {"copy": 2 * 4 + 10, "reverse": 16, "sort": 12}.get(
        name, info.length)
    if not ds.per_step and info.task == "classification":
        assert len(default.class_names) == info.classes


def test_tokens_are_one_hot_over_the_vocabulary():
    ds = load_dataset("reverse", n_samples=30, seq_len=4)
    assert np.array_equal(ds.x_train.sum(axis=2), np.ones(ds.x_train.shape[:2]))
    assert ds.input_shape[1] == len(ds.vocab) == len(RECALL_VOCAB)


@pytest.mark.parametrize("task", ["copy", "reverse", "sort"])
def test_recall_targets_are_the_symbols_read_in_the_right_order(task):
    x, y = make_recall(task, 50, np.random.default_rng(0), length=5, delay=3 if task == "copy" else 0)
    delay = 3 if task == "copy" else 0
    ids = x.argmax(axis=2)
    read = ids[:, :5]
    assert (ids[:, 5:5 + delay] == RECALL_VOCAB.index("_")).all()
    assert (ids[:, 5 + delay:] == RECALL_VOCAB.index("?")).all()
    assert (y[:, :5 + delay] == IGNORE).all()
    want = {"copy": read, "reverse": read[:, ::-1], "sort": np.sort(read, axis=1)}[task]
    assert np.array_equal(y[:, 5 + delay:], want)
    assert y[:, 5 + delay:].max() < len(SYMBOLS)


def test_copy_delay_sets_the_blank_steps():
    short = load_dataset("copy", n_samples=20, seq_len=3, delay=0)
    long = load_dataset("copy", n_samples=20, seq_len=3, delay=30)
    assert short.input_shape[0] == 6 and long.input_shape[0] == 36


def test_count_labels_count_the_first_symbol_and_cover_every_count():
    x, y = make_count(400, np.random.default_rng(1), length=6)
    assert np.array_equal(y, (x.argmax(axis=2) == 0).sum(axis=1))
    assert set(np.unique(y)) == set(range(7))


@pytest.mark.parametrize("name", sorted(SERIES))
@pytest.mark.parametrize("horizon", [1, 3])
def test_forecast_targets_continue_the_clean_series(name, horizon):
    rng = np.random.default_rng(3)
    x, y = make_forecast(SERIES[name], 30, 0.0, rng, steps=8, horizon=horizon)
    clean = SERIES[name](30, 8 + horizon, np.random.default_rng(3))
    assert np.allclose(x[:, :, 0], clean[:, :8], atol=1e-6)
    assert np.allclose(y.reshape(30, -1), clean[:, 8:], atol=1e-6)
    assert y.shape == ((30,) if horizon == 1 else (30, horizon))


def test_forecast_noise_touches_inputs_only():
    a = load_dataset("sines", n_samples=50, noise=0.0, seed=2)
    b = load_dataset("sines", n_samples=50, noise=0.5, seed=2)
    assert np.array_equal(a.y_train, b.y_train) and not np.allclose(a.x_train, b.x_train)
    assert load_dataset("damped", n_samples=50, horizon=4).n_outputs == 4


def test_the_logistic_series_follows_its_rule():
    s = (SERIES["logistic"](10, 12, np.random.default_rng(0)) + 1) / 2
    assert np.allclose(s[:, 1:], 3.9 * s[:, :-1] * (1 - s[:, :-1]), atol=1e-9)


def test_next_character_targets_are_the_input_shifted_by_one():
    x, y = make_next_char("sentences", 20, np.random.default_rng(0), length=16)
    ids = x.argmax(axis=2)
    assert np.array_equal(ids[:, 1:], y[:, :-1])


def test_toy_sentences_follow_the_grammar_and_brackets_balance():
    text = make_stream("sentences", 500, np.random.default_rng(4))
    for sentence in text.split(". ")[:-1]:
        assert 4 <= len(sentence.split()) <= 9
    assert set(text) <= set(vocabulary("sentences"))
    for expression in make_stream("brackets", 300, np.random.default_rng(4)).split():
        stack = []
        for c in expression:
            if c in "([":
                stack.append(c)
            else:
                assert stack.pop() == {")": "(", "]": "["}[c]
        assert not stack


@pytest.mark.parametrize("kw", [{"seq_len": 65}, {"seq_len": 1}, {"delay": -1}, {"horizon": 0},
                                {"delay": 2.5}])
def test_bad_sequence_settings_are_refused(kw):
    with pytest.raises(DatasetError):
        load_dataset("copy", n_samples=20, **kw)
