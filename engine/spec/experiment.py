"""The experiment: the single source of truth for what the user chose.

`Experiment = DataSpec + ModelSpec + TrainSpec`, all frozen. The field table in `fields.py`
drives validation and both round-trips (JSON for files and the CLI, query strings for
shareable links), so a link reopens exactly the experiment that made it.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from engine.data import DEFAULT_DRAWN
from engine.spec.drawing import (DRAWN_KEY, draws, drawing_error, link_dataset, link_drawing,
                                 example as drawn_example)
from engine.spec.fields import (FIELDS, FIELDS_BY_NAME, FIELDS_BY_URL, MODEL_URL_KEY, Field,
                           SpecError, check_value, format_value, shown)
from engine.spec.layers import (LayerSpec, check_layer, check_layer_count, layer_from_dict,
                              layer_names, layer_to_dict, layers_from_text, layers_to_text,
                              make_layer)

__all__ = ["DataSpec", "ModelSpec", "TrainSpec", "Experiment", "SpecError", "LayerSpec",
           "make_layer"]


@dataclass(frozen=True)
class DataSpec:
    """Which data, how much of it, and which input features."""

    dataset: str = "circle"                  # a key of datasets.DATASETS
    n_samples: int = 500                     # total examples before the split
    noise: float = 0.0                       # TF Playground noise / 100
    train_ratio: float = 0.5                 # share used for training
    seed: int = 1                            # data seed
    features: tuple[str, ...] = ("x1", "x2")  # 2D input features
    n_classes: int = 3                       # for multi-class 2D sets
    seq_len: int = 0                         # sequence sets: steps; 0 = the set's default
    delay: int = 10                          # copy task: blank steps before the answer
    horizon: int = 1                         # forecasting: values predicted at once
    drawn: str = DEFAULT_DRAWN               # drawn sets: "x,y,class;…" (datasets.drawn)


@dataclass(frozen=True)
class ModelSpec:
    """The hidden layer stack; the output head is added to fit the task."""

    layers: tuple[LayerSpec, ...] = (
        LayerSpec("dense", units=4, activation="tanh"),
        LayerSpec("dense", units=2, activation="tanh"),
    )


@dataclass(frozen=True)
class TrainSpec:
    """How the weights are fitted. Fields marked live change without a rebuild."""

    optimizer: str = "sgd"          # live (rebuilds the optimizer, keeps the weights)
    lr: float = 0.03                # live
    momentum: float = 0.9           # live
    batch_size: int = 10            # live
    loss: str = "auto"              # cross-entropy for classes, MSE for numbers
    l1: float = 0.0                 # live
    l2: float = 0.0                 # live
    schedule: str = "constant"      # live
    step_size: int = 100            # live
    epochs: int = 0                 # live; 0 = no limit
    patience: int = 0               # live; 0 = no early stop
    seed: int = 1                   # weights and batch order
    init: str = "torch"             # "tfp" = U(-0.5, 0.5) weights, 0.1 biases
    # data augmentation of the training batches (image sets only; all live; 0 = off)
    aug_shift: float = 0.0          # live; largest shift, share of the image's side
    aug_rotate: float = 0.0         # live; largest rotation in degrees
    aug_scale: float = 0.0          # live; largest zoom in or out, share of the size
    aug_flip: int = 0               # live; 1 = mirror half the images (sets that allow it)
    aug_noise: float = 0.0          # live; standard deviation of added pixel noise
    aug_cutout: float = 0.0         # live; side of a blanked square, share of the side

    @property
    def augments(self) -> bool:
        """True when any augmentation is on."""
        return bool(self.aug_shift or self.aug_rotate or self.aug_scale or self.aug_flip
                    or self.aug_noise or self.aug_cutout)


SECTIONS = {"data": DataSpec, "train": TrainSpec}


@dataclass(frozen=True)
class Experiment:
    """Everything needed to reproduce a run."""

    data: DataSpec = field(default_factory=DataSpec)
    model: ModelSpec = field(default_factory=ModelSpec)
    train: TrainSpec = field(default_factory=TrainSpec)

    # ---- validation -------------------------------------------------------------------
    def validated(self) -> "Experiment":
        """Raise SpecError if any value is out of bounds or the parts disagree."""
        for f in FIELDS:
            check_value(f, getattr(getattr(self, f.section), f.name), clamp=False)
        check_layer_count(len(self.model.layers))
        for layer, name in zip(self.model.layers, layer_names(
                getattr(layer, "kind", "") for layer in self.model.layers)):
            check_layer(layer, f"Layer {name}")
        _check_cross_fields(self)
        return self

    # ---- JSON ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for section in SECTIONS:
            values = dataclasses.asdict(getattr(self, section))
            out[section] = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()
                            if k != "drawn" or draws(self.data.dataset)}
        out["model"] = {"layers": [layer_to_dict(layer) for layer in self.model.layers]}
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: Any) -> "Experiment":
        """Strict: unknown keys, wrong types and out-of-range values raise SpecError."""
        if not isinstance(data, Mapping):
            raise SpecError("An experiment must be a JSON object with 'data', 'model' and "
                            "'train' sections.")
        unknown = [k for k in data if k not in ("data", "model", "train")]
        if unknown:
            raise SpecError(f"Unknown section(s) {_names(unknown)}; an experiment has only "
                            "'data', 'model' and 'train'.")
        parts: dict[str, Any] = {}
        for section, kind in SECTIONS.items():
            values = data.get(section, {})
            if not isinstance(values, Mapping):
                raise SpecError(f"Section '{section}' must be an object of settings; got "
                                f"{shown(values)}.")
            cleaned = {}
            for key, value in values.items():
                f = FIELDS_BY_NAME.get((section, key))
                if f is None:
                    raise SpecError(f"Unknown setting {_names([key], section)}.")
                if f.type is tuple and not isinstance(value, (list, tuple)):
                    example = ", ".join(f'"{c}"' for c in f.choices[:2])
                    raise SpecError(f"{f.label} ({section}.{key}) must be a list of names such "
                                    f"as [{example}]; got {shown(value)}.")
                if f.type in (int, float) and isinstance(value, str):
                    raise SpecError(f"{f.label} ({section}.{key}) must be a number, not text: "
                                    f"write it without quotes; got {shown(value)}.")
                cleaned[key], _ = check_value(f, value, clamp=False)
            parts[section] = kind(**cleaned)
        ds = parts["data"].dataset             # a drawing means something for drawn sets only
        if not draws(ds) or "drawn" not in data.get("data", {}):   # none: the set's example
            parts["data"] = dataclasses.replace(
                parts["data"], drawn=drawn_example(ds) if draws(ds) else DataSpec().drawn)
        model = data.get("model", {})
        if not isinstance(model, Mapping) or not isinstance(model.get("layers", []), list):
            raise SpecError("Section 'model' must be an object with a list 'layers'.")
        unknown = [k for k in model if k != "layers"]
        if unknown:
            raise SpecError(f"Unknown setting {_names(unknown, 'model')}; the model section "
                            "has only 'layers'.")
        layers = model.get("layers", list(ModelSpec().layers))
        check_layer_count(len(layers))              # before reading any of them
        kinds = [x.kind if isinstance(x, LayerSpec) else x.split(":")[0].strip()
                 if isinstance(x, str) else x.get("kind") if isinstance(x, Mapping)
                 and isinstance(x.get("kind"), str) else "" for x in layers]
        parts["model"] = ModelSpec(tuple(
            x if isinstance(x, LayerSpec) else layer_from_dict(x, name)
            for x, name in zip(layers, layer_names(kinds))))
        return cls(**parts).validated()

    @classmethod
    def from_json(cls, text: str) -> "Experiment":
        """Parse an experiment file. Every problem is a SpecError: bad JSON, a number too long
        to be a setting, NaN or Infinity, nesting deeper than Python can parse."""
        try:
            data = json.loads(text, parse_int=_parse_int, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            raise SpecError(f"The experiment file is not valid JSON (line {exc.lineno}, column "
                            f"{exc.colno}: {exc.msg}).") from None
        except RecursionError:
            raise SpecError("The experiment file is nested too deeply to be an experiment (one "
                            "has at most four levels: sections, settings, layers, parameters)."
                            ) from None
        return cls.from_dict(data)

    # ---- URL query string -----------------------------------------------------------------
    def to_query(self) -> dict[str, str]:
        """Every setting as short URL keys, so a link reproduces the experiment exactly.

        Augmentations that are off are left out (every page reads a missing one as off), so
        the links of pages without images do not grow by six keys that mean nothing there; the
        drawing travels only with the drawn sets (a missing one reads as the set's example)."""
        out = {f.url: format_value(f, getattr(getattr(self, f.section), f.name)) for f in FIELDS
               if (f.name not in AUGMENTATIONS or getattr(self.train, f.name))
               and (f.name != "drawn" or draws(self.data.dataset))}
        out[MODEL_URL_KEY] = layers_to_text(self.model.layers)
        return out

    @classmethod
    def from_query(cls, params: Mapping[str, Any], *, base: "Experiment | None" = None,
                   strict: bool = False) -> tuple["Experiment", list[str]]:
        """Read an experiment from query parameters, starting from `base` (the default).

        Lenient by default, because links are typed, truncated and shared: out-of-range
        numbers are clamped, unusable values and impossible combinations fall back to the base
        value, and each such repair is returned as a warning the page can show. With
        `strict=True` the first problem raises SpecError instead. Unknown keys are ignored
        (pages keep their own keys next to the experiment's).
        """
        base = base or cls()
        warnings: list[str] = []
        values = {s: dataclasses.asdict(getattr(base, s)) for s in SECTIONS}
        for key, raw in params.items():
            f: Field | None = FIELDS_BY_URL.get(key)
            if f is None or (f.name == "drawn" and not draws(link_dataset(
                    params, base.data.dataset))):
                continue                     # a drawing means something for drawn sets only
            if isinstance(raw, (list, tuple)) and f.type is not tuple:
                if not raw:                  # a repeated key keeps its last value; none: absent
                    continue
                if len(raw) > 1:
                    warnings.append(f"The link gives {key} {len(raw)} times; using the last "
                                    f"value.")
                raw = raw[-1]
            try:
                value, note = check_value(f, raw, clamp=not strict)
            except SpecError as exc:
                if strict:
                    raise
                warnings.append(f"{exc} Using {format_value(f, values[f.section][f.name])}.")
                continue
            values[f.section][f.name] = value
            if note:
                warnings.append(note)
        layers = base.model.layers
        if MODEL_URL_KEY in params:
            raw = params[MODEL_URL_KEY]
            try:
                if isinstance(raw, (list, tuple)) and all(isinstance(r, str) for r in raw):
                    if len(raw) > 1:
                        warnings.append(f"The link gives {MODEL_URL_KEY} {len(raw)} times; "
                                        "joined them into one network, in order.")
                    raw = ",".join(raw)
                if not isinstance(raw, str):
                    raise SpecError(f"The network ({MODEL_URL_KEY}) must be text such as "
                                    f"'dense:4:tanh,dense:2:tanh'; got {shown(raw)}.")
                layers = layers_from_text(raw)
            except SpecError as exc:
                if strict:
                    raise
                warnings.append(f"{exc} Keeping the default network.")
        warnings += link_drawing(values["data"], DRAWN_KEY in params, base.data.dataset, strict)
        exp = cls(DataSpec(**values["data"]), ModelSpec(layers), TrainSpec(**values["train"]))
        # Repair impossible combinations one step at a time, least drastic first.
        repairs = (lambda e: e.replace("train", loss="auto"),
                   lambda e: e.replace("data", features=base.data.features),
                   _without_peeking,
                   _without_bad_augmentation,
                   lambda e: e.replace("data", drawn=drawn_example(e.data.dataset))
                   if draws(e.data.dataset) else e,
                   lambda e: dataclasses.replace(e, data=base.data, train=base.train))
        for repair in (None, *repairs):
            if repair is not None:
                exp = repair(exp)
            try:
                _check_cross_fields(exp)
                break
            except SpecError as exc:
                if strict:
                    raise
                note = f"{exc} Adjusting the settings to make it work."
                if note not in warnings:          # one problem, one note, however many tries
                    warnings.append(note)
        return exp, warnings

    # ---- convenience ----------------------------------------------------------------------
    def replace(self, section: str, **changes: Any) -> "Experiment":
        """A copy with some fields of one section changed (e.g. replace("train", lr=0.1))."""
        if section == "model":
            return dataclasses.replace(self, model=ModelSpec(**changes))
        return dataclasses.replace(
            self, **{section: dataclasses.replace(getattr(self, section), **changes)})


MAX_DIGITS = 30   # an integer literal in a file; the largest bound (2**31 - 1) has 10 digits


def _parse_int(text: str) -> int:
    """json's integer parser, refusing the 5000-digit literal that int() would refuse with a
    ValueError (or accept, and then overflow float())."""
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise SpecError(f"The experiment file has a number with {len(text.lstrip('-'))} digits; "
                        f"no setting takes more than {MAX_DIGITS}.")
    return int(text)


def _refuse_constant(name: str) -> Any:
    raise SpecError(f"The experiment file contains {name}, which is not a number; write a "
                    "finite number instead.")


def _names(keys: list[Any], section: str | None = None) -> str:
    """Unknown keys as a message lists them: quoted, each shortened, at most five."""
    prefix = f"{section}." if section else ""
    out = [repr(f"{prefix}{k}") if isinstance(k, str) and len(k) <= 40 else shown(k)
           for k in keys[:5]]
    more = f" and {len(keys) - 5} more" if len(keys) > 5 else ""
    return ", ".join(out) + more


def dataset_info(name: str):
    """The registry entry of a dataset, or a SpecError listing the valid names."""
    from engine.data import DATASETS  # datasets is torch-free, so this import is cheap

    if name not in DATASETS:
        raise SpecError(f"Unknown dataset {name!r}. Choose one of {', '.join(DATASETS)}.")
    return DATASETS[name]


def _peeks(layer: LayerSpec) -> bool:
    """A layer that reads later steps: on a next-character task it would see the answer."""
    return ((layer.kind in ("rnn", "lstm", "gru") and bool(layer.bidirectional))
            or (layer.kind in ("self_attention", "transformer") and not layer.causal))


def _without_peeking(exp: Experiment) -> Experiment:
    """The link's network with every layer that reads ahead made one-way (a link's repair)."""
    if not dataset_info(exp.data.dataset).next_token:
        return exp
    layers = tuple(x if not _peeks(x) else
                   dataclasses.replace(x, bidirectional=0) if x.kind in ("rnn", "lstm", "gru")
                   else dataclasses.replace(x, causal=1) for x in exp.model.layers)
    return dataclasses.replace(exp, model=ModelSpec(layers))


def _without_bad_augmentation(exp: Experiment) -> Experiment:
    """A link's repair: no mirroring where the data forbids it, no augmentation off images."""
    info = dataset_info(exp.data.dataset)
    if info.kind != "image":
        return exp.replace("train", **{n: getattr(TrainSpec(), n) for n in AUGMENTATIONS})
    return exp if info.flips else exp.replace("train", aug_flip=0)


AUGMENTATIONS = ("aug_shift", "aug_rotate", "aug_scale", "aug_flip", "aug_noise", "aug_cutout")


def _check_cross_fields(exp: Experiment) -> None:
    """Rules that involve more than one field."""
    info = dataset_info(exp.data.dataset)
    loss = exp.train.loss
    if exp.train.augments and info.kind != "image":
        raise SpecError(f"Data augmentation (shifts, rotations, flips, noise, cutout) works on "
                        f"images only, and '{exp.data.dataset}' is not an image set; turn it "
                        "off.")
    if exp.train.aug_flip and not info.flips:
        raise SpecError(f"{info.title} must not be mirrored: a flipped image would change its "
                        "meaning (a mirrored 2 is no digit, and 6 and 9 trade places). Turn "
                        "flips off.")
    if info.kind == "2d":
        if not exp.data.features:
            raise SpecError("Pick at least one input feature (for example X₁ and X₂).")
    if drawing_error(exp.data.dataset, exp.data.drawn):
        raise SpecError(drawing_error(exp.data.dataset, exp.data.drawn))
    if info.task == "regression" and loss == "cross_entropy":
        raise SpecError(f"Cross-entropy needs classes, but '{exp.data.dataset}' asks for "
                        "numbers (regression). Use mean squared error, Huber or Automatic.")
    if info.next_token:
        for layer, name in zip(exp.model.layers, layer_names(x.kind for x in exp.model.layers)):
            if _peeks(layer):
                fix = "bidirectional off" if layer.kind in ("rnn", "lstm", "gru") else "causal on"
                raise SpecError(f"Layer {name} ({layer.kind}) can see the next character, which "
                                f"is the answer it must predict; switch {fix}.")
    if info.per_step and loss not in ("auto", "cross_entropy"):
        raise SpecError(f"'{exp.data.dataset}' asks for a symbol at every step, some of which "
                        "are not scored; that needs cross-entropy. Use Automatic or "
                        "cross-entropy.")
    if loss == "tfp_squared" and info.task == "classification" and _n_classes(exp, info) != 2:
        raise SpecError("tfp_squared (TF Playground's ±1 loss) works with two classes only; "
                        "use cross_entropy for more classes.")


def _n_classes(exp: Experiment, info: Any) -> int:
    return exp.data.n_classes if info.multi_class else info.classes


def needs_rebuild(old: Experiment, new: Experiment) -> bool:
    """True when the change cannot be applied to a running trainer (new data, net or loss):
    the other train settings are live (Trainer.apply)."""
    live = ("optimizer", "lr", "momentum", "batch_size", "l1", "l2", "schedule", "step_size",
            "epochs", "patience", *AUGMENTATIONS)
    strip = {name: getattr(TrainSpec(), name) for name in live}
    return (old.data != new.data or old.model != new.model
            or dataclasses.replace(old.train, **strip) != dataclasses.replace(new.train, **strip))
