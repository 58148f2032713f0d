"""The GAN trainer: seeds replay runs without touching torch's global RNG, the step modes move
only their network, live settings keep the weights, history stays bounded, links round-trip."""
import numpy as np
import pytest
import torch

from engine.gan.history import Series
from engine.gan.spec import GanSpec, SpecError
from engine.gan.trainer import GanTrainer
from engine.spec.layers import layers_from_text


def params(net) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in net.parameters()]).clone()


def test_a_seed_replays_the_run_and_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    before = torch.get_rng_state()
    a, b = GanTrainer(GanSpec(seed=5)), GanTrainer(GanSpec(seed=5))
    a.step(15)
    b.step(15)
    assert torch.equal(params(a.G), params(b.G)) and torch.equal(params(a.D), params(b.D))
    assert not torch.equal(params(a.G), params(GanTrainer(GanSpec(seed=6)).G))
    torch.manual_seed(123)
    assert torch.equal(torch.get_rng_state(), before)
    c = GanTrainer(GanSpec(seed=5))
    torch.rand(100)                           # someone else's draw in between changes nothing
    c.step(15)
    assert torch.equal(params(a.G), params(c.G))


@pytest.mark.parametrize("mode, moves", [("d", "D"), ("g", "G")])
def test_step_modes_move_only_their_network(mode, moves):
    t = GanTrainer(GanSpec())
    g0, d0 = params(t.G), params(t.D)
    t.step(1, mode)
    assert torch.equal(params(t.G), g0) != (moves == "G")
    assert torch.equal(params(t.D), d0) != (moves == "D")


def test_both_takes_d_steps_then_one_g_step():
    t = GanTrainer(GanSpec(d_steps=3))
    t.step(2)
    assert (t.d_updates, t.g_updates, t.steps) == (6, 2, 2)


def test_live_settings_keep_the_weights():
    t = GanTrainer(GanSpec())
    t.step(3)
    g = params(t.G)
    t.apply(GanSpec(loss="wgangp", g_lr=0.0003, d_opt="sgd", batch_size=64))
    assert torch.equal(params(t.G), g) and t.g_opt.param_groups[0]["lr"] == 0.0003
    assert isinstance(t.d_opt, torch.optim.SGD)
    with pytest.raises(ValueError):
        t.apply(GanSpec(target="ring"))


def test_run_for_and_epochs():
    t = GanTrainer(GanSpec(batch_size=512))
    assert t.batches_per_epoch == 4
    t.step_epoch(10)
    assert t.epoch == 1 and t.steps == 4
    assert t.run_for(0.05) >= 1 and not t.done


def test_a_blown_up_run_stops():
    t = GanTrainer(GanSpec(g_opt="sgd", d_opt="sgd", g_lr=0.5, d_lr=0.5, loss="wgangp",
                           d_steps=5, g_layers=layers_from_text("dense:128:linear"),
                           d_layers=layers_from_text("dense:128:linear,dense:128:linear")))
    t.run_for(3)
    assert t.done and "learning rate" in t.diverged


def test_history_stays_bounded_and_spans_the_run():
    s = Series(2, cap=10)
    for step in range(1, 1001):
        s.add(step, float(step))
    rows = s.array()
    assert len(rows) <= 10 and rows[0, 0] == 1 and rows[-1, 0] > 1000 - s.stride
    assert np.all(np.diff(rows[:, 0]) > 0)


def test_link_round_trip_and_repairs():
    spec = GanSpec(target="spiral", loss="minimax", noise_dim=3, batch_size=32, d_steps=2,
                   g_opt="sgd", g_lr=0.01, d_lr=0.0003, seed=42,
                   g_layers=layers_from_text("dense:32:tanh"))
    again, notes = GanSpec.from_query(spec.to_query())
    assert again == spec and notes == []
    bad, notes = GanSpec.from_query({"t": ["nope"], "z": ["99"], "dlr": ["inf"],
                                     "d": ["lstm:8"], "seed": ["-4"]})
    assert (bad.target, bad.noise_dim, bad.d_lr, bad.seed) == ("mixture8", 16, 0.001, 0)
    assert bad.d_layers == GanSpec().d_layers and len(notes) == 5
    with pytest.raises(SpecError):
        GanSpec(batch_size=100_000).validated()


def test_a_drawn_target_trains_on_the_drawn_points_and_rides_in_the_link():
    from engine.gan.spec import parse_points
    spec = GanSpec(target="drawn", points="0.00,0.00;1.00,1.00;-1.00,1.00")
    t = GanTrainer(spec)
    corners = parse_points(spec.points)
    d = np.linalg.norm(t.real.numpy()[:, None] - corners[None], axis=2).min(axis=1)
    assert d.max() < 0.3 and t.real.shape == (2048, 2)
    assert GanSpec.from_query(spec.to_query()) == (spec, [])
    assert "pts" not in GanSpec().to_query()
    with pytest.raises(SpecError, match="at least 3"):
        GanSpec(target="drawn", points="1,1;0,0").validated()
    hostile, notes = GanSpec.from_query({"t": ["drawn"], "pts": ["9,9;nan,1;1,1;" * 300]})
    assert len(parse_points(hostile.points)) <= 120 and notes


def test_the_digits_gan_trains_on_64_pixel_images():
    from engine.inspect.gan_digits import WALK, capture_digits
    t = GanTrainer(GanSpec(target="digits", noise_dim=8, batch_size=64))
    assert t.images and t.real.shape == (1797, 64) and float(t.real.min()) == -1.0
    assert t.batches_per_epoch == 1797 // 64
    t.step(3)
    frame = capture_digits(t)
    assert frame.fake.shape == (36, 8, 8) and frame.walk.shape == (WALK, 8, 8)
    assert 0 <= frame.fake.min() and frame.fake.max() <= 1
    assert np.isnan(t.divergence()) and np.isnan(t.modes_covered())
