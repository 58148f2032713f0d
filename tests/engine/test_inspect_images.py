"""Image inspection: feature maps against a hand computation, saliency sign, mistakes."""
import numpy as np
import pytest
import torch

from engine.model.build import build_model
from engine.inspect.images import (confusion, confusion_matrix, conv_filters, feature_maps,
                                   misclassified, predict_test_set, saliency)
from engine.spec.layers import layers_from_text
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
from engine.train import Trainer

IMAGE = np.array([[[0, 0, 1, 1],
                   [0, 0, 1, 1],
                   [0, 2, 2, 0],
                   [0, 0, 0, 3]]], dtype=np.float32)          # (1, 4, 4): a vertical edge
EDGE = [[-1.0, 1.0], [-1.0, 1.0]]                             # responds to dark → light
BOX = [[1.0, 1.0], [1.0, 1.0]]


def hand_conv_net(stack="conv2d:2:2:1:0:linear,maxpool2d:2:1,flatten"):
    """Two 2×2 filters we can apply by hand: a vertical-edge detector and a box sum + 1."""
    model = build_model(ModelSpec(layers_from_text(stack)), (1, 4, 4), 3)
    with torch.no_grad():
        model.L1.weight.copy_(torch.tensor([[EDGE], [BOX]]))
        model.L1.bias.copy_(torch.tensor([0.0, 1.0]))
    return model


def correlate(image, kernel, bias):
    """What a conv layer computes (cross-correlation, stride 1, no padding), by loops."""
    k = len(kernel)
    h, w = image.shape
    out = np.zeros((h - k + 1, w - k + 1))
    for i in range(h - k + 1):
        for j in range(w - k + 1):
            out[i, j] = sum(image[i + a, j + b] * kernel[a][b]
                            for a in range(k) for b in range(k)) + bias
    return out


def test_feature_maps_match_a_hand_computation():
    model = hand_conv_net()
    maps = feature_maps(model, IMAGE)
    assert [m.name for m in maps] == ["L1", "L2"]             # flatten is not an image layer
    assert [m.kind for m in maps] == ["conv2d", "maxpool2d"]
    edge, box = correlate(IMAGE[0], EDGE, 0.0), correlate(IMAGE[0], BOX, 1.0)
    assert np.allclose(maps[0].maps, np.stack([edge, box]))
    assert edge[0, 1] == 2 and edge[0, 0] == 0                 # the edge lights up where it is
    pooled = np.array([[[m[i:i + 2, j:j + 2].max() for j in range(2)] for i in range(2)]
                       for m in (edge, box)])
    assert np.allclose(maps[1].maps, pooled)
    assert maps[0].maps.dtype == np.float32


def test_feature_maps_apply_the_activation_and_restore_the_model():
    model = hand_conv_net("conv2d:2:2:1:0:relu").train()
    maps = feature_maps(model, torch.tensor(IMAGE)[None])     # a batch works too
    assert np.allclose(maps[0].maps[0], np.maximum(correlate(IMAGE[0], EDGE, 0.0), 0))
    assert model.training
    assert all(not m._forward_hooks for m in model.modules())


def test_feature_maps_include_residual_and_batchnorm_blocks():
    model = build_model(ModelSpec(layers_from_text(
        "conv2d:4:3:1:1:relu,residual:4:relu,batchnorm,dropout:0.5,avgpool2d:2:2")), (1, 8, 8), 10)
    kinds = [(m.name, m.kind, m.maps.shape) for m in feature_maps(model, np.zeros((1, 8, 8)))]
    assert kinds == [("L1", "conv2d", (4, 8, 8)), ("L2", "residual", (4, 8, 8)),
                     ("L2_bn", "batchnorm", (4, 8, 8)), ("L3", "avgpool2d", (4, 4, 4))]


def test_an_mlp_has_no_feature_maps_and_no_filters():
    model = build_model(ModelSpec(layers_from_text("flatten,dense:8:relu")), (1, 8, 8), 10)
    assert feature_maps(model, np.zeros((1, 8, 8))) == []
    assert conv_filters(model) == []


def test_conv_filters_names_and_shapes():
    model = build_model(ModelSpec(layers_from_text("conv2d:6:3:1:1:relu,residual:5:relu")),
                        (1, 8, 8), 10)
    shapes = {name: w.shape for name, w in conv_filters(model)}
    assert shapes == {"L1": (6, 1, 3, 3), "L2.conv1": (5, 6, 3, 3), "L2.conv2": (6, 5, 3, 3)}


def linear_net():
    """flatten → head: the class-0 score is 1·x00 − 2·x01 + 3·x10 + 0·x11."""
    model = build_model(ModelSpec(layers_from_text("flatten")), (1, 2, 2), 2)
    with torch.no_grad():
        model.head.weight.copy_(torch.tensor([[1.0, -2.0, 3.0, 0.0], [0.0, 0.0, 0.0, 0.0]]))
        model.head.bias.copy_(torch.tensor([10.0, 0.0]))
    return model


def test_saliency_shape_and_sign_on_a_tiny_model():
    model = linear_net().train()
    grad, cls = saliency(model, np.ones((1, 2, 2), dtype=np.float32))
    assert cls == 0                                             # predicted: 10 + 2 > 0
    assert grad.shape == (1, 2, 2)
    assert np.allclose(grad, [[[1.0, -2.0], [3.0, 0.0]]])       # sign follows the weights
    grad1, cls1 = saliency(model, np.ones((1, 2, 2)), target=1)
    assert cls1 == 1 and np.allclose(grad1, 0.0)
    assert model.training and all(p.grad is None for p in model.parameters())


def test_saliency_matches_autograd_through_a_conv_net_and_works_in_inference_mode():
    torch.manual_seed(0)
    model = build_model(ModelSpec(layers_from_text("conv2d:3:3:1:1:tanh,maxpool2d:2:2")),
                        (1, 4, 4), 3)
    x = torch.rand(1, 1, 4, 4)
    with torch.inference_mode():                                # as inside the page's probes
        grad, cls = saliency(model, x)
    ref = x.clone().requires_grad_(True)
    model.eval()
    model(ref)[0, cls].backward()
    assert np.allclose(grad, ref.grad[0].numpy(), atol=1e-6)


def test_confusion_matrix_counts():
    m = confusion_matrix(np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0]), 3)
    assert m.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]


@pytest.fixture(scope="module")
def trained():
    exp = Experiment(DataSpec("digits", n_samples=300, train_ratio=0.5),
                     ModelSpec(layers_from_text("conv2d:4:3:1:1:relu,maxpool2d:2:2,flatten")),
                     TrainSpec(optimizer="adam", lr=0.01, batch_size=32))
    trainer = Trainer(exp, device="cpu")
    trainer.step(3)                                             # some right, some wrong
    return trainer


def test_test_set_predictions_confusion_and_mistakes(trained):
    p = predict_test_set(trained)
    n = len(trained.x_test)
    assert p.probs.shape == (n, 10) and np.allclose(p.probs.sum(axis=1), 1, atol=1e-5)
    matrix = confusion(trained, p)
    assert matrix.sum() == n
    assert np.trace(matrix) / n == pytest.approx(trained.evaluate().test_acc, abs=1e-6)
    wrong = misclassified(trained, 5, predictions=p)
    assert 0 < len(wrong) <= 5
    assert all(p.y_pred[i] != p.y_true[i] for i in wrong)
    confidence = p.probs[wrong, p.y_pred[wrong]]
    assert list(confidence) == sorted(confidence, reverse=True)  # most confident first
    assert len(misclassified(trained, 10_000)) == n - np.trace(matrix)
