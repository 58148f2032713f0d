"""optimizer_step and clear_grads: the optimizer's own update, bit for bit, and a registered
hook or a running profiler still sees every step."""
import pytest
import torch
from torch import nn

from engine.train.stepping import clear_grads, optimizer_step


def _net(seed: int) -> nn.Module:
    gen = torch.Generator().manual_seed(seed)
    net = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=gen))
    return net


def _train(make_opt, fast: bool, steps: int = 25) -> list[torch.Tensor]:
    net = _net(0)
    opt = make_opt(net.parameters())
    gen = torch.Generator().manual_seed(1)
    for _ in range(steps):
        x, y = torch.randn(8, 3, generator=gen), torch.randn(8, 2, generator=gen)
        if fast:
            clear_grads(opt)
        else:
            opt.zero_grad(set_to_none=True)
        nn.functional.mse_loss(net(x), y).backward()
        if fast:
            optimizer_step(opt)
        else:
            opt.step()
    return [p.detach().clone() for p in net.parameters()]


OPTIMIZERS = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1, foreach=False),
    "nesterov": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, foreach=False),
    "adam": lambda p: torch.optim.Adam(p, lr=0.01, foreach=False),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.01, foreach=False),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.01, foreach=False),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_the_same_update_bit_for_bit(name):
    plain, fast = _train(OPTIMIZERS[name], False), _train(OPTIMIZERS[name], True)
    assert all(torch.equal(a, b) for a, b in zip(plain, fast))
    assert not all(torch.equal(a, b) for a, b in zip(plain, _net(0).parameters()))  # it trained


def test_clear_grads_drops_every_gradient():
    net = _net(0)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    net(torch.ones(1, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    clear_grads(opt)
    assert all(p.grad is None for p in net.parameters())


def test_a_registered_hook_still_sees_every_step():
    net = _net(0)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    seen = []
    handle = opt.register_step_post_hook(lambda *_: seen.append(1))
    for _ in range(3):
        net(torch.ones(1, 3)).sum().backward()
        optimizer_step(opt)
    handle.remove()
    net(torch.ones(1, 3)).sum().backward()
    optimizer_step(opt)
    assert len(seen) == 3


def test_a_running_profiler_still_sees_the_step():
    net = _net(0)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    net(torch.ones(1, 3)).sum().backward()
    with torch.autograd.profiler.profile() as prof:
        optimizer_step(opt)
    assert any("Optimizer.step" in e.name for e in prof.function_events)
