"""The microscope's numbers against a 2-2-1 tanh network worked out by hand, and its verbs."""
import math

import numpy as np
import pytest
import torch

from engine.inspect.microscope import (apply_point_update, chain_rule, dense_layers, point_loss,
                                       point_trace, set_bias, set_weight)
from engine.inspect.probe import grid_outputs
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
from engine.spec.layers import layers_from_text
from engine.train import Trainer

W1 = [[0.5, -1.0], [1.5, 0.25]]
B1 = [0.1, -0.2]
W2 = [[1.0, -2.0]]
B2 = [0.3]
X = (1.2, -0.4)          # the point, and its label: blue (class 1), target +1 for the ±1 loss


def trainer_221(loss="tfp_squared", net="dense:2:tanh", **train) -> Trainer:
    exp = Experiment(DataSpec("circle", n_samples=60), ModelSpec(layers_from_text(net)),
                     TrainSpec(loss=loss, optimizer="sgd", lr=0.1, batch_size=10, **train))
    return Trainer(exp, device="cpu")


def set_hand_weights(t: Trainer, w2=W2, b2=B2) -> None:
    """Every weight set with the microscope's own editing verbs."""
    for o in range(2):
        set_bias(t, "L1", o, B1[o])
        for i in range(2):
            set_weight(t, "L1", o, i, W1[o][i])
    for o, row in enumerate(w2):
        set_bias(t, "head", o, b2[o])
        for i, w in enumerate(row):
            set_weight(t, "head", o, i, w)


def test_trace_matches_a_2_2_1_tanh_network_by_hand():
    t = trainer_221()
    set_hand_weights(t)
    trace = point_trace(t, X, 1)
    # forward, by hand
    x1, x2 = X
    z1 = [W1[0][0] * x1 + W1[0][1] * x2 + B1[0],          # 0.6 + 0.4 + 0.1 = 1.1
          W1[1][0] * x1 + W1[1][1] * x2 + B1[1]]          # 1.8 - 0.1 - 0.2 = 1.5
    a1 = [math.tanh(z) for z in z1]
    z2 = W2[0][0] * a1[0] + W2[0][1] * a1[1] + B2[0]
    out = math.tanh(z2)                                    # the head's tanh (TF Playground loss)
    target = 1.0                                           # class 1 → +1
    loss = 0.5 * (out - target) ** 2
    # backward, by hand (chain rule)
    dL_dout = out - target                                 # ∂L/∂a of the output
    dout_dz2 = 1 - out ** 2                                # tanh'
    dL_dz2 = dL_dout * dout_dz2
    dL_dW2 = [dL_dz2 * a1[0], dL_dz2 * a1[1]]
    dL_da1 = [dL_dz2 * W2[0][0], dL_dz2 * W2[0][1]]
    da1_dz1 = [1 - a ** 2 for a in a1]
    dL_dz1 = [dL_da1[j] * da1_dz1[j] for j in range(2)]
    dL_dW1 = [[dL_dz1[j] * x1, dL_dz1[j] * x2] for j in range(2)]

    L1, head = trace.layers
    assert (L1.name, head.name, L1.activation, head.activation) == ("L1", "head", "tanh", "tanh")
    close = dict(rel=1e-5, abs=1e-6)
    assert L1.x.tolist() == pytest.approx(list(X), **close)
    assert L1.z.tolist() == pytest.approx(z1, **close)
    assert L1.a.tolist() == pytest.approx(a1, **close)
    assert L1.slope.tolist() == pytest.approx(da1_dz1, **close)
    assert L1.grad_a.tolist() == pytest.approx(dL_da1, **close)
    assert L1.grad_z.tolist() == pytest.approx(dL_dz1, **close)
    assert L1.grad_w.tolist() == [pytest.approx(r, **close) for r in dL_dW1]
    assert L1.grad_b.tolist() == pytest.approx(dL_dz1, **close)
    assert L1.feeds_next and head.x.tolist() == pytest.approx(a1, **close)
    assert head.z.tolist() == pytest.approx([z2], **close)
    assert head.a.tolist() == pytest.approx([out], **close)
    assert head.slope.tolist() == pytest.approx([dout_dz2], **close)
    assert head.grad_a.tolist() == pytest.approx([dL_dout], **close)
    assert head.grad_z.tolist() == pytest.approx([dL_dz2], **close)
    assert head.grad_w.tolist() == [pytest.approx(dL_dW2, **close)]
    assert head.grad_b.tolist() == pytest.approx([dL_dz2], **close)
    assert trace.output.tolist() == pytest.approx([out], **close)
    assert trace.prediction.tolist() == pytest.approx([(1 - out) / 2, (1 + out) / 2], **close)
    assert trace.target.tolist() == [target] and trace.label == 1.0
    assert trace.loss == pytest.approx(loss, **close) and trace.loss_name == "tfp_squared"
    # the chain-rule line for W1[1][0]: ∂L/∂a · ∂a/∂z · x, and where ∂L/∂a came from
    rule = chain_rule(trace, "L1", 1, 0)
    assert (rule.grad_a, rule.slope, rule.x) == pytest.approx((dL_da1[1], da1_dz1[1], x1), **close)
    assert rule.product == pytest.approx(dL_dW1[1][0], **close)
    assert rule.autograd == pytest.approx(dL_dW1[1][0], **close)
    assert rule.sources == ((0, pytest.approx(dL_dz2, **close), W2[0][1]),)
    bias = chain_rule(trace, "head", 0, None)
    assert (bias.x, bias.product) == (1.0, pytest.approx(dL_dz2, **close))
    assert bias.sources == ()                             # the head feeds the loss


def test_two_class_cross_entropy_head_by_hand():
    t = trainer_221(loss="cross_entropy")                 # two logits, linear head
    set_hand_weights(t, w2=[[-1.0, 0.5], [1.0, -2.0]], b2=[0.0, 0.3])
    trace = point_trace(t, X, 0)                          # orange: class 0
    a1 = trace.layers[0].a
    logits = [-1.0 * a1[0] + 0.5 * a1[1], 1.0 * a1[0] - 2.0 * a1[1] + 0.3]
    e = [math.exp(v) for v in logits]
    p = [v / sum(e) for v in e]
    head = trace.layers[1]
    close = dict(rel=1e-5, abs=1e-6)
    assert trace.loss == pytest.approx(-math.log(p[0]), **close)
    assert head.grad_z.tolist() == pytest.approx([p[0] - 1, p[1]], **close)   # p − one-hot
    assert head.slope.tolist() == [1.0, 1.0]                                    # linear head
    assert trace.prediction.tolist() == pytest.approx(p, **close)
    assert trace.target.tolist() == [0.0]


def test_every_factor_agrees_with_autograd_through_batchnorm_and_dropout():
    t = trainer_221(loss="auto", net="dense:5:relu,batchnorm,dropout:0.5,dense:3:sigmoid")
    t.step(12)                                           # running statistics move off their start
    x, y = t.dataset.x_train[3].copy(), t.dataset.y_train[3]
    grads = [p.grad.clone() for p in t.model.parameters()]
    trace = point_trace(t, x, y)
    assert [l.name for l in trace.layers] == ["L1", "L2", "head"]
    assert not trace.layers[0].feeds_next and trace.layers[1].feeds_next   # batch norm between
    assert trace.prediction == pytest.approx(t.predict(x[None])[0], rel=1e-5)
    for j, layer in enumerate(trace.layers):
        for o in range(len(layer.z)):
            for i in [*range(len(layer.x)), None]:
                rule = chain_rule(trace, j, o, i)
                assert rule.product == pytest.approx(rule.autograd, rel=1e-4, abs=1e-7)
                if rule.sources:
                    total = sum(g * w for _, g, w in rule.sources)
                    assert total == pytest.approx(rule.grad_a, rel=1e-4, abs=1e-7)
    assert all(torch.equal(p.grad, g) for p, g in zip(t.model.parameters(), grads))  # untouched
    assert t.model.training                                        # mode put back


def test_update_lowers_the_points_loss_without_touching_the_optimizer():
    t = trainer_221()
    set_hand_weights(t)
    t.step(3)
    opt_state = {k: v for k, v in t.optimizer.state_dict().items()}
    steps, lr = t.steps, t.lr
    trace = point_trace(t, X, 1)
    update = apply_point_update(t, X, 1, lr)
    assert update.names == ("L1", "head") and update.lr == lr
    assert update.loss_before == pytest.approx(trace.loss)
    assert update.loss_after < update.loss_before
    assert update.loss_after == pytest.approx(point_loss(t, X, 1))
    for layer, (w0, b0), (w1, b1) in zip(trace.layers, update.before, update.after):
        assert w1 - w0 == pytest.approx(-lr * layer.grad_w, abs=1e-6)   # plain SGD, one point
        assert b1 - b0 == pytest.approx(-lr * layer.grad_b, abs=1e-6)
    assert t.steps == steps and t.optimizer.state_dict() == opt_state
    assert t.metrics.train_loss == pytest.approx(t.evaluate().train_loss)    # scored again


def test_set_weight_changes_the_output_map_and_the_metrics():
    t = trainer_221()
    set_hand_weights(t)
    before, metrics = grid_outputs(t, 10).output, t.metrics
    set_weight(t, "head", 0, 1, 3.0)
    after = grid_outputs(t, 10).output
    assert not np.allclose(before, after)
    assert t.metrics != metrics
    assert float(dict(dense_layers(t.model))["head"].weight[0, 1].detach()) == 3.0
    set_bias(t, "L1", 0, -0.5)
    assert float(t.model.L1.bias[0].detach()) == -0.5
    with pytest.raises(ValueError):
        set_weight(t, "L1", 5, 0, 1.0)
    with pytest.raises(ValueError):
        set_bias(t, "head", 0, float("nan"))
    with pytest.raises(ValueError):
        set_weight(t, "L9", 0, 0, 1.0)


def test_edited_weights_are_what_a_divergence_goes_back_to():
    t = trainer_221()
    set_weight(t, "L1", 0, 0, 0.75)
    assert float(t._last_good[0][0, 0]) == 0.75
    with torch.no_grad():
        t.model.L1.weight[0, 0] = 0.0
    assert float(t._last_good[0][0, 0]) == 0.75            # a copy, not the live tensor


def test_an_edit_forks_the_run_and_the_timeline_keeps_the_edited_moment():
    from engine.record.recorder import Recorder

    t = trainer_221()
    rec = Recorder(t)
    t.step(3 * t.batches_per_epoch)                      # three epochs
    rec.mark()
    start = rec.timeline.checkpoints[0].steps
    rec.rewind(start)                                    # look back at epoch 0 ...
    set_weight(t, "L1", 0, 0, 2.5)                       # ... and edit there
    rec.note_edit()
    assert not rec.rewound and rec.branches == [0.0]
    assert [c.steps for c in rec.timeline.checkpoints] == [start]   # the future is gone
    t.step(2)                                            # training goes on from the edit
    rec.rewind(start)
    assert float(t.model.L1.weight[0, 0].detach()) == 2.5     # the kept moment has the edit
