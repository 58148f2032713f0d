"""The declarative field table: one row per setting a user can choose.

One table drives validation, JSON round-trip, URL round-trip and the help text the UI shows
(TF Playground's `State.PROPS` habit). Adding a setting means adding one row here and one
dataclass attribute in `spec.py`; a test checks that the two agree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from datasets.features import FEATURES
from datasets.registry import DATASETS
from engine.limits import LIMITS

ACTIVATION_NAMES = ("relu", "leaky_relu", "elu", "gelu", "silu", "mish", "tanh", "sigmoid",
                    "softplus", "sine", "linear")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop")
LOSSES = ("auto", "cross_entropy", "mse", "huber", "tfp_squared")
SCHEDULES = ("constant", "step", "cosine")
INITS = ("torch", "tfp")
MAX_TEXT = 2_000  # longest string accepted for any one value (URLs are hostile)


class SpecError(ValueError):
    """An experiment cannot be run; the message names the field or layer and the fix."""


@dataclass(frozen=True)
class Field:
    """One user-facing setting: where it lives, how it is spelled in a URL, what it means."""

    section: str            # "data" or "train"
    name: str               # dataclass attribute
    url: str                # short query-string key
    type: type              # int, float, str or tuple (a tuple of strings)
    label: str              # UI label
    help: str               # plain-language help text
    choices: tuple[str, ...] = ()

    @property
    def bounds(self) -> tuple[float, float] | None:
        return LIMITS.get(self.name)


FIELDS: tuple[Field, ...] = (
    Field("data", "dataset", "ds", str, "Dataset", "Which data the network learns from.",
          tuple(DATASETS)),
    Field("data", "n_samples", "n", int, "Samples",
          "How many examples in total, before splitting into training and test sets."),
    Field("data", "noise", "noise", float, "Noise",
          "How much the classes overlap or the targets jitter. More noise = harder problem."),
    Field("data", "train_ratio", "tr", float, "Training share",
          "Fraction of the examples used for training; the rest are held out to test."),
    Field("data", "seed", "dseed", int, "Data seed",
          "Random seed of the data. The same seed always gives the same points."),
    Field("data", "features", "feat", tuple, "Input features",
          "What the network is given for each point: X₁, X₂ and engineered features such as "
          "X₁² or sin(X₁). Good features can make a hard problem easy.", tuple(FEATURES)),
    Field("data", "n_classes", "cls", int, "Classes",
          "Number of classes for the multi-class datasets (blobs, multi-arm spiral)."),
    Field("train", "optimizer", "opt", str, "Optimizer",
          "How the weights move downhill: plain SGD, SGD with momentum or Nesterov momentum, "
          "or adaptive methods (Adam, AdamW, RMSprop) that scale each step per weight.",
          OPTIMIZERS),
    Field("train", "lr", "lr", float, "Learning rate",
          "Size of each step. Too high and the loss explodes; too low and nothing happens."),
    Field("train", "momentum", "mom", float, "Momentum",
          "How much of the previous step carries into the next one (SGD with momentum, "
          "Nesterov, RMSprop)."),
    Field("train", "batch_size", "bs", int, "Batch size",
          "Examples per weight update. Small batches give noisy, frequent steps."),
    Field("train", "loss", "loss", str, "Loss",
          "What the network minimises. auto = cross-entropy for classes, mean squared error for "
          "numbers; tfp_squared = TF Playground's squared error on ±1 labels with a tanh output.",
          LOSSES),
    Field("train", "l1", "l1", float, "L1 regularisation",
          "Pushes weights to exactly zero, keeping only the connections that matter."),
    Field("train", "l2", "l2", float, "L2 regularisation",
          "Pulls all weights towards zero, which smooths the decision boundary."),
    Field("train", "schedule", "sched", str, "Learning-rate schedule",
          "constant keeps the rate; step halves it every few epochs; cosine lowers it smoothly "
          "to zero over the epoch limit.", SCHEDULES),
    Field("train", "step_size", "stepsz", int, "Epochs per halving",
          "With the step schedule, the learning rate halves after this many epochs."),
    Field("train", "epochs", "ep", int, "Epoch limit",
          "Training stops after this many passes over the data. 0 = run until paused."),
    Field("train", "patience", "pat", int, "Early stop patience",
          "Stop when the test loss has not improved for this many epochs. 0 = never."),
    Field("train", "seed", "seed", int, "Training seed",
          "Random seed of the initial weights and the batch order: same seed, same run."),
    Field("train", "init", "init", str, "Initial weights",
          "torch = PyTorch's default initialisation; tfp = TF Playground's (uniform in ±0.5, "
          "biases 0.1).", INITS),
)
FIELDS_BY_NAME = {(f.section, f.name): f for f in FIELDS}
FIELDS_BY_URL = {f.url: f for f in FIELDS}
MODEL_URL_KEY = "net"


def _fmt_bound(v: float) -> str:
    return f"{v:g}"


def check_value(field: Field, value: Any, *, clamp: bool) -> tuple[Any, str | None]:
    """Coerce `value` to the field's type and bounds.

    Returns the cleaned value and a warning when it had to be clamped. Raises SpecError when
    the value is unusable (wrong type, not a number, unknown choice), or out of range and
    `clamp` is False.
    """
    where = f"{field.label} ({field.section}.{field.name})"
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise SpecError(f"{where}: the value is {len(value)} characters long; that is not a "
                        "setting, it looks like a damaged link.")
    if field.type is tuple:
        text = value if isinstance(value, str) else ",".join(map(str, value))
        items = text.split(",")
        items = tuple(str(i).strip() for i in items if str(i).strip())
        bad = [i for i in items if field.choices and i not in field.choices]
        if bad:
            raise SpecError(f"{where}: unknown value(s) {', '.join(map(repr, bad))}; choose "
                            f"from {', '.join(field.choices)}.")
        if len(set(items)) != len(items):
            raise SpecError(f"{where}: each value can be used only once.")
        return items, None
    if field.type is str:
        text = str(value).strip()
        if field.choices and text not in field.choices:
            raise SpecError(f"{where} must be one of {', '.join(field.choices)}; got {text!r}.")
        return text, None
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError):
        raise SpecError(f"{where} must be a number; got {value!r}.") from None
    if not math.isfinite(number):
        raise SpecError(f"{where} must be a finite number; got {value!r}.")
    if field.type is int:
        if number != int(number):
            raise SpecError(f"{where} must be a whole number; got {value!r}.")
        number = int(number)
    lo, hi = field.bounds or (-math.inf, math.inf)
    if lo <= number <= hi:
        return number, None
    if not clamp:
        raise SpecError(f"{where} must be between {_fmt_bound(lo)} and {_fmt_bound(hi)}; "
                        f"got {value!r}. Pick a value in that range.")
    clamped = field.type(min(max(number, lo), hi))
    return clamped, (f"{where} was {value!r}, outside {_fmt_bound(lo)}–{_fmt_bound(hi)}; "
                     f"using {clamped!r}.")


def format_value(field: Field, value: Any) -> str:
    """The URL spelling of a value: shortest text that parses back to the same value."""
    if field.type is tuple:
        return ",".join(value)
    if field.type is float:
        return repr(float(value))
    return str(value)
