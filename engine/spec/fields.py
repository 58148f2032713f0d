"""The declarative field table: one row per setting a user can choose.

One table drives validation, JSON round-trip, URL round-trip and the help text the UI shows
(TF Playground's `State.PROPS` habit). Adding a setting means adding one row here and one
dataclass attribute in `spec.py`; a test checks that the two agree.
"""
from __future__ import annotations

import math
import numbers
from functools import partial
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from engine.data import DATASETS, FEATURES, clean_drawn
from engine.spec.limits import LIMITS

ACTIVATION_NAMES = ("relu", "leaky_relu", "elu", "gelu", "silu", "mish", "tanh", "sigmoid",
                    "softplus", "sine", "linear")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop")
LOSSES = ("auto", "cross_entropy", "mse", "huber", "tfp_squared")
SCHEDULES = ("constant", "step", "cosine")
INITS = ("torch", "tfp")
MAX_TEXT = 2_000  # longest string accepted for any one value (URLs are hostile)
MAX_LINK = 8_192  # longest query string (characters) a page reads; links made here
                  # are under 4 KB, and a longer one opens the default (ui/links.py)

# What a beginner reads instead of the spelling in links and files.
FRIENDLY_NAMES: dict[str, str] = {
    "sgd": "SGD", "momentum": "SGD with momentum", "nesterov": "Nesterov momentum",
    "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop",
    "auto": "Automatic (by task)",
    "cross_entropy": "Cross-entropy", "mse": "Mean squared error", "huber": "Huber",
    "tfp_squared": "Squared error (TF Playground)",
    "constant": "Constant", "step": "Halve every few epochs", "cosine": "Cosine to zero",
    "torch": "PyTorch default", "tfp": "TF Playground (uniform ±0.5)",
    "relu": "ReLU", "leaky_relu": "Leaky ReLU", "elu": "ELU", "gelu": "GELU",
    "silu": "SiLU (swish)", "mish": "Mish", "tanh": "Tanh", "sigmoid": "Sigmoid",
    "softplus": "Softplus", "sine": "Sine", "linear": "Linear (none)",
}
MOMENTUM_OPTIMIZERS = ("momentum", "nesterov", "rmsprop", "adam", "adamw")


def friendly(value: object) -> str:
    """The readable name of an option (its own spelling when it has none)."""
    return FRIENDLY_NAMES.get(str(value), str(value))


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
    offered: tuple[float, ...] = ()          # values a slider offers (a link may carry others)
    ui_range: tuple[float, float] | None = None   # a widget's range, inside LIMITS
    ui_step: float | None = None
    # text fields whose value is a list of rows (a drawing): the value as it should be spelt
    # and a note when rows had to be left out (it reads only as much text as rows it keeps)
    clean: Callable[[str], tuple[str, str | None]] | None = None

    @property
    def bounds(self) -> tuple[float, float] | None:
        return LIMITS.get(self.name)


FIELDS: tuple[Field, ...] = (
    Field("data", "dataset", "ds", str, "Dataset", "Which data the network learns from.",
          tuple(DATASETS)),
    Field("data", "n_samples", "n", int, "Samples",
          "How many examples in total, before splitting into training and test sets.",
          ui_range=(50, 2000), ui_step=50),
    Field("data", "noise", "noise", float, "Noise",
          "How much the classes overlap or the targets jitter. More noise = harder problem.",
          ui_range=(0.0, 0.8), ui_step=0.05),
    Field("data", "train_ratio", "tr", float, "Training share",
          "Fraction of the examples used for training; the rest are held out to test.",
          ui_range=(0.1, 0.9), ui_step=0.1),
    Field("data", "seed", "dseed", int, "Data seed",
          "Random seed of the data. The same seed always gives the same points.",
          ui_range=(0, 2**31 - 1), ui_step=1),
    Field("data", "features", "feat", tuple, "Input features",
          "What the network is given for each point: X₁, X₂ and engineered features such as "
          "X₁² or sin(X₁). Good features can make a hard problem easy.", tuple(FEATURES)),
    Field("data", "n_classes", "cls", int, "Classes",
          "Number of classes for the multi-class datasets (blobs, multi-arm spiral).",
          ui_range=(2, 5), ui_step=1),
    Field("data", "seq_len", "len", int, "Sequence length",
          "How many steps each example has (symbols to copy, digits to reverse, points in a "
          "forecast window, characters of text). 0 = the dataset's usual length.",
          ui_range=(0, 64), ui_step=1),
    Field("data", "delay", "delay", int, "Delay",
          "Copy task: blank steps between reading the digits and repeating them. The longer "
          "the wait, the longer the network must remember.", ui_range=(0, 100), ui_step=1),
    Field("data", "horizon", "k", int, "Forecast horizon",
          "Forecasting: how many future values to predict at once.", ui_range=(1, 20),
          ui_step=1),
    Field("data", "drawn", "draw", str, "Your drawing",
          "The points of 'Draw your own' as x,y,class rows (class 0 = orange, 1 = blue; for "
          "'Draw your own values' a value from -1 to 1), on the plane from -6 to 6: click on "
          "the plane to add or remove them.",
          clean=partial(clean_drawn, regression=True)),
    Field("train", "optimizer", "opt", str, "Optimizer",
          "How the weights move downhill: plain SGD, SGD with momentum or Nesterov momentum, "
          "or adaptive methods (Adam, AdamW, RMSprop) that scale each step per weight.",
          OPTIMIZERS),
    Field("train", "lr", "lr", float, "Learning rate",
          "Size of each step. Too high and the loss explodes; too low and nothing happens. "
          "Changing it does not reset the weights.",
          offered=(0.00001, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)),
    Field("train", "momentum", "mom", float, "Momentum",
          "How much of the previous step carries into the next one (SGD with momentum, "
          "Nesterov, RMSprop; Adam's β₁).", ui_range=(0.0, 0.999), ui_step=0.001),
    Field("train", "batch_size", "bs", int, "Batch size",
          "Examples per weight update. Small batches give noisy, frequent steps.",
          ui_range=(1, 1024), ui_step=1),
    Field("train", "loss", "loss", str, "Loss",
          "What the network minimises. Automatic = cross-entropy for classes, mean squared "
          "error for numbers; Squared error (TF Playground) = squared error on ±1 labels with "
          "a tanh output.", LOSSES),
    Field("train", "l1", "l1", float, "L1 penalty",
          "Adds the weights' absolute sizes to the loss: pushes weights to exactly zero, "
          "keeping only the connections that matter.",
          offered=(0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)),
    Field("train", "l2", "l2", float, "L2 penalty",
          "Adds the weights' squared sizes to the loss (weight decay): pulls all weights "
          "towards zero, which smooths the decision boundary.",
          offered=(0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)),
    Field("train", "schedule", "sched", str, "Learning-rate schedule",
          "Constant keeps the rate; halving every few epochs; cosine lowers it smoothly "
          "to zero over the epoch limit.", SCHEDULES),
    Field("train", "step_size", "stepsz", int, "Epochs per halving",
          "With the halving schedule, the learning rate halves after this many epochs.",
          ui_range=(1, 100_000), ui_step=10),
    Field("train", "epochs", "ep", int, "Epoch limit",
          "Training stops after this many passes over the data. 0 = run until paused.",
          ui_range=(0, 1_000_000), ui_step=50),
    Field("train", "patience", "pat", int, "Early stop patience",
          "Stop when the test loss has not improved for this many epochs. 0 = never.",
          ui_range=(0, 100_000), ui_step=5),
    Field("train", "seed", "seed", int, "Training seed",
          "Random seed of the initial weights, the batch order and dropout: same seed, same "
          "run.", ui_range=(0, 2**31 - 1), ui_step=1),
    Field("train", "init", "init", str, "Initial weights",
          "torch = PyTorch's default initialisation; tfp = TF Playground's (uniform in ±0.5, "
          "biases 0.1).", INITS),
    Field("train", "aug_shift", "ashift", float, "Random shifts",
          "Data augmentation: moves each training image by up to this share of its side, "
          "left/right and up/down, a new random amount every batch. The network learns that "
          "position does not change the class. 0 = off. Changing it keeps the weights.",
          ui_range=(0.0, 0.25), ui_step=0.025),
    Field("train", "aug_rotate", "arot", float, "Random rotations (degrees)",
          "Data augmentation: turns each training image by up to this many degrees either "
          "way. Small turns mimic a tilted hand; large ones can change the meaning. 0 = off.",
          ui_range=(0.0, 45.0), ui_step=1.0),
    Field("train", "aug_scale", "ascale", float, "Random scaling",
          "Data augmentation: zooms each training image in or out by up to this share (0.1 = "
          "90% to 110% of its size), so the network sees bigger and smaller versions. 0 = off.",
          ui_range=(0.0, 0.3), ui_step=0.05),
    Field("train", "aug_flip", "aflip", int, "Mirror images (flip left-right)",
          "Data augmentation: mirrors half the training images left to right. Only for sets "
          "where a mirrored picture keeps its class (shapes, clothes), never for digits, "
          "where a mirrored 2 is no digit and 6 and 9 trade places.", ui_range=(0, 1),
          ui_step=1),
    Field("train", "aug_noise", "anoise", float, "Pixel noise",
          "Data augmentation: adds random noise of this strength (standard deviation, pixels "
          "go from 0 to 1) to every training image, so small specks cannot be memorised. "
          "0 = off.", ui_range=(0.0, 0.5), ui_step=0.05),
    Field("train", "aug_cutout", "acut", float, "Cutout",
          "Data augmentation: blanks a random square of this share of the image's side in "
          "every training image, so the network cannot rely on one spot and must use the "
          "whole shape. 0 = off.", ui_range=(0.0, 0.5), ui_step=0.05),
)
FIELDS_BY_NAME = {(f.section, f.name): f for f in FIELDS}


def applies(section: str, name: str, values: dict[str, Any]) -> bool:
    """Whether a setting does anything given the others (so the UI shows only those)."""
    if (section, name) == ("train", "momentum"):
        return values.get("optimizer") in MOMENTUM_OPTIMIZERS
    if (section, name) == ("train", "step_size"):
        return values.get("schedule") == "step"
    if section == "data" and name in ("seq_len", "delay", "horizon"):
        info = DATASETS.get(values.get("dataset", ""))
        return info is not None and name in info.options
    return True
FIELDS_BY_URL = {f.url: f for f in FIELDS}
MODEL_URL_KEY = "net"


def _fmt_bound(v: float) -> str:
    return f"{v:g}"


def shown(value: Any) -> str:
    """`value` as a message quotes it: one short line, even for a huge number or a nested list
    (whose repr would run to thousands of characters or fail)."""
    if isinstance(value, bool):
        return "true" if value else "false"            # as JSON spells it
    if value is None:
        return "null (no value)"
    if isinstance(value, numbers.Integral):
        bits = abs(int(value)).bit_length()
        if bits > 64:                                  # str() of a 5000-digit int raises
            return f"a number with about {int(bits * math.log10(2)) + 1} digits"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:50]}... ({len(text)} characters)"


def to_number(value: Any) -> int | float:
    """A setting's value as a number: whole numbers stay exact however large (so a bound check
    cannot overflow), text and other numbers become floats. Raises ValueError for anything
    else: a boolean, null, a list, an object or text that is no number."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, str)):
        raise ValueError(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    try:
        return float(value)
    except OverflowError:                              # a Fraction or Decimal beyond floats
        return math.inf if value > 0 else -math.inf


def check_value(field: Field, value: Any, *, clamp: bool) -> tuple[Any, str | None]:
    """Coerce `value` to the field's type and bounds.

    Returns the cleaned value and a warning when it had to be clamped. Raises SpecError when
    the value is unusable (wrong type, not a number, unknown choice), or out of range and
    `clamp` is False. Text is accepted for every type (links carry only text); a list of names
    for a tuple field; never a boolean, null, list or object where one value is expected.
    """
    where = f"{field.label} ({field.section}.{field.name})"
    if field.clean is not None:              # rows of numbers: keep the usable ones, say so
        if not isinstance(value, str):
            raise SpecError(f"{where} must be text such as '1.50,-2.00,0;0.25,3.10,1'; got "
                            f"{shown(value)}.")
        text, note = field.clean(value)
        if note and not clamp:
            raise SpecError(f"{where}: {note}")
        return text, note and f"{where}: {note}"
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise SpecError(f"{where}: the value is {len(value)} characters long; that is not a "
                        "setting, it looks like a damaged link.")
    if field.type is tuple:
        if isinstance(value, (list, tuple)) and all(isinstance(i, str) for i in value):
            text = ",".join(value)
        elif isinstance(value, str):
            text = value
        else:
            example = ", ".join(f'"{c}"' for c in field.choices[:2])
            raise SpecError(f"{where} must be a list of names such as [{example}]; got "
                            f"{shown(value)}.")
        if len(text) > MAX_TEXT:
            raise SpecError(f"{where}: the list is {len(text)} characters long; that is not "
                            "a setting.")
        items = tuple(i.strip() for i in text.split(",") if i.strip())
        bad = [i for i in items if field.choices and i not in field.choices]
        if bad:
            raise SpecError(f"{where}: unknown value(s) {', '.join(map(shown, bad[:5]))}; "
                            f"choose from {', '.join(field.choices)}.")
        if len(set(items)) != len(items):
            raise SpecError(f"{where}: each value can be used only once.")
        return items, None
    if field.type is str:
        if not isinstance(value, str):
            raise SpecError(f"{where} must be text, one of {', '.join(field.choices)}; got "
                            f"{shown(value)}.")
        text = value.strip()
        if field.choices and text not in field.choices:
            raise SpecError(f"{where} must be one of {', '.join(field.choices)}; got "
                            f"{shown(text)}.")
        return text, None
    try:
        number = to_number(value)
    except ValueError:
        raise SpecError(f"{where} must be a number; got {shown(value)}.") from None
    if isinstance(number, float) and not math.isfinite(number):
        raise SpecError(f"{where} must be a finite number; got {shown(value)}.")
    if field.type is int:
        if number != int(number):
            raise SpecError(f"{where} must be a whole number; got {shown(value)}.")
        number = int(number)
    lo, hi = field.bounds or (-math.inf, math.inf)
    if lo <= number <= hi:
        return field.type(number), None
    if not clamp:
        raise SpecError(f"{where} must be between {_fmt_bound(lo)} and {_fmt_bound(hi)}; "
                        f"got {shown(value)}. Pick a value in that range.")
    clamped = field.type(min(max(number, lo), hi))
    return clamped, (f"{where} was {shown(value)}, outside {_fmt_bound(lo)}–{_fmt_bound(hi)}; "
                     f"using {clamped!r}.")


def fit_to_widget(field: Field, value: Any) -> tuple[Any, str | None]:
    """The value the field's control can show, and a note when a link's value had to change.

    Controls offer the whole LIMITS range except where a page deliberately offers less (the
    2D page's sample count); a value outside such a control is brought to its nearest end,
    and the page says so rather than changing it silently."""
    if field.ui_range is None or field.type not in (int, float) or isinstance(value, bool):
        return value, None
    lo, hi = field.ui_range
    if lo <= value <= hi:
        return value, None
    fitted = field.type(min(max(value, lo), hi))
    return fitted, (f"{field.label} was {value:g} in the link; this page's control goes from "
                    f"{lo:g} to {hi:g}, so it uses {fitted:g}.")


def format_value(field: Field, value: Any) -> str:
    """The URL spelling of a value: shortest text that parses back to the same value."""
    if field.type is tuple:
        return ",".join(value)
    if field.type is float:
        return repr(float(value))
    return str(value)
