"""Probe: exact outputs of a hand-weighted net, stats against an oracle, hook hygiene."""
import numpy as np
import pytest
import torch

from engine.model.build import build_model
from engine.spec.layers import layers_from_text
from engine.inspect.probe import capture, grid_outputs, layer_outputs, layer_stats
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
from engine.train import Trainer


def hand_net():
    """2-2-1 relu net with weights we can do in our heads."""
    model = build_model(ModelSpec(layers_from_text("dense:2:relu")), (2,), 1)
    with torch.no_grad():
        model.L1.weight.copy_(torch.tensor([[1.0, 1.0], [-1.0, 0.0]]))
        model.L1.bias.copy_(torch.tensor([0.0, -10.0]))   # unit 2 is dead for small inputs
        model.head.weight.copy_(torch.tensor([[2.0, 3.0]]))
        model.head.bias.copy_(torch.tensor([1.0]))
    return model


def test_layer_outputs_match_hand_computation():
    model = hand_net()
    outs = layer_outputs(model, torch.tensor([[1.0, 2.0], [-3.0, 1.0]]))
    assert np.allclose(outs["L1"], [[3.0, 0.0], [0.0, 0.0]])
    assert np.allclose(outs["head"], [[7.0], [1.0]])


def test_stats_dead_relus_and_gradient_norms_against_autograd():
    model = hand_net()
    x = torch.tensor([[1.0, 2.0], [0.5, 0.5]])
    y = torch.tensor([[0.0], [0.0]])
    stats = {s.name: s for s in layer_stats(model, x, y, torch.nn.functional.mse_loss)}
    assert stats["L1"].dead_fraction == 0.5          # unit 2 outputs 0 on every input
    assert stats["L1"].n_units == 2
    model.zero_grad()
    torch.nn.functional.mse_loss(model(x), y).backward()
    expected = torch.sqrt(model.L1.weight.grad.pow(2).sum() + model.L1.bias.grad.pow(2).sum())
    assert stats["L1"].grad_norm == pytest.approx(float(expected), rel=1e-6)
    assert stats["head"].weight_norm == pytest.approx(float(np.sqrt(4 + 9 + 1)))


def test_stats_do_not_touch_grads_and_saturation_is_seen():
    model = build_model(ModelSpec(layers_from_text("dense:3:tanh")), (2,), 2)
    with torch.no_grad():
        model.L1.weight.fill_(50.0)
    x = torch.rand(64, 2) + 0.5
    stats = layer_stats(model, x, torch.zeros(64, dtype=torch.long),
                        torch.nn.functional.cross_entropy)
    assert stats[0].saturated_fraction == 1.0
    assert all(p.grad is None for p in model.parameters())


def test_hooks_removed_and_mode_restored_after_an_exception():
    model = hand_net().train()
    with pytest.raises(RuntimeError):
        with capture(model):
            model(torch.zeros(1, 5))                  # wrong width: raises inside
    assert all(len(m._forward_hooks) == 0 for m in model.modules())
    layer_outputs(model, torch.zeros(3, 2))
    assert model.training and all(len(m._forward_hooks) == 0 for m in model.modules())


def test_grid_outputs_and_snapshot():
    exp = Experiment(DataSpec("circle", n_samples=100, features=("x1", "x2", "x1_sq")),
                     ModelSpec(layers_from_text("dense:4:tanh,dropout:0.5,dense:2:relu")),
                     TrainSpec())
    t = Trainer(exp)
    t.step(5)
    grid = grid_outputs(t, resolution=20)
    assert grid.output.shape == (20, 20, 2)
    assert np.allclose(grid.output.sum(axis=2), 1, atol=1e-5)
    assert grid.layers["L1"].shape == (20, 20, 4) and grid.inputs.shape == (20, 20, 3)
    # the grid's first row is y = ymin, x ascending; input neuron 3 is x1²
    assert np.allclose(grid.inputs[..., 2], grid.inputs[..., 0] ** 2)
    assert grid.inputs[0, 0, 0] < grid.inputs[0, -1, 0]
    assert t.model.training is True
