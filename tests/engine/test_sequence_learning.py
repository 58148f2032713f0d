"""The sequence lab's lessons hold: fixed epoch budgets, the presets, seeded data and weights.

Each run takes 5-20 s on one CPU thread (measured: LSTM copy ≥ 99% after 20 of its 30 epochs;
the Transformer reverses perfectly after 5 of 10; at delay 30 the LSTM reaches ~80% in 60
epochs while the vanilla RNN stays at chance, 1/8).
"""
from __future__ import annotations

import torch

from engine.spec.experiment import DataSpec
from engine.spec.presets import sequence_preset_experiment
from engine.train.trainer import FINISHED, Trainer


def trained(preset: str, dataset: str, epochs: int, **data) -> Trainer:
    exp = sequence_preset_experiment(preset, DataSpec(dataset, n_samples=2000, train_ratio=0.8,
                                                      **data))
    trainer = Trainer(exp.replace("train", epochs=epochs))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        while not trainer.done:
            trainer.step_epoch()
    finally:
        torch.set_num_threads(threads)
    assert trainer.status == FINISHED
    return trainer


def test_an_lstm_copies_four_digits_across_ten_blank_steps():
    tr = trained("lstm", "copy", 30, seq_len=4, delay=10)
    assert tr.metrics.test_acc >= 0.95          # per answer step, on held-out sequences


def test_a_tiny_transformer_reverses_eight_digits():
    tr = trained("tiny_transformer", "reverse", 10, seq_len=8)
    assert tr.metrics.test_acc >= 0.95


def test_at_delay_30_a_vanilla_rnn_does_clearly_worse_than_an_lstm():
    lstm = trained("lstm", "copy", 60, seq_len=4, delay=30).metrics.test_acc
    rnn = trained("vanilla_rnn", "copy", 60, seq_len=4, delay=30).metrics.test_acc
    assert lstm >= 0.6
    assert rnn <= lstm - 0.3
