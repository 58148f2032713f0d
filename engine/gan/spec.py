"""GanSpec: what the student chose in the generative lab, as one frozen value (no torch).

A GAN is two networks playing a game, so its experiment is not the classifier's Experiment:
a target distribution instead of a labelled dataset, two dense stacks (generator and
discriminator) each with its own optimizer and learning rate, a noise size, a loss and a
number of discriminator steps per generator step. One table (`FIELDS`) drives the bounds, the
link's keys and the repair notes: a hostile or stale link value is clamped or replaced by the
default with a note, never a crash.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from engine.data import read_rows
from engine.spec.fields import ACTIVATION_NAMES, SpecError
from engine.spec.layers import LayerSpec, layers_from_text, layers_to_text

# The names of datasets.gan2d.TARGETS (a test keeps them equal): spelt out here so the spec,
# which the lesson loader reads, imports neither the datasets nor torch.
TARGET_NAMES = ("mixture8", "ring", "grid25", "line", "moons", "spiral")
DRAWN = "drawn"                     # the student's own points (GanSpec.points)
DIGITS = "digits"                   # 8×8 handwritten digits: 64 pixels instead of a point
MAX_POINTS = 120                    # drawn points a link may carry (~1.4 KB)
MIN_POINTS = 3
# A smile to start from, so "Draw your own" trains at once and shows what a drawing is.
DEFAULT_POINTS = ";".join(f"{1.1 * np.cos(a):.2f},{1.1 * np.sin(a) - 0.2:.2f}"
                          for a in np.linspace(-2.6, -0.54, 12)) + ";-0.50,0.70;0.50,0.70"
LOSSES = {"minimax": "Minimax (original)", "nonsat": "Non-saturating",
          "lsgan": "Least squares", "wgangp": "Wasserstein + gradient penalty"}
OPTIMIZERS = {"adam": "Adam", "sgd": "SGD"}
GAN_ACTIVATIONS = ACTIVATION_NAMES   # what the shared layer editor offers
MAX_LAYERS, MAX_UNITS = 6, 128      # per network: a hosted demo trains two of them per step
GP_WEIGHT = 0.1                      # WGAN-GP's lambda; 0.1 suits 2D points (Gulrajani's toy runs)
SEED_MAX = 99_999


@dataclass(frozen=True)
class GanField:
    """One setting: its link key, label, and either numeric bounds or a set of choices."""

    name: str
    key: str
    label: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    integer: bool = False


FIELDS: tuple[GanField, ...] = (
    GanField("target", "t", "Target", choices=(*TARGET_NAMES, DRAWN, DIGITS)),
    GanField("loss", "loss", "Loss", choices=tuple(LOSSES)),
    GanField("noise_dim", "z", "Noise dimensions", 1, 16, integer=True),
    GanField("batch_size", "bs", "Batch size", 8, 512, integer=True),
    GanField("d_steps", "k", "D steps per G step", 1, 5, integer=True),
    GanField("g_opt", "gopt", "Generator optimizer", choices=tuple(OPTIMIZERS)),
    GanField("g_lr", "glr", "Generator learning rate", 1e-5, 0.5),
    GanField("d_opt", "dopt", "Discriminator optimizer", choices=tuple(OPTIMIZERS)),
    GanField("d_lr", "dlr", "Discriminator learning rate", 1e-5, 0.5),
    GanField("seed", "seed", "Seed", 0, SEED_MAX, integer=True),
)
LAYER_KEYS = {"g_layers": ("g", "Generator"), "d_layers": ("d", "Discriminator")}
POINTS_KEY = "pts"


def _dense(n: int, units: int, activation: str = "relu") -> tuple[LayerSpec, ...]:
    return tuple(LayerSpec("dense", units=units, activation=activation) for _ in range(n))


@dataclass(frozen=True)
class GanSpec:
    """A 2D GAN experiment; every field has a default, so GanSpec() is the lab's opening."""

    target: str = "mixture8"                 # name in datasets.gan2d.TARGETS
    loss: str = "nonsat"                     # a key of LOSSES
    noise_dim: int = 2                       # size of the generator's random input
    batch_size: int = 128                    # real and fake points per update
    d_steps: int = 1                         # discriminator updates per generator update
    g_opt: str = "adam"
    g_lr: float = 0.001
    d_opt: str = "adam"
    d_lr: float = 0.001
    seed: int = 1                            # target sample, initial weights and noise
    g_layers: tuple[LayerSpec, ...] = _dense(2, 64)
    d_layers: tuple[LayerSpec, ...] = _dense(2, 64)
    points: str = DEFAULT_POINTS             # "x,y;x,y;…": the drawn target (target "drawn")

    def validated(self) -> "GanSpec":
        """Self, or SpecError naming the first setting out of bounds."""
        if self.target == DRAWN and len(parse_points(self.points)) < MIN_POINTS:
            raise SpecError(f"Draw at least {MIN_POINTS} points: click on the plane.")
        spec, notes = GanSpec.from_query(self.to_query())
        if self.target != DRAWN:               # the link carries the drawing only when used
            spec = dataclasses.replace(spec, points=self.points)
        if notes or spec != self:
            raise SpecError(notes[0] if notes else "This GAN setting cannot be built.")
        return self

    def to_query(self) -> dict[str, str]:
        """The link's parameters (every field, so a link stays valid if defaults change)."""
        out = {f.key: _show(getattr(self, f.name)) for f in FIELDS}
        for name, (key, _) in LAYER_KEYS.items():
            out[key] = layers_to_text(getattr(self, name))
        if self.target == DRAWN:
            out[POINTS_KEY] = self.points
        return out

    @staticmethod
    def from_query(params: Mapping[str, Any]) -> tuple["GanSpec", list[str]]:
        """A spec from link parameters (a value or a list of values per key) and one note per
        value that was repaired: unknown choices and non-numbers fall back to the default,
        numbers are clamped into bounds, a bad layer list keeps the default network."""
        default, values, notes = GanSpec(), {}, []
        for f in FIELDS:
            raw = _one(params.get(f.key))
            if raw is None:
                continue
            value, note = _read(f, raw, getattr(default, f.name))
            values[f.name] = value
            if note:
                notes.append(note)
        for name, (key, title) in LAYER_KEYS.items():
            raw = _one(params.get(key))
            if raw is None:
                continue
            try:
                values[name] = check_stack(layers_from_text(raw), title)
            except SpecError as exc:
                notes.append(f"{title} network from the link: {exc} The default network is "
                             "used instead.")
        raw = _one(params.get(POINTS_KEY))
        if raw is not None:
            points = parse_points(str(raw)[:MAX_POINTS * 16])
            values["points"] = points_text(points)
            if len(points) < len(str(raw).split(";")) and str(raw).strip():
                notes.append(f"Drawn points from the link: kept {len(points)} that lie on the "
                             f"plane (-2 to 2), at most {MAX_POINTS}.")
        return dataclasses.replace(default, **values), notes


def parse_points(text: str) -> np.ndarray:
    """The drawn points of "x,y;x,y;…" that lie on the plane, at most MAX_POINTS: (n, 2)
    (the 2D playground's drawings are read by the same engine.data.read_rows)."""
    rows, _ = read_rows(text, 2, lambda r: abs(r[0]) <= 2 and abs(r[1]) <= 2, MAX_POINTS)
    return np.array(rows, dtype=float).reshape(-1, 2)


def points_text(points: np.ndarray) -> str:
    """The compact form of drawn points (2 decimals)."""
    return ";".join(f"{x:.2f},{y:.2f}" for x, y in np.asarray(points).reshape(-1, 2))


def check_stack(layers: tuple[LayerSpec, ...], title: str) -> tuple[LayerSpec, ...]:
    """The stack itself if this lab can build it (dense layers, within the limits)."""
    if len(layers) > MAX_LAYERS:
        raise SpecError(f"The {title.lower()} has {len(layers)} hidden layers; this lab allows "
                        f"{MAX_LAYERS}.")
    for i, layer in enumerate(layers, 1):
        if layer.kind != "dense":
            raise SpecError(f"Layer {i} of the {title.lower()} is {layer.kind}; this lab builds "
                            "dense layers only.")
        if layer.units > MAX_UNITS:
            raise SpecError(f"Layer {i} of the {title.lower()} has {layer.units} units; this "
                            f"lab allows {MAX_UNITS}.")
        if layer.activation not in GAN_ACTIVATIONS:
            raise SpecError(f"Layer {i} of the {title.lower()}: activation {layer.activation} "
                            f"is not offered here; use one of {', '.join(GAN_ACTIVATIONS)}.")
    return tuple(layers)


def _one(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return value[-1] if value else None
    return value


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _read(f: GanField, raw: Any, default: Any) -> tuple[Any, str | None]:
    text = str(raw)[:40]
    if f.choices:
        if text in f.choices:
            return text, None
        return default, (f"{f.label}: {text!r} is not one of {', '.join(f.choices)}; "
                         f"using {default}.")
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        return default, f"{f.label}: {text!r} is not a number; using {default}."
    clamped = min(max(number, f.low), f.high)
    value = int(round(clamped)) if f.integer else clamped
    if clamped != number:
        return value, f"{f.label}: {text} is outside {f.low:g} to {f.high:g}; using {value}."
    return value, None


def needs_rebuild(old: GanSpec, new: GanSpec) -> bool:
    """New networks (fresh weights) when the target, noise, stacks or seed change; the losses,
    learning rates, optimizers, batch size and D steps change live."""
    return any(getattr(old, name) != getattr(new, name)
               for name in ("target", "noise_dim", "seed", "g_layers", "d_layers", "points"))
