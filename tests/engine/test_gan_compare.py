"""Compare mode in the GAN lab, engine side: what run B may change, the verdict on JS
divergence at a step both runs reached, and a pair of GANs trained in alternation."""
import dataclasses

import numpy as np
import torch

from engine.gan.compare import GAN_KIND
from engine.inspect.gan_compare import capture_gan_pair, gan_verdict
from engine.gan.spec import GanSpec
from engine.gan.trainer import GanTrainer
from engine.inspect.gan import capture_gan
from engine.spec.overrides import overrides_between, with_overrides
from engine.train.pair import RunPair


def frame_with(js_rows, steps, covered=8):
    t = GanTrainer(GanSpec())
    f = capture_gan(t)
    return dataclasses.replace(f, divergence=np.array(js_rows, dtype=float), steps=steps,
                               covered=covered)


def test_run_b_may_change_the_game_but_not_the_target_or_the_seed():
    a = GanSpec()
    b, notes = with_overrides(a, {"loss": "lsgan", "glr": "0.002", "t": "ring", "seed": "7"},
                              GAN_KIND)
    assert (b.loss, b.g_lr, b.target, b.seed) == ("lsgan", 0.002, a.target, a.seed)
    assert len(notes) == 2
    assert overrides_between(a, b, GAN_KIND) == {"glr": "0.002", "loss": "lsgan"}


def test_the_verdict_judges_js_at_a_step_both_runs_reached():
    a = frame_with([[25, 0.9], [50, 0.5], [75, 0.1]], steps=80)    # A went further...
    b = frame_with([[25, 0.8], [50, 0.3]], steps=60, covered=6)
    v = gan_verdict(a, b)
    assert v.winner == "B" and "step 50" in v.text                # ... judged at step 50
    assert "0.300 against 0.500" in v.text and "A 8 of 8, B 6 of 8" in v.text
    assert gan_verdict(frame_with([], 0), frame_with([], 0)).winner is None
    tie = gan_verdict(frame_with([[25, 0.4]], 30), frame_with([[25, 0.405]], 30))
    assert tie.winner is None and "tie" in tie.text


def test_two_identical_gans_stay_identical_and_level():
    pair = RunPair(GanTrainer(GanSpec()), GanTrainer(GanSpec()))
    for _ in range(3):
        pair.run_for(0.05)
    assert abs(pair.a.position - pair.b.position) <= 1 + 1e-9
    lead, lag = sorted(pair.runs, key=lambda t: t.steps)[::-1]
    lag.step(lead.steps - lag.steps)
    assert all(torch.equal(x, y) for x, y in zip(lead.G.state_dict().values(),
                                                 lag.G.state_dict().values()))
    frame = capture_gan_pair(pair)
    assert frame.a.steps == frame.b.steps and frame.winner is None
