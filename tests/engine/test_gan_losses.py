"""The GAN losses against hand computations, the arrows against autograd, D's map range."""
import math

import numpy as np
import pytest
import torch

from engine.gan.losses import d_loss, d_output, g_loss, g_loss_each, gradient_penalty
from engine.gan.spec import GanSpec
from engine.gan.trainer import GanTrainer
from engine.inspect.gan import capture_gan, fake_arrows

REAL = torch.tensor([[2.0], [0.0]])       # D's raw outputs (logits / scores) on real points
FAKE = torch.tensor([[-1.0], [3.0]])      # ... and on fake points


def sig(a: float) -> float:
    return 1 / (1 + math.exp(-a))


def test_sigmoid_losses_by_hand():
    d = -(math.log(sig(2)) + math.log(sig(0))) / 2 - (math.log(1 - sig(-1))
                                                      + math.log(1 - sig(3))) / 2
    for name in ("minimax", "nonsat"):
        assert d_loss(name, REAL, FAKE).item() == pytest.approx(d, rel=1e-6)
    assert g_loss("minimax", FAKE).item() == pytest.approx(
        (math.log(1 - sig(-1)) + math.log(1 - sig(3))) / 2, rel=1e-6)
    assert g_loss("nonsat", FAKE).item() == pytest.approx(
        -(math.log(sig(-1)) + math.log(sig(3))) / 2, rel=1e-6)


def test_least_squares_and_wasserstein_by_hand():
    assert d_loss("lsgan", REAL, FAKE).item() == pytest.approx(
        0.5 * ((2 - 1) ** 2 + (0 - 1) ** 2) / 2 + 0.5 * (1 + 9) / 2)
    assert g_loss("lsgan", FAKE).item() == pytest.approx(0.5 * ((-2) ** 2 + 2 ** 2) / 2)
    assert d_loss("wgangp", REAL, FAKE).item() == pytest.approx((-1 + 3) / 2 - (2 + 0) / 2)
    assert g_loss("wgangp", FAKE).item() == pytest.approx(-(-1 + 3) / 2)


def test_minimax_saturates_where_nonsaturating_does_not():
    """Where D rejects a fake confidently (logit -8), minimax's gradient is ~0, not nonsat's."""
    a = torch.tensor([[-8.0]], requires_grad=True)
    grad_mm, = torch.autograd.grad(g_loss_each("minimax", a).sum(), a)
    grad_ns, = torch.autograd.grad(g_loss_each("nonsat", a).sum(), a)
    assert abs(grad_mm.item()) < 1e-3 and abs(grad_ns.item()) > 0.99


def test_gradient_penalty_of_a_linear_critic_by_hand():
    """f(x) = 3x₁ + 4x₂ has ‖∇f‖ = 5 everywhere: the penalty is (5 - 1)² = 16."""
    critic = torch.nn.Linear(2, 1)
    with torch.no_grad():
        critic.weight[:] = torch.tensor([[3.0, 4.0]])
    real, fake = torch.randn(5, 2), torch.randn(5, 2)
    gen = torch.Generator().manual_seed(0)
    assert gradient_penalty(critic, real, fake, gen).item() == pytest.approx(16.0)


@pytest.mark.parametrize("loss", ["minimax", "nonsat", "lsgan", "wgangp"])
def test_arrows_are_minus_the_generator_gradient_at_each_point(loss):
    t = GanTrainer(GanSpec(loss=loss, seed=3))
    t.step(20)
    fake = t.G(t.show_noise[:7]).detach()
    arrows = fake_arrows(t, fake)
    for i in range(7):
        x = fake[i:i + 1].clone().requires_grad_(True)
        grad, = torch.autograd.grad(g_loss(loss, t.D(x)), x)       # that point's own loss
        np.testing.assert_allclose(arrows[i], -grad[0].numpy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("loss", ["minimax", "nonsat", "lsgan"])
def test_the_heatmap_is_a_probability_for_bounded_losses(loss):
    t = GanTrainer(GanSpec(loss=loss))
    t.step(30)
    frame = capture_gan(t)
    assert frame.heat_range == (0.0, 1.0)
    assert frame.heat.min() >= 0 and frame.heat.max() <= 1 and frame.heat.std() > 0


def test_the_critic_map_spans_its_own_range():
    t = GanTrainer(GanSpec(loss="wgangp"))
    t.step(30)
    frame = capture_gan(t)
    low, high = frame.heat_range
    assert low == pytest.approx(frame.heat.min()) and high == pytest.approx(frame.heat.max())
    assert d_output("wgangp", torch.tensor([5.0])).item() == 5.0
