"""Ready-made experiments of the image lab: small conv nets and an MLP to compare them with.

Every preset works on the smallest image set (8×8 digits) as well as on 28×28 ones, so a
student can switch data without the stack breaking. Presets are plain Experiments (DESIGN §2).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from engine.data import DATASETS
from engine.spec.layers import layers_from_text
from engine.spec.experiment import DataSpec, Experiment, ModelSpec, TrainSpec

IMAGE_SETS = ("digits", "shapes", "mnist", "fashion_mnist")

# Per dataset: total examples and training share. The test set stays fixed while the page's
# training-set slider varies how many training examples are used.
DATA_DEFAULTS: Mapping[str, DataSpec] = MappingProxyType({
    "digits": DataSpec("digits", n_samples=1797, train_ratio=0.7),
    "shapes": DataSpec("shapes", n_samples=3000, train_ratio=0.8),
    "mnist": DataSpec("mnist", n_samples=12000, train_ratio=0.8),
    "fashion_mnist": DataSpec("fashion_mnist", n_samples=12000, train_ratio=0.8),
})

# What each set's images are (C, H, W), known without loading them.
IMAGE_SHAPES: Mapping[str, tuple[int, int, int]] = MappingProxyType({
    "digits": (1, 8, 8), "shapes": (1, 28, 28), "mnist": (1, 28, 28),
    "fashion_mnist": (1, 28, 28)})

# Adam at 0.005 in batches of 32 reaches 95% on digits in about a second of training here.
IMAGE_TRAIN = TrainSpec(optimizer="adam", lr=0.005, momentum=0.9, batch_size=32)


@dataclass(frozen=True)
class ImagePreset:
    """A named stack with one line saying what it shows."""

    title: str
    description: str
    layers: str             # compact text form (engine.spec.layers)


IMAGE_PRESETS: Mapping[str, ImagePreset] = MappingProxyType({
    "tiny_lenet": ImagePreset(
        "Tiny LeNet", "Two conv + pool stages and a small dense layer: the classic digit reader.",
        "conv2d:8:3:1:1:relu,maxpool2d:2:2,conv2d:16:3:1:1:relu,maxpool2d:2:2,flatten,"
        "dense:32:relu"),
    "tiny_vgg": ImagePreset(
        "Tiny VGG", "CNN Explainer's net: pairs of 3×3 convs, each pair followed by pooling.",
        "conv2d:10:3:1:1:relu,conv2d:10:3:1:1:relu,maxpool2d:2:2,conv2d:10:3:1:1:relu,"
        "conv2d:10:3:1:1:relu,maxpool2d:2:2,flatten"),
    "tiny_resnet": ImagePreset(
        "Tiny ResNet", "A conv, a residual block (skip connection) with batch norm, then pooling.",
        "conv2d:8:3:1:1:relu,residual:8:relu,batchnorm,maxpool2d:2:2,flatten"),
    "mlp": ImagePreset(
        "MLP baseline", "No convolutions: every pixel goes straight into dense layers. Compare!",
        "flatten,dense:64:relu,dense:32:relu"),
})
DEFAULT_PRESET = "tiny_lenet"


def preset_experiment(name: str = DEFAULT_PRESET, dataset: str = "digits") -> Experiment:
    """The preset's stack on a dataset, with the lab's default training settings."""
    preset = IMAGE_PRESETS[name]
    return Experiment(DATA_DEFAULTS[dataset], ModelSpec(layers_from_text(preset.layers)),
                      IMAGE_TRAIN)


# ---- the sequence lab ----------------------------------------------------------------------
SEQUENCE_SETS = tuple(name for name, info in DATASETS.items() if info.kind == "sequence")
# The kinds a sequence editor offers: all of them read (T, F) sequences (last_step ends that).
SEQUENCE_KINDS = ("embedding", "positional", "rnn", "lstm", "gru", "self_attention",
                  "transformer", "last_step", "dense", "dropout", "layernorm", "activation")
# Adam at 0.01 in batches of 32: an LSTM copies 4 digits across 10 blank steps in ~30 epochs
# (a few seconds on one core); the Transformer preset reverses 8 digits in ~5.
SEQUENCE_TRAIN = TrainSpec(optimizer="adam", lr=0.01, momentum=0.9, batch_size=32)
SEQUENCE_DATA = DataSpec("copy", n_samples=2000, train_ratio=0.8)


@dataclass(frozen=True)
class SequencePreset:
    """A sequence stack in two spellings: for token data (an embedding reads the symbols) and
    for real-valued series (a linear dense layer sets the width instead)."""

    title: str
    description: str
    tokens: str             # compact text form for token datasets
    values: str             # ... for real-valued sequences (forecasting, parity)
    lr: float = 0.01


SEQUENCE_PRESETS: Mapping[str, SequencePreset] = MappingProxyType({
    "vanilla_rnn": SequencePreset(
        "Vanilla RNN", "One tanh recurrent layer: a memory that fades with every step.",
        "rnn:64", "rnn:32"),
    "lstm": SequencePreset(
        "LSTM", "Gates decide what to keep, forget and output: memory over long delays.",
        "lstm:64", "lstm:32"),
    "gru": SequencePreset(
        "GRU", "A lighter gated memory: update and reset gates.", "gru:64", "gru:32"),
    "tiny_transformer": SequencePreset(
        "Tiny Transformer", "Two blocks of causal self-attention + MLP: every step looks back "
        "at all earlier steps at once.",
        "embedding:32,positional,transformer:4:64:1,transformer:4:64:1",
        "dense:32:linear,positional,transformer:4:64:1,transformer:4:64:1", lr=0.003),
})
DEFAULT_SEQUENCE_PRESET = "lstm"


def sequence_data(name: str, **changes) -> DataSpec:
    """The lab's data settings for one sequence set: its usual size, 80% to train."""
    return dataclasses.replace(DataSpec(name, n_samples=DATASETS[name].default_samples,
                                        train_ratio=0.8), **changes)


def sequence_preset_experiment(name: str = DEFAULT_SEQUENCE_PRESET,
                               data: DataSpec = SEQUENCE_DATA) -> Experiment:
    """The preset's stack, in the spelling that fits the data, with the lab's training
    settings (the Transformer's gentler learning rate included)."""
    from engine.spec.experiment import dataset_info

    preset = SEQUENCE_PRESETS[name]
    text = preset.tokens if dataset_info(data.dataset).tokens else preset.values
    return Experiment(data, ModelSpec(layers_from_text(text)),
                      dataclasses.replace(SEQUENCE_TRAIN, lr=preset.lr)).validated()
