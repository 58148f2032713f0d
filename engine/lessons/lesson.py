"""What a lesson is, as frozen data: text, the link it opens, a checkable goal, hints.

A lesson is data, not code (a TOML file in `lessons/`, read by `engine.lessons.load`). Its goal
is a list of checks in a small declarative grammar, never an expression: a check compares one
named measure of the live run with a bound (`metric = "test_acc"`, `at_least = 0.9`), or asks
for one named event of the run's past (`event = "diverged"`). Every name is one of `METRICS` or
`EVENTS` below, so a lesson file cannot ask the app to run anything.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class Metric:
    """One measure of a live run that a goal may bound."""

    label: str          # how a student reads it ("test accuracy")
    unit: str           # "percent" (shown ×100 with %), "count" (whole number) or "number"
    help: str           # what it measures, for the lesson file's author and the checklist


METRICS: Mapping[str, Metric] = MappingProxyType({
    "test_acc": Metric("test accuracy", "percent", "Share of the held-out test examples the "
                       "network classifies correctly."),
    "train_acc": Metric("training accuracy", "percent", "Share of the training examples "
                        "classified correctly."),
    "test_loss": Metric("test loss", "number", "The loss on the held-out test examples."),
    "train_loss": Metric("training loss", "number", "The loss on the training examples."),
    "gap": Metric("gap between test and training loss", "number",
                  "Test loss minus training loss: large when the network overfits."),
    "jitter": Metric("jumps of the test loss", "number", "How much the test loss changes "
                     "from one epoch to the next, on average over the last 10 epochs: large "
                     "when noisy steps shake the weights around."),
    "epoch": Metric("epochs trained", "count", "Complete passes over the training data."),
    "steps": Metric("training steps", "count", "Weight updates (one per mini-batch)."),
    "hidden_layers": Metric("hidden layers", "count", "Dense, convolution and residual "
                            "layers in the stack (the output layer is not counted)."),
    "conv_layers": Metric("convolution layers", "count", "Convolution layers in the stack."),
    "neurons": Metric("hidden neurons", "count", "Neurons of the dense and residual layers "
                      "plus channels of the convolution layers (the output is not counted)."),
    "parameters": Metric("parameters", "count", "Trainable weights and biases, output "
                         "layer included."),
    "train_examples": Metric("training examples", "count", "Examples the network learns from."),
    "lr": Metric("learning rate", "number", "The learning-rate setting."),
    "batch_size": Metric("batch size", "count", "Examples per weight update."),
    "l2": Metric("L2 penalty", "number", "The L2 (weight decay) setting."),
    "dropout": Metric("dropout rate", "number", "The largest dropout rate in the stack."),
    "augmentations": Metric("augmentations on", "count", "How many kinds of data "
                            "augmentation are on (shifts, rotations, scaling, mirroring, "
                            "noise, cutout)."),
    "dead_share": Metric("dead ReLUs in a layer", "percent", "The largest share of ReLUs "
                         "that output 0 for every input, in any one layer (from the "
                         "inside-the-network record; 0 without ReLUs)."),
    # compare mode (2D playground): run B's goal, with run A beside it
    "lead_over_a": Metric("run B's lead over run A in test accuracy", "percent", "Compare "
                          "mode: run B's test accuracy minus run A's at the same epoch (the "
                          "other measures are run B's own)."),
    # the generative lab's measures (GAN lessons only)
    "modes_covered": Metric("modes the generator covers", "count", "Modes of the target "
                            "(the blobs of the 8-Gaussian mixture or the grid) that hold at "
                            "least a fifth of their fair share of the generator's points."),
    "js": Metric("JS divergence between real and fake", "number", "Jensen-Shannon divergence "
                 "between the real and the generated points on a grid, in bits (0 = the same "
                 "spread, 1 = no overlap)."),
    "d_lr_over_g_lr": Metric("discriminator's learning rate ÷ generator's", "number",
                             "How fast D learns against G: 1 when both take steps of the same "
                             "size, above 1 when the discriminator is faster."),
})

# measured on the generative lab's trainer only
GAN_METRICS = ("modes_covered", "js", "d_lr_over_g_lr")

EVENTS: Mapping[str, str] = MappingProxyType({
    "diverged": "the loss blew up earlier in this run (no Reset or new network since)",
})


@dataclass(frozen=True)
class Check:
    """One condition of a goal: a metric within bounds, or an event of the run's past."""

    metric: str | None = None
    at_least: float | None = None
    at_most: float | None = None
    event: str | None = None


@dataclass(frozen=True)
class SolutionStep:
    """One step of the intended solution (the tests train it headless; instructors read it)."""

    change: str             # link parameters changed from where the steps before left the run
    epochs: int = 0         # train at most this many more epochs ...
    batches: int = 0        # ... or exactly this many batches (one of the two)
    reset: bool = False     # press Reset first (new initial weights, same settings)
    say: str = ""           # what the step does, in words


@dataclass(frozen=True)
class Lesson:
    """One lesson: what to read, what the lab opens with, what to reach, and what to notice."""

    id: str                         # short slug, used in links (lesson=<id>, done=<ids>)
    number: int                     # its place in the list (1, 2, ...)
    topic: str                      # the list page groups lessons by topic
    title: str
    lab: str                        # the page it opens: "playground" or "images"
    link: str                       # query string the lab opens, exactly as a classroom link
    goal: str                       # the goal in the author's words
    checks: tuple[Check, ...]       # the goal as the app checks it (all must hold at once)
    text: tuple[str, ...]           # a few short paragraphs (Markdown)
    hints: tuple[str, ...]          # revealed one at a time
    notice: str                     # what to notice once the goal is met
    instructor: str                 # what to ask the class
    solution: tuple[SolutionStep, ...]
    source: str = ""                # the file it came from


def _number(value: float, unit: str) -> str:
    if unit == "percent":
        return f"{value:.0%}" if round(value * 100, 6) == round(value * 100) else f"{value:.1%}"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:g}"


def format_value(metric: str, value: float) -> str:
    """A measure as the checklist shows it now: 73.4%, 20, 0.0523 (three digits)."""
    unit = METRICS[metric].unit
    return f"{value:.3g}" if unit == "number" else _number(value, unit)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe(check: Check) -> str:
    """A check in words, generated from the check itself so it can never disagree with it."""
    if check.event is not None:
        return _first_upper(EVENTS[check.event])
    m = METRICS[check.metric]
    low, high = check.at_least, check.at_most
    if low is not None and high is not None:
        return (f"{_first_upper(m.label)} between {_number(low, m.unit)} and "
                f"{_number(high, m.unit)}")
    if high is not None and high == 0 and m.unit == "count":
        return f"No {m.label}"
    if low is not None:
        return f"{_first_upper(m.label)} ≥ {_number(low, m.unit)}"
    return f"{_first_upper(m.label)} ≤ {_number(high, m.unit)}"
