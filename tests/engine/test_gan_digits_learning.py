"""Headless learning test for the digits GAN: after a fixed budget, the image lab's own
classifier (Tiny LeNet, trained here on the same 8×8 digits) reads its samples as digits.

Stated rate: at least 30% of 500 generated digits get a class probability above 0.9 from a
classifier at >= 90% test accuracy, and those confident ones span at least 7 of the 10 digits
(a collapsed generator makes one digit). Measured here after 2,500 steps: 52%, all 10
digits, 13 s on one loaded thread (35% and 7 digits after 2,000 steps)."""
import time

import numpy as np
import torch

from engine.gan.spec import GanSpec
from engine.gan.trainer import GanTrainer
from engine.spec.presets import preset_experiment
from engine.train import Trainer

STEPS = 2500


def test_the_digits_gan_makes_digits_the_image_lab_classifier_reads():
    torch.set_num_threads(1)
    start = time.perf_counter()
    clf = Trainer(preset_experiment(), device="cpu")       # the image lab's opening network
    while clf.epoch < 5:
        clf.run_for(1.0)
    assert clf.metrics.test_acc >= 0.9
    gan = GanTrainer(GanSpec(target="digits", noise_dim=8))
    gan.step(STEPS)
    with torch.no_grad():
        noise = torch.randn(500, 8, generator=torch.Generator().manual_seed(7))
        pixels = (gan.G(noise) + 1) / 2                    # tanh range -> the classifier's [0, 1]
        probs = torch.softmax(clf.model.eval()(pixels.reshape(-1, 1, 8, 8)), dim=1)
    confidence, digit = probs.max(dim=1)
    confident = confidence > 0.9
    share = float(confident.float().mean())
    kinds = len(np.unique(digit[confident].numpy()))
    print(f"{share:.0%} read as a digit with p > 0.9, {kinds} different digits, "
          f"{time.perf_counter() - start:.1f} s")
    assert share >= 0.3 and kinds >= 7
