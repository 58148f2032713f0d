"""The image lab's presets build on every image set, and the digits preset learns fast."""
import time

import pytest

from engine.model.build import plan_model
from engine.spec.presets import (DATA_DEFAULTS, IMAGE_PRESETS, IMAGE_SETS, IMAGE_SHAPES,
                                  preset_experiment)
from engine.spec.layers import layers_from_text
from engine.spec import ModelSpec
from engine.train import Trainer


@pytest.mark.parametrize("dataset", IMAGE_SETS)
@pytest.mark.parametrize("preset", list(IMAGE_PRESETS))
def test_every_preset_fits_every_image_set(preset, dataset):
    exp = preset_experiment(preset, dataset).validated()
    rows = plan_model(ModelSpec(layers_from_text(IMAGE_PRESETS[preset].layers)),
                      IMAGE_SHAPES[dataset], 10)
    assert rows[0].output_shape == IMAGE_SHAPES[dataset]
    assert exp.data == DATA_DEFAULTS[dataset]


def test_only_the_mlp_baseline_has_no_convolution():
    for name, preset in IMAGE_PRESETS.items():
        assert ("conv2d" in preset.layers) == (name != "mlp")


def test_digits_preset_reaches_95_percent_within_seconds():
    trainer = Trainer(preset_experiment("tiny_lenet", "digits"), device="cpu")
    start = time.perf_counter()
    while trainer.metrics.test_acc < 0.95 and time.perf_counter() - start < 20:
        trainer.step_epoch()
    assert trainer.metrics.test_acc >= 0.95, trainer.metrics
