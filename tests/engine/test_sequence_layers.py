"""The sequence lab's layers: shapes, parameter counts, refusals, cost estimates, attention."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from engine.model import layers as L
from engine.model.build import build_model, plan_model
from engine.model.cost import step_cost
from engine.model.init import init_weights
from engine.spec import ModelSpec
from engine.spec.experiment import DataSpec, Experiment
from engine.spec.fields import SpecError
from engine.spec.layers import LAYER_KINDS, layers_from_text
from engine.spec.presets import (SEQUENCE_KINDS, SEQUENCE_PRESETS, SEQUENCE_SETS, sequence_data,
                                 sequence_preset_experiment)
from engine.train.trainer import Trainer

# (text, input shape, tokens, per step)
NETS = [
    ("embedding:16,positional,transformer:4:32:1,transformer:2:24", (12, 10), True, True),
    ("dense:16:linear,positional,self_attention:4:1,last_step,dense:8", (20, 3), False, False),
    ("embedding:8,lstm:16:1,gru:8,rnn:8:1", (10, 5), True, True),
]


def net(text: str) -> ModelSpec:
    return ModelSpec(layers_from_text(text))


def one_hot(shape, batch=4):
    ids = torch.randint(0, shape[-1], (batch, shape[0]), generator=torch.Generator().manual_seed(0))
    return torch.nn.functional.one_hot(ids, shape[-1]).float()


@pytest.mark.parametrize("text, shape, tokens, per_step", NETS)
def test_planned_shapes_and_parameters_match_the_built_model(text, shape, tokens, per_step):
    rows = plan_model(net(text), shape, 6, tokens=tokens, per_step=per_step)
    model = build_model(net(text), shape, 6, tokens=tokens, per_step=per_step).eval()
    assert sum(p.numel() for p in model.parameters()) == sum(r.params for r in rows)
    out = model(one_hot(shape))
    assert tuple(out.shape[1:]) == rows[-1].output_shape
    assert out.shape == ((4, shape[0], 6) if per_step else (4, 6))


def test_bidirectional_doubles_the_width_and_the_description_says_so():
    rows = plan_model(net("lstm:8:1,gru:4"), (5, 2), 2)
    assert rows[1].output_shape == (5, 16) and rows[2].output_shape == (5, 4)
    assert rows[1].description == "lstm 8 bidirectional" and rows[2].description == "gru 4"
    assert net("lstm:8:1,gru:4").layers[0].bidirectional == 1


@pytest.mark.parametrize("text, shape, kw, message", [
    ("embedding:8", (10, 1), {}, r"L1 \(embedding\) looks up tokens.*real numbers"),
    ("dense:4,embedding:8", (10, 5), {"tokens": True}, r"L2 \(embedding\).*make it the first"),
    ("embedding:6,transformer:4:16", (10, 5), {"tokens": True}, r"4 heads must divide the 6"),
    ("lstm:8", (1, 8, 8), {}, r"L1 \(lstm\) needs a sequence.*image"),
    ("flatten,transformer:1", (6, 2), {}, r"transformer\) needs a sequence.*move it before"),
    ("positional", (3,), {}, r"positional\) needs a sequence"),
    ("lstm:8,last_step", (6, 2), {"per_step": True},
     r"answer at every step, but L2 \(last_step\)"),
])
def test_impossible_stacks_are_refused_with_the_fix(text, shape, kw, message):
    with pytest.raises(SpecError, match=message):
        plan_model(net(text), shape, 3, **kw)


def test_next_character_tasks_refuse_layers_that_see_the_answer():
    with pytest.raises(SpecError, match=r"L2 \(self_attention\) can see the next character.*causal on"):
        Experiment(DataSpec("sentences"), net("embedding:8,self_attention:2")).validated()
    with pytest.raises(SpecError, match=r"bidirectional off"):
        Experiment(DataSpec("brackets"), net("lstm:8:1")).validated()
    Experiment(DataSpec("sentences"), net("embedding:8,self_attention:2:1,lstm:8")).validated()
    Experiment(DataSpec("reverse"), net("embedding:8,self_attention:2,lstm:8:1")).validated()


def test_per_step_tasks_refuse_losses_that_cannot_skip_steps():
    with pytest.raises(SpecError, match="cross-entropy"):
        Experiment(DataSpec("copy"), net("lstm:8"),
                   Experiment().train.__class__(loss="mse")).validated()


@pytest.mark.parametrize("text, shape, tokens, per_step", NETS[:2])
def test_multiply_adds_track_torchs_flop_counter(text, shape, tokens, per_step):
    """Attention and the Transformer block are written out in matmuls, so the counter sees
    them (it cannot see inside torch's fused recurrent kernels)."""
    rows = plan_model(net(text), shape, 3, tokens=tokens, per_step=per_step)
    model = build_model(net(text), shape, 3, tokens=tokens, per_step=per_step).eval()
    with FlopCounterMode(display=False) as counter:
        model(one_hot(shape, 8))
    torch_macs = counter.get_total_flops() / 2
    assert 0.7 * torch_macs <= step_cost(rows, 8).macs <= 1.5 * torch_macs


@pytest.mark.parametrize("text, shape, tokens, per_step", NETS)
def test_activation_memory_tracks_the_tensors_autograd_saves(text, shape, tokens, per_step):
    batch = 512
    model = build_model(net(text), shape, 3, tokens=tokens, per_step=per_step).train()
    saved: dict[int, int] = {}

    def pack(t):
        storage = t.untyped_storage()
        saved[storage.data_ptr()] = storage.nbytes()
        return t

    x = one_hot(shape, batch)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(x).sum()
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    real = sum(n for ptr, n in saved.items()
               if ptr not in params and ptr != x.untyped_storage().data_ptr())
    estimate = step_cost(plan_model(net(text), shape, 3, tokens=tokens, per_step=per_step),
                         batch).memory
    assert 0.5 * real <= estimate <= 2.0 * real


@pytest.mark.parametrize("causal", [False, True])
def test_attention_rows_sum_to_one_and_the_causal_mask_zeroes_the_future(causal):
    attn = L.Attention(8, 2, causal)
    init_weights(attn, "torch", torch.Generator().manual_seed(1))
    x = torch.randn(3, 7, 8, generator=torch.Generator().manual_seed(2))
    weights, _ = attn.weights(x)
    assert weights.shape == (3, 2, 7, 7)
    assert torch.allclose(weights.sum(-1), torch.ones(3, 2, 7))
    future = torch.ones(7, 7, dtype=torch.bool).triu(1)
    if causal:
        assert (weights[..., future] == 0).all()
    else:
        assert (weights[..., future] > 0).all()


def test_attention_matches_torchs_multihead_attention_with_the_same_weights():
    attn = L.Attention(8, 2, causal=True)
    ref = torch.nn.MultiheadAttention(8, 2, batch_first=True)
    with torch.no_grad():
        ref.in_proj_weight.copy_(attn.qkv.weight)
        ref.in_proj_bias.copy_(attn.qkv.bias)
        ref.out_proj.weight.copy_(attn.proj.weight)
        ref.out_proj.bias.copy_(attn.proj.bias)
    x = torch.randn(2, 5, 8, generator=torch.Generator().manual_seed(3))
    mask = torch.ones(5, 5, dtype=torch.bool).triu(1)
    want, want_weights = ref(x, x, x, attn_mask=mask, average_attn_weights=False)
    assert torch.allclose(attn(x), want, atol=1e-6)
    assert torch.allclose(attn.weights(x)[0], want_weights, atol=1e-6)


def test_a_causal_model_cannot_be_changed_by_the_future():
    model = build_model(net("embedding:8,positional,transformer:2:16:1,self_attention:2:1"),
                        (6, 5), 5, tokens=True, per_step=True).eval()
    x = one_hot((6, 5), 2)
    y = x.clone()
    y[:, 4:] = one_hot((2, 5), 2)[:, :, :]            # change steps 4 and 5 only
    assert torch.allclose(model(x)[:, :4], model(y)[:, :4], atol=1e-6)


def test_positional_code_tells_steps_apart_and_leaves_the_width():
    x = torch.zeros(1, 10, 6)
    code = L.Positional()(x)[0]
    assert code.shape == (10, 6) and len({tuple(r.round(decimals=4).tolist()) for r in code}) == 10
    assert torch.allclose(code[0], torch.tensor([0.0, 1.0] * 3))
    assert L.Positional()(torch.zeros(1, 4, 5)).shape == (1, 4, 5)        # odd widths too


def test_the_lstm_starts_with_open_forget_gates_from_its_own_generator():
    a = build_model(net("lstm:4"), (3, 2), 2)
    b = build_model(net("lstm:4"), (3, 2), 2)
    for m in (a, b):
        init_weights(m, "torch", torch.Generator().manual_seed(7))
    lstm = a.L1.rnn
    assert torch.equal(lstm.bias_ih_l0[4:8], torch.full((4,), 2.0))
    assert torch.equal(lstm.bias_hh_l0[4:8], torch.zeros(4))
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


@pytest.mark.parametrize("dataset", SEQUENCE_SETS)
@pytest.mark.parametrize("preset", list(SEQUENCE_PRESETS))
def test_every_sequence_preset_trains_on_every_sequence_set(preset, dataset):
    exp = sequence_preset_experiment(preset, sequence_data(dataset, n_samples=40))
    trainer = Trainer(exp)
    assert trainer.step(2) == 2 and np.isfinite(trainer.evaluate().train_loss)
    plan_model(exp.model, trainer.dataset.input_shape, trainer.dataset.n_outputs,
               tokens=bool(trainer.dataset.vocab), per_step=trainer.dataset.per_step,
               batch_size=256)                    # the largest batch the lab is likely to offer


def test_every_kind_the_sequence_editor_offers_builds_in_one_stack():
    assert set(SEQUENCE_KINDS) <= set(LAYER_KINDS)
    text = ("embedding:16,positional,rnn:8,lstm:8:1,gru:8,self_attention:2:1,transformer:2:16:1,"
            "dense:8:relu,dropout:0.1,layernorm,activation:tanh,last_step")
    assert {layer.kind for layer in layers_from_text(text)} == set(SEQUENCE_KINDS)
    assert build_model(net(text), (6, 5), 3, tokens=True)(one_hot((6, 5))).shape == (4, 3)
