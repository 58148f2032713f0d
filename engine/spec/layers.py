"""Layer specifications: what a user can put in a stack, and its compact text form.

A layer is written `kind:p1:p2...` in URLs (`dense:4:tanh`, `conv2d:8:3:1:1:relu`,
`maxpool2d:2:2`), with parameters in the order of LAYER_PARAMS and trailing ones optional,
and as a dict (`{"kind": "dense", "units": 4, "activation": "tanh"}`) in JSON.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from engine.spec.fields import ACTIVATION_NAMES, MAX_TEXT, SpecError, shown, to_number
from engine.spec.limits import LIMITS

# kind -> its parameters, in the order the compact form lists them.
LAYER_PARAMS: Mapping[str, tuple[str, ...]] = {
    "dense": ("units", "activation"),
    "conv2d": ("channels", "kernel", "stride", "padding", "activation"),
    "maxpool2d": ("kernel", "stride"),
    "avgpool2d": ("kernel", "stride"),
    "flatten": (),
    "dropout": ("rate",),
    "batchnorm": (),
    "layernorm": (),
    "activation": ("activation",),
    "rnn": ("units", "bidirectional"),
    "lstm": ("units", "bidirectional"),
    "gru": ("units", "bidirectional"),
    "self_attention": ("heads", "causal"),
    "residual": ("units", "activation"),
    "embedding": ("units",),
    "positional": (),
    "transformer": ("heads", "units", "causal"),
    "last_step": (),
}
LAYER_KINDS = tuple(LAYER_PARAMS)

# Per-kind defaults where they differ from the dataclass defaults.
LAYER_DEFAULTS: Mapping[str, Mapping[str, Any]] = {
    "maxpool2d": {"kernel": 2, "stride": 2},
    "avgpool2d": {"kernel": 2, "stride": 2},
    "conv2d": {"padding": 1},
    "embedding": {"units": 16},
    "transformer": {"units": 64},
}
RECURRENT = ("rnn", "lstm", "gru")
ATTENTION = ("self_attention", "transformer")   # layers whose attention maps a probe reads

LAYER_HELP: Mapping[str, str] = {
    "dense": "Fully connected layer: every output neuron sees every input.",
    "conv2d": "Convolution: small filters slide over the image and respond to local patterns.",
    "maxpool2d": "Max pooling: keeps the strongest response in each window; shrinks the image.",
    "avgpool2d": "Average pooling: averages each window; shrinks the image.",
    "flatten": "Turns an image (C×H×W) or a sequence into one long vector for dense layers.",
    "dropout": "Randomly silences a fraction of neurons while training, to fight overfitting.",
    "batchnorm": "Batch normalisation: rescales each feature over the batch; steadies training.",
    "layernorm": "Layer normalisation: rescales each example's features; no batch needed.",
    "activation": "A stand-alone non-linearity applied element by element.",
    "rnn": "Simple recurrent layer: reads a sequence step by step, carrying a memory.",
    "lstm": "LSTM: a recurrent layer with gates that remember over long sequences.",
    "gru": "GRU: a lighter gated recurrent layer.",
    "self_attention": "Self-attention: every time step looks at every other one (causal: only "
                      "at itself and the past).",
    "embedding": "Embedding: turns each token (a character or symbol) into a learned vector of "
                 "this many numbers. Use it first, on token data.",
    "positional": "Positional encoding: adds waves that tell each step where it is, so "
                  "attention (which ignores order) can tell first from last.",
    "transformer": "Transformer block: self-attention then a small MLP, each with layer norm "
                   "and a skip connection. units = the MLP's width.",
    "last_step": "Keeps only the last time step: the summary a recurrent layer has built of "
                 "the whole sequence, for dense layers after it.",
    "residual": "A dense or conv block whose input is added to its output (a skip "
                "connection), so deep stacks still train.",
}

_PARAM_TYPES = {"units": int, "channels": int, "kernel": int, "stride": int, "padding": int,
                "heads": int, "rate": float, "activation": str, "bidirectional": int,
                "causal": int}
SWITCHES = ("bidirectional", "causal")   # 0/1 parameters: described by name when on


@dataclass(frozen=True)
class LayerSpec:
    """One layer of the stack. Only the parameters listed for its kind mean anything."""

    kind: str
    units: int = 8           # dense width, recurrent hidden size, residual inner width
    channels: int = 8        # conv output channels
    kernel: int = 3          # conv kernel / pooling window
    stride: int = 1
    padding: int = 0
    activation: str = "relu"
    rate: float = 0.5        # dropout probability
    heads: int = 1           # attention heads
    bidirectional: int = 0   # recurrent: 1 = a second layer reads the sequence backwards
    causal: int = 0          # attention: 1 = each step attends only to itself and the past

    def params(self) -> dict[str, Any]:
        """The parameters that matter for this kind, in compact-form order."""
        return {p: getattr(self, p) for p in LAYER_PARAMS[self.kind]}

    def describe(self) -> str:
        """Short human text, e.g. 'dense 4 tanh', 'lstm 32 bidirectional'."""
        return " ".join([self.kind, *(str(v) if k not in SWITCHES else k
                                      for k, v in self.params().items()
                                      if k not in SWITCHES or v)])


def make_layer(kind: str, where: str = "Layer", **params: Any) -> LayerSpec:
    """Build a validated LayerSpec, filling per-kind defaults; raises SpecError."""
    return _make_layer(kind, where, params)


def _make_layer(kind: Any, where: str, params: Mapping[Any, Any]) -> LayerSpec:
    if not isinstance(kind, str):
        raise SpecError(f"{where}: the kind must be a name such as 'dense'; got {shown(kind)}.")
    if kind not in LAYER_PARAMS:
        raise SpecError(f"{where}: unknown layer kind {shown(kind)}. Choose one of "
                        f"{', '.join(LAYER_KINDS)}.")
    values = {**LAYER_DEFAULTS.get(kind, {})}
    for name, value in params.items():
        if name not in LAYER_PARAMS[kind]:
            raise SpecError(f"{where} ({kind}) has no parameter {shown(name)}; it takes "
                            f"{', '.join(LAYER_PARAMS[kind]) or 'none'}.")
        values[name] = _check_param(where, kind, name, value)
    return LayerSpec(kind=kind, **values)


def check_layer(layer: Any, where: str = "Layer") -> LayerSpec:
    """`layer` itself if it is a LayerSpec whose parameters make_layer accepts; else SpecError
    (a LayerSpec built directly skips make_layer's checks)."""
    if not isinstance(layer, LayerSpec):
        raise SpecError(f"{where} must be a layer; got {shown(layer)}.")
    _make_layer(layer.kind, where, {})             # the kind, before params() relies on it
    _make_layer(layer.kind, where, layer.params())
    return layer


def _check_param(where: str, kind: str, name: str, value: Any) -> Any:
    """One parameter, from text (the compact form) or a number; never a boolean, null or list."""
    if name == "activation":
        if not isinstance(value, str):
            raise SpecError(f"{where} ({kind}): activation must be a name such as 'relu'; got "
                            f"{shown(value)}.")
        text = value.strip()
        if text not in ACTIVATION_NAMES:
            raise SpecError(f"{where} ({kind}): unknown activation {shown(text)}. Choose one of "
                            f"{', '.join(ACTIVATION_NAMES)}.")
        return text
    kind_of = _PARAM_TYPES[name]
    try:
        number = to_number(value)
    except ValueError:
        raise SpecError(f"{where} ({kind}): {name} must be a number; got {shown(value)}.") from None
    lo, hi = LIMITS[name]
    if not lo <= number <= hi or (kind_of is int and number != int(number)):
        shown_kind = "a whole number" if kind_of is int else "a number"
        raise SpecError(f"{where} ({kind}): {name} must be {shown_kind} from {lo:g} to {hi:g}; "
                        f"got {shown(value)}.")
    return kind_of(number)


AUXILIARY = {"batchnorm": "bn", "layernorm": "norm", "dropout": "drop", "activation": "act"}


def layer_names(kinds) -> list[str]:
    """One naming for every view: main layers are L1, L2, ...; a batch norm, layer norm,
    dropout or activation that follows a layer belongs to it (L1_bn, L1_drop), so the 2D
    sidebar's "layer 2" and the network view's L2 are the same layer."""
    names: list[str] = []
    n = 0
    for kind in kinds:
        suffix = AUXILIARY.get(kind)
        if suffix is not None and n:
            base = f"L{n}_{suffix}"
            name, extra = base, 2
            while name in names:
                name, extra = f"{base}{extra}", extra + 1
            names.append(name)
        else:
            n += 1
            names.append(f"L{n}")
    return names


def layer_to_text(layer: LayerSpec) -> str:
    """Compact form, e.g. 'dense:4:tanh'."""
    return ":".join([layer.kind, *(repr(v) if isinstance(v, float) else str(v)
                                   for v in layer.params().values())])


def layer_from_text(text: str, index: int | str) -> LayerSpec:
    """Parse the compact form; `index` (a name such as L2, or a 1-based number) names the
    layer in error messages."""
    parts = [p.strip() for p in text.strip().split(":")]
    kind, values = parts[0], parts[1:]
    where = f"Layer {index}"
    names = LAYER_PARAMS.get(kind)
    if names is not None and len(values) > len(names):
        raise SpecError(f"{where} ({kind}) has {len(values)} parameters but takes at most "
                        f"{len(names)}: {', '.join(names) or 'none'}.")
    return make_layer(kind, where, **dict(zip(names or (), values)))


def layer_to_dict(layer: LayerSpec) -> dict[str, Any]:
    return {"kind": layer.kind, **layer.params()}


def layer_from_dict(data: Any, index: int | str) -> LayerSpec:
    where = f"Layer {index}"
    if isinstance(data, str):
        return layer_from_text(data, index)
    if not isinstance(data, Mapping) or "kind" not in data:
        raise SpecError(f"{where} must be an object with a 'kind' (e.g. {{\"kind\": \"dense\", "
                        "\"units\": 8}) or text such as 'dense:8:relu'.")
    params = {k: v for k, v in data.items() if k != "kind"}
    quoted = [k for k, v in params.items() if isinstance(v, str) and k != "activation"]
    if quoted:     # a file is typed: "8" is text there, unlike in a link or the compact form
        raise SpecError(f"{where}: {quoted[0]} must be a number, not text: write it without "
                        f"quotes; got {shown(params[quoted[0]])}.")
    return _make_layer(data["kind"], where, params)


def check_layer_count(n: int) -> None:
    """Refuse a stack longer than LIMITS allows, before any of its layers is read."""
    if n > LIMITS["layers"][1]:
        raise SpecError(f"The network has {n} layers; the limit is {LIMITS['layers'][1]}. "
                        "Remove some layers.")


def layers_to_text(layers: tuple[LayerSpec, ...]) -> str:
    return ",".join(layer_to_text(layer) for layer in layers)


def layers_from_text(text: str) -> tuple[LayerSpec, ...]:
    """Parse 'dense:4:tanh,dense:2:tanh'; an empty string is an empty stack."""
    if len(text) > MAX_TEXT:
        raise SpecError("The layer list is too long to be a real network; check the link.")
    items = [t for t in text.split(",") if t.strip()]
    check_layer_count(len(items))
    names = layer_names(t.split(":")[0].strip() for t in items)
    return tuple(layer_from_text(t, name) for t, name in zip(items, names))
