"""A standalone PyTorch script for an experiment: the playground's own code, copied.

The script defines the same layer classes, the same initialisation, batch cutting, losses,
optimizers and training loop as the playground, copied from their modules with
`inspect.getsource` (so there is one source of truth), then builds the network layer by layer
with the playground's names (L1, L2, ..., head: its downloaded weights load straight in). It
needs only torch and numpy; the data is an .npz file beside it holding the exact arrays the
playground trained on (see engine/export/files.py for why the data is not regenerated).
"""
from __future__ import annotations

import inspect
import pprint
import textwrap
from typing import Callable

import torch
from torch import nn

from engine.data import Dataset, load_data
from engine.export import standalone
from engine.model import init as init_module
from engine.model import layers as L
from engine.model.build import build_model
from engine.model.cost import scored_examples
from engine.spec.experiment import Experiment
from engine.train import augment, batches, objectives, scoring

DEFAULT_EPOCHS = 100        # when the experiment sets no epoch limit (as the CLI)

# The activation table of engine/model/layers.py, as the script writes it. A test checks that
# each name resolves to the very function the playground uses.
ACTIVATION_CODE = {"relu": "F.relu", "leaky_relu": "F.leaky_relu", "elu": "F.elu",
                   "gelu": "F.gelu", "silu": "F.silu", "mish": "F.mish", "tanh": "torch.tanh",
                   "sigmoid": "torch.sigmoid", "softplus": "F.softplus", "sine": "torch.sin",
                   "linear": "identity"}

# Each layer module of the playground, and the constructor call that rebuilds it.
CONSTRUCTORS: dict[type, Callable[[nn.Module], str]] = {
    L.Dense: lambda m: f"Dense({m.in_features}, {m.out_features}, {m.activation_name!r})",
    L.Conv: lambda m: (f"Conv({m.in_channels}, {m.out_channels}, {m.kernel_size[0]}, "
                       f"{m.stride[0]}, {m.padding[0]}, {m.activation_name!r})"),
    L.Activation: lambda m: f"Activation({m.activation_name!r})",
    L.ResidualDense: lambda m: (f"ResidualDense({m.fc1.in_features}, {m.fc1.out_features}, "
                                f"{m.activation_name!r})"),
    L.ResidualConv: lambda m: (f"ResidualConv({m.conv1.in_channels}, {m.conv1.out_channels}, "
                               f"{m.activation_name!r})"),
    L.Recurrent: lambda m: (f"Recurrent({type(m.rnn).__name__.lower()!r}, {m.rnn.input_size}, "
                            f"{m.rnn.hidden_size}, {m.rnn.bidirectional})"),
    L.Attention: lambda m: f"Attention({m.dim}, {m.heads}, {m.causal})",
    L.SelfAttention: lambda m: f"SelfAttention({m.attn.dim}, {m.attn.heads}, {m.attn.causal})",
    L.TransformerBlock: lambda m: (f"TransformerBlock({m.attn.dim}, {m.attn.heads}, "
                                   f"{m.fc1.out_features}, {m.attn.causal})"),
    L.Embedding: lambda m: f"Embedding({m.num_embeddings}, {m.embedding_dim})",
    L.Positional: lambda m: "Positional()",
    L.LastStep: lambda m: "LastStep()",
    L.Dropout: lambda m: f"Dropout({m.p!r})",
    L.SequenceBatchNorm: lambda m: f"SequenceBatchNorm({m.num_features})",
    L.Head: lambda m: f"Head({m.in_features}, {m.out_features}, {m.activation_name!r}, "
                      f"{m.reduce!r})",
    nn.MaxPool2d: lambda m: f"nn.MaxPool2d({m.kernel_size}, {m.stride})",
    nn.AvgPool2d: lambda m: f"nn.AvgPool2d({m.kernel_size}, {m.stride})",
    nn.Flatten: lambda m: "nn.Flatten()",
    nn.BatchNorm1d: lambda m: f"nn.BatchNorm1d({m.num_features})",
    nn.BatchNorm2d: lambda m: f"nn.BatchNorm2d({m.num_features})",
    nn.GroupNorm: lambda m: f"nn.GroupNorm({m.num_groups}, {m.num_channels})",
    nn.LayerNorm: lambda m: f"nn.LayerNorm({m.normalized_shape[0]})",
}
# The playground's own classes, in the order engine/model/layers.py defines them.
LAYER_CLASSES = tuple(c for c in CONSTRUCTORS if c.__module__ == L.__name__)

HEADER = '''\
#!/usr/bin/env python3
"""{title}

{details}

Exported from NN Playground: the same network, initial weights, batch order, optimizer and
loss as the playground, so this script prints the playground's loss curve, number for number
(on the CPU, with the same torch version). It needs only torch and numpy; the data is
{data_file} beside it (x_train, y_train, x_test, y_test: the exact examples the playground
trained and scored on).

    python {script_file}                  # {epochs} epochs, one line per epoch
    python {script_file} --epochs 30
    python {script_file} --save-weights model.pt
    python {script_file} --load-weights weights.pt   # start from the playground's weights

The layer classes, initialisation, batches, augmentation, losses, optimizers and the training
loop below are the playground's own code (engine/model, engine/train,
engine/export/standalone.py).
"""
from __future__ import annotations

import argparse
import math
import sys
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

# ---- the experiment (the same settings as experiment.json) ------------------------------
EXPERIMENT = {experiment}
TRAIN = SimpleNamespace(**EXPERIMENT["train"])
TASK = {task!r}
N_CLASSES = {n_classes}
N_VALUES = {n_values}           # values a regression predicts per example
PER_STEP = {per_step}       # a class per time step (-1: no answer due at that step)
DATA_FILE = Path(__file__).with_name({data_file!r})
DEFAULT_EPOCHS = {epochs}
EVAL_LIMIT = {eval_limit}       # examples per split scored after each epoch
EVAL_CHUNK = {eval_chunk}       # scored this many at a time
FLIPS = {flips}            # augmentation may mirror these images (the dataset allows it)
'''


def _source(obj: object) -> str:
    return textwrap.dedent(inspect.getsource(obj)).rstrip() + "\n"


def _section(title: str, origin: str, parts: list[str]) -> str:
    rule = f"# ---- {title} ({origin}) "
    return rule + "-" * max(4, 92 - len(rule)) + "\n" + "\n\n".join(parts)


def model_code(model: nn.Module) -> str:
    """`build_model()`: the network as a list of named constructor calls."""
    shapes = {row.name: row.output_shape for row in getattr(model, "plan", [])}
    lines = []
    for name, module in model.named_children():
        make = CONSTRUCTORS.get(type(module))
        if make is None:          # a new layer kind needs its line in CONSTRUCTORS
            raise TypeError(f"No constructor for {type(module).__name__} in the export.")
        shape = shapes.get(name)
        note = f"  # -> {'×'.join(map(str, shape))}" if shape else ""
        lines.append(f"        ({name!r}, {make(module)}),{note}")
    return ("def build_model() -> nn.Sequential:\n"
            '    """The network, with the playground\'s layer names (its weights load here)."""\n'
            "    return nn.Sequential(OrderedDict([\n" + "\n".join(lines) + "\n    ]))\n")


def script_text(exp: Experiment, dataset: Dataset | None = None, *,
                data_file: str = "data.npz", script_file: str = "train.py") -> str:
    """The standalone script for `exp` on `dataset` (default: the experiment's own data),
    reading its data from `data_file` beside it."""
    exp = exp.validated()
    ds = dataset if dataset is not None else load_data(exp.data)
    objective = objectives.resolve_objective(exp.train.loss, ds.task, max(ds.n_classes, 1),
                                             n_values=ds.n_outputs, per_step=ds.per_step)
    with torch.device("meta"):      # shapes only: no memory, and torch's global RNG untouched
        model = build_model(exp.model, ds.input_shape, objective.n_outputs,
                            objective.head_activation, tokens=bool(ds.vocab),
                            per_step=ds.per_step)
    used = {type(m) for m in model.modules()}
    activations = ("ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {\n"
                   + "".join(f"    {name!r}: {code},\n" for name, code in ACTIVATION_CODE.items())
                   + "}\n")
    layer_parts = [_source(L.identity), activations] + [    # the loop always names Dropout
        _source(cls) for cls in LAYER_CLASSES if cls in used or cls is L.Dropout]
    loss_parts = ["LossFn = Callable[[Tensor, Tensor], Tensor]\n"] + [_source(f) for f in (
        objectives.Objective, objectives._half_squared, objectives._per_step_cross_entropy,
        objectives._softmax_mse,
        objectives._softmax_huber, objectives.resolve_objective, objectives.make_optimizer,
        objectives.set_hyperparameters, objectives.lr_at)]
    loop_parts = [_source(f) for f in (scoring.score_split, standalone.evaluate, standalone.train,
                                       standalone.print_row, standalone.main)]
    epochs = exp.train.epochs or DEFAULT_EPOCHS
    header = HEADER.format(
        title=_title(exp, ds), details=_details(exp, ds), data_file=data_file,
        script_file=script_file,
        epochs=epochs, task=ds.task, n_classes=max(ds.n_classes, 1),
        n_values=ds.n_outputs, per_step=ds.per_step,
        experiment=_literal(exp.to_dict()),
        eval_limit=scored_examples(sum(row.macs for row in model.plan)),
        eval_chunk=standalone.EVAL_CHUNK, flips=_flips(ds))
    columns = f"COLUMNS = {standalone.COLUMNS!r}\nRow = tuple[int, float, float, float, float, float]\n"
    body = [
        _section("layers", "engine/model/layers.py", layer_parts),
        _section("the network", "engine/model/build.py", [model_code(model)]),
        _section("initial weights", "engine/model/init.py", [_source(init_module.init_weights)]),
        _section("mini-batches", "engine/train/batches.py",
                 [_source(batches.batch_count), _source(batches.cut_batches)]),
        _section("data augmentation", "engine/train/augment.py",
                 [_source(augment.augmenting), _source(augment.augment_batch)]),
        _section("losses and optimizers", "engine/train/objectives.py", loss_parts),
        _section("training", "engine/export/standalone.py", [columns] + loop_parts),
        'if __name__ == "__main__":\n'
        "    main(build_model, TRAIN, TASK, N_CLASSES, DATA_FILE, DEFAULT_EPOCHS,\n"
        "         n_values=N_VALUES, per_step=PER_STEP, flips=FLIPS)\n",
    ]
    return header + "\n\n" + "\n\n".join(body)


def _flips(ds: Dataset) -> bool:
    """Whether the dataset allows mirrored images (registry: DatasetInfo.flips)."""
    from engine.data import DATASETS

    info = DATASETS.get(ds.name)
    return bool(info is not None and info.flips)


def _literal(experiment: dict) -> str:
    """The experiment as a Python dict literal, one section per block."""
    lines = ["{"]
    for section, values in experiment.items():
        text = pprint.pformat(values, width=88 - len(section), sort_dicts=False)
        lines.append(f"    {section!r}: " + text.replace("\n", "\n" + " " * (len(section) + 8))
                     + ",")
    return "\n".join(lines + ["}"])


def _title(exp: Experiment, ds: Dataset) -> str:
    """The docstring's first line: which network on which data."""
    from engine.data import DATASETS
    from engine.spec.layers import layers_to_text

    stack = layers_to_text(exp.model.layers) or "no hidden layer"
    title = f"NN Playground: {stack} on {DATASETS[ds.name].title}."
    return title if len(title) <= 92 else f"NN Playground: a {len(exp.model.layers)}-layer " \
        f"network on {DATASETS[ds.name].title}."


def _details(exp: Experiment, ds: Dataset) -> str:
    t = exp.train
    return textwrap.fill(
        f"{len(ds.x_train):,} training and {len(ds.x_test):,} test examples; {t.optimizer} at "
        f"learning rate {t.lr:g}, batches of {t.batch_size}, loss {t.loss}, L1 {t.l1:g}, "
        f"L2 {t.l2:g}, {t.schedule} schedule, seed {t.seed} (weights {t.init}).", width=92)
