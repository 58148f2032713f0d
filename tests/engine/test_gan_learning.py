"""Headless learning test: the lab's opening preset learns the 8-Gaussian mixture.

A fixed budget of steps (not seconds), so the result is the same on a busy box: 2,000 rounds
of the default non-saturating GAN (about 6-11 s on one loaded thread here)."""
import time

import torch

from engine.data import GAN_TARGETS, modes_covered
from engine.gan.spec import GanSpec
from engine.gan.trainer import GanTrainer

STEPS = 2000


def test_the_default_preset_covers_at_least_6_of_8_modes():
    torch.set_num_threads(1)
    t = GanTrainer(GanSpec())
    start = time.perf_counter()
    t.step(STEPS)
    seconds = time.perf_counter() - start
    fake = t.fake_points()
    covered = modes_covered(fake, GAN_TARGETS["mixture8"])
    print(f"{covered} of 8 modes after {STEPS} steps in {seconds:.1f} s; "
          f"JS {t.divergence():.3f}")
    assert covered >= 6
    assert t.divergence() < 0.6 and not t.done
