"""Probes of the sequence lab: the hand unroll against torch, gates, gradients through time,
attention maps, the memory sweep and text generation."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from engine.inspect.sequences import capture_sequence, generate_text, memory_sweep, unroll
from engine.spec.experiment import DataSpec, Experiment, ModelSpec, TrainSpec
from engine.spec.layers import layers_from_text
from engine.train.trainer import Trainer


def trainer(dataset: str, layers: str, **data) -> Trainer:
    data.setdefault("n_samples", 60)
    return Trainer(Experiment(DataSpec(dataset, **data), ModelSpec(layers_from_text(layers)),
                              TrainSpec(optimizer="adam", lr=0.01, batch_size=16)))


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_the_hand_unroll_gives_torchs_output(cls, bidirectional):
    torch.manual_seed(0)          # test-only module construction; the engine never does this
    rnn = cls(3, 5, batch_first=True, bidirectional=bidirectional)
    x = torch.randn(2, 7, 3, generator=torch.Generator().manual_seed(1))
    want, _ = rnn(x)
    got = unroll(rnn, x)
    assert torch.allclose(got.output, want, atol=1e-5)
    assert len(got.states) == 1 + bidirectional and len(got.states[0]) == 7
    for gate in got.gates.values():
        assert gate.shape == want.shape and gate.min() >= 0 and gate.max() <= 1
    if cls is nn.LSTM:
        # h_t = o_t · tanh(c_t): the cell state and output gate explain the hidden state
        assert torch.allclose(got.gates["output"] * torch.tanh(got.cell), want, atol=1e-5)
        assert set(got.gates) == {"input", "forget", "output"}
    assert set(got.gates) == {nn.RNN: set(), nn.LSTM: {"input", "forget", "output"},
                              nn.GRU: {"update", "reset"}}[cls]


def test_a_tiny_rnn_step_by_hand():
    """One unit: h1 = tanh(0.5·1 + 0.1 + 0.2·0 - 0.3) = tanh(0.3); h2 = tanh(0.5·2 - 0.2 + 0.2·h1)."""
    rnn = nn.RNN(1, 1, batch_first=True)
    with torch.no_grad():
        rnn.weight_ih_l0.fill_(0.5)
        rnn.weight_hh_l0.fill_(0.2)
        rnn.bias_ih_l0.fill_(0.1)
        rnn.bias_hh_l0.fill_(-0.3)
    out = unroll(rnn, torch.tensor([[[1.0], [2.0]]])).output[0, :, 0]
    h1 = math.tanh(0.3)
    assert out.tolist() == pytest.approx([h1, math.tanh(1.0 - 0.2 + 0.2 * h1)], abs=1e-6)


def test_the_lstm_snapshot_has_every_view_in_units_by_time():
    tr = trainer("copy", "lstm:12,gru:6:1", seq_len=3, delay=4)
    tr.step(3)
    snap = capture_sequence(tr, index=2)
    steps = 2 * 3 + 4
    lstm, gru = snap.recurrent
    assert lstm.hidden.shape == lstm.cell.shape == (12, steps) and lstm.grad_norm.shape == (steps,)
    assert gru.hidden.shape == (12, steps) and gru.cell is None and gru.bidirectional
    for trace in snap.recurrent:
        for values in trace.gates.values():
            assert values.shape == trace.hidden.shape
            assert values.min() >= 0 and values.max() <= 1
    assert snap.tokens[-1] == "?" and len(snap.tokens) == steps
    assert snap.output.shape == (steps, 8)
    assert np.allclose(snap.output.sum(axis=1), 1, atol=1e-5)
    assert np.array_equal(snap.target, tr.dataset.y_test[2])
    # the unrolled network computes what the real one does: the same prediction
    assert np.allclose(snap.output, tr.predict(tr.dataset.x_test[2:3].copy())[0], atol=1e-5)
    assert snap.run is not None and snap.run.steps == 3


def test_the_gradient_at_the_last_step_is_the_head_gradient():
    """With a last-step head, ∂loss/∂h_T comes only from the head: check it with autograd on
    the fused model; earlier steps get theirs only through the recurrence (still > 0)."""
    tr = trainer("parity", "lstm:6")
    snap = capture_sequence(tr, index=0)
    assert all(p.grad is None for p in tr.model.parameters())      # the probe left .grad alone
    x = torch.tensor(tr.dataset.x_test[:1])
    out, _ = tr.model.L1.rnn(x)
    out.retain_grad()
    loss = tr.objective.loss(tr.model.head(out), tr.objective.encode_targets(tr.dataset.y_test[:1]))
    loss.backward()
    assert snap.recurrent[0].grad_norm[-1] == pytest.approx(float(out.grad[0, -1].norm()), rel=1e-4)
    assert float(out.grad[0, 0].norm()) == 0 < snap.recurrent[0].grad_norm[0]
    assert snap.loss == pytest.approx(float(loss.detach()), rel=1e-5)


def test_a_vanilla_rnns_gradient_fades_over_the_delay_faster_than_an_lstms():
    ratios = {}
    for kind in ("rnn", "lstm"):
        tr = trainer("copy", f"{kind}:32", seq_len=2, delay=30)
        norms = np.mean([capture_sequence(tr, index=i).recurrent[0].grad_norm for i in range(5)],
                        axis=0)
        ratios[kind] = norms[0] / norms[-3]           # first symbol read vs an answer step
    assert ratios["rnn"] < 1e-3 * ratios["lstm"]


def test_attention_maps_per_head_rows_sum_to_one_and_causal_zeroes_the_future():
    tr = trainer("reverse", "embedding:8,positional,transformer:2:16:1,self_attention:4",
                 seq_len=4)
    snap = capture_sequence(tr, index=1, split="train")
    block, plain = snap.attention
    assert (block.name, block.kind, block.causal) == ("L3", "transformer", True)
    assert block.weights.shape == (2, 8, 8) and plain.weights.shape == (4, 8, 8)
    for trace in snap.attention:
        assert np.allclose(trace.weights.sum(axis=-1), 1, atol=1e-5)
    assert (block.weights[:, np.triu_indices(8, 1)[0], np.triu_indices(8, 1)[1]] == 0).all()
    assert (plain.weights > 0).all() and snap.recurrent == ()


def test_memory_sweep_scores_the_model_at_other_delays_and_lengths():
    tr = trainer("copy", "lstm:8", seq_len=3, delay=5)
    sweep = memory_sweep(tr, values=[10, 0, 5], n_samples=20)
    assert sweep.setting == "delay" and sweep.trained == 5 and sweep.metric == "accuracy"
    assert sweep.values.tolist() == [0, 5, 10]
    assert ((sweep.scores >= 0) & (sweep.scores <= 1)).all()
    counting = memory_sweep(trainer("count", "gru:8", seq_len=6), n_samples=20)
    assert counting.setting == "seq_len" and counting.trained == 6
    longer = counting.scores[counting.values > 6]
    assert np.isnan(longer).all()          # more classes than the head has: not scorable
    assert not np.isnan(counting.scores[counting.values <= 6]).any()
    forecast = memory_sweep(trainer("sine", "gru:8"), values=[10, 20], n_samples=20)
    assert forecast.metric == "mse" and (forecast.scores > 0).all()


def test_generated_text_is_deterministic_per_seed_and_uses_the_vocabulary():
    tr = trainer("brackets", "embedding:8,lstm:16", seq_len=12)
    a = generate_text(tr, "([", n_chars=30, temperature=0.8, seed=3)
    assert a == generate_text(tr, "([", n_chars=30, temperature=0.8, seed=3)
    assert len(a) == 30 and set(a) <= set(tr.dataset.vocab)
    assert a != generate_text(tr, "([", n_chars=30, temperature=0.8, seed=4)
    with pytest.raises(ValueError, match="never saw"):
        generate_text(tr, "x", 5)
    with pytest.raises(ValueError, match="not a next-character task"):
        generate_text(trainer("copy", "lstm:4"), "1", 5)
