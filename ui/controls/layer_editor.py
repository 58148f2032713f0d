"""The layer-stack editor: one row per layer (kind and parameters), move, remove, add.

Rows are identified by a uid, not their position, so moving a row keeps its widgets' values.
The stack lives in session state as rows of LayerSpecs (non-widget state, which survives a
visit to another page); the row widgets are re-seeded from it when Streamlit has dropped
them. Button callbacks carry the state they expect, so a callback that fires twice (seen with
live fragments, research §3.8) changes nothing the second time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import streamlit as st

from engine.model.build import plan_model, stack_text_problems
from engine.model.cost import step_cost
from engine.spec.limits import LIMITS
from engine.spec import ModelSpec
from engine.spec.fields import ACTIVATION_NAMES, SpecError, friendly
from engine.spec.layers import (LAYER_HELP, LAYER_PARAMS, LayerSpec, layer_names,
                                layers_from_text, layers_to_text, make_layer)
from engine.spec.presets import IMAGE_PRESETS
from ui.controls.images import k as image_key
from ui.messages import show_error
from ui.labs import IMAGE_LAB

KINDS = IMAGE_LAB.layers        # the kinds the image lab offers (the About page lists the same)
KIND_TITLES = {"conv2d": "Convolution", "maxpool2d": "Max pooling", "avgpool2d": "Avg pooling",
               "batchnorm": "Batch norm", "dropout": "Dropout", "flatten": "Flatten",
               "dense": "Dense", "activation": "Activation", "residual": "Residual block",
               "embedding": "Embedding", "positional": "Positional enc.", "rnn": "Vanilla RNN",
               "lstm": "LSTM", "gru": "GRU", "self_attention": "Self-attention",
               "transformer": "Transformer block", "last_step": "Last step",
               "layernorm": "Layer norm"}
ROW_PARAMS = ("channels", "kernel", "stride", "padding", "units", "rate", "activation",
              "heads", "bidirectional", "causal")
# Offered values per parameter; a value from a link or the text form is added to the list.
CHOICES: dict[str, tuple[Any, ...]] = {
    "channels": (1, 2, 4, 6, 8, 10, 12, 16, 24, 32, 48, 64),
    "kernel": (1, 2, 3, 4, 5, 7),
    "stride": (1, 2, 3),
    "padding": (0, 1, 2, 3),
    "units": (4, 8, 16, 32, 64, 128, 256),
    "rate": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    "activation": ACTIVATION_NAMES,
    "heads": (1, 2, 4, 8),
    "bidirectional": (0, 1),
    "causal": (0, 1),
}
SHOW = {"channels": "{}", "kernel": "{0}×{0}", "stride": "{}", "padding": "{}",
        "units": "{}", "rate": "{:.0%}", "activation": "{}", "heads": "{}"}
FORMAT = {**{p: SHOW[p].format for p in SHOW}, "activation": friendly,
          "bidirectional": lambda v: "both ways" if v else "forward",
          "causal": lambda v: "causal" if v else "sees all"}
# The editor's columns: every parameter has its own column, so rows of different kinds line up.
COLUMNS = (("size", "maps / units / drop", ("channels", "units", "rate")),
           ("kernel", "window", ("kernel",)), ("stride", "stride", ("stride",)),
           ("padding", "padding", ("padding",)), ("activation", "activation", ("activation",)))


@dataclass(frozen=True)
class Editor:
    """What one lab's editor offers: its session keys, kinds, columns, presets and words."""

    key: Callable[[str], str]                     # the lab's session-state key function
    kinds: tuple[str, ...]
    columns: tuple[tuple[str, str, tuple[str, ...]], ...]
    presets: Mapping[str, Any]                    # name -> object with .title, .description
    preset_layers: Callable[[str], tuple[LayerSpec, ...]]
    input_text: str = "Input image"
    output_text: str = "output (one score per class, added for you)"
    lab_name: str = "the image lab"
    foreign_note: str = "Recurrent and attention layers read sequences, not images."
    text_help: str = ("The same stack as text, as in the page link: kind:param:param, "
                      "e.g. conv2d:8:3:1:1:relu (channels, kernel, stride, padding, "
                      "activation), maxpool2d:2:2, dropout:0.3, dense:32:relu, residual:8:relu.")
    plan_options: Mapping[str, Any] = field(default_factory=dict)   # tokens=, per_step=
    column_widths: tuple[float, ...] = (1.05, 1, 0.85, 0.85, 1.45)  # one per column

    @property
    def widths(self) -> list[float]:
        return [0.55, 1.7, *self.column_widths, 0.45, 0.45, 0.45]


IMAGE_EDITOR = Editor(
    key=image_key, kinds=KINDS, columns=COLUMNS, presets=IMAGE_PRESETS,
    preset_layers=lambda name: layers_from_text(IMAGE_PRESETS[name].layers))


def _key(ed: Editor, uid: int, param: str) -> str:
    return ed.key(f"row{uid}_{param}")


def seed_stack(layers: tuple[LayerSpec, ...], ed: Editor = IMAGE_EDITOR) -> None:
    """Replace the editor's rows with `layers` (a preset, a link, the text form)."""
    first = st.session_state.get(ed.key("next_uid"), 0)
    st.session_state[ed.key("stack")] = [{"uid": first + i, "spec": spec} for i, spec in
                                         enumerate(layers)]
    st.session_state[ed.key("next_uid")] = first + len(layers)
    for row in st.session_state[ed.key("stack")]:
        _seed_row(ed, row)


def _seed_row(ed: Editor, row: dict) -> None:
    spec: LayerSpec = row["spec"]
    st.session_state.setdefault(_key(ed, row["uid"], "kind"), spec.kind)
    for param in {*ROW_PARAMS, *LAYER_PARAMS.get(spec.kind, ())}:
        st.session_state.setdefault(_key(ed, row["uid"], param), getattr(spec, param))


def stack_from_state(ed: Editor = IMAGE_EDITOR) -> tuple[LayerSpec, ...]:
    """The layers the rows describe now; each row's spec is updated to match."""
    layers = []
    for row in st.session_state.get(ed.key("stack"), []):
        _seed_row(ed, row)                             # widgets Streamlit has dropped
        kind = st.session_state[_key(ed, row["uid"], "kind")]
        defaults = make_layer(kind) if kind in LAYER_PARAMS else row["spec"]
        params = {p: st.session_state.get(_key(ed, row["uid"], p), getattr(defaults, p))
                  for p in LAYER_PARAMS.get(kind, ())}
        try:
            row["spec"] = make_layer(kind, **params)
        except SpecError:                              # cannot happen with offered choices
            row["spec"] = make_layer(kind)
        layers.append(row["spec"])
    return tuple(layers)


def _edited(ed: Editor) -> None:
    """Any row edit supersedes a rejected text form."""
    st.session_state[ed.key("net_text_error")] = ""


def _kind_changed(ed: Editor, uid: int) -> None:
    """A new kind starts from that kind's defaults (a pooling row gets a 2×2 window)."""
    spec = make_layer(st.session_state[_key(ed, uid, "kind")])
    for param in ROW_PARAMS:
        st.session_state[_key(ed, uid, param)] = getattr(spec, param)
    _edited(ed)


def _move(ed: Editor, uid: int, at: int, to: int) -> None:
    _edited(ed)
    rows = st.session_state[ed.key("stack")]
    if 0 <= to < len(rows) and at < len(rows) and rows[at]["uid"] == uid:
        rows.insert(to, rows.pop(at))


def _remove(ed: Editor, uid: int) -> None:
    _edited(ed)
    st.session_state[ed.key("stack")] = [r for r in st.session_state[ed.key("stack")]
                                         if r["uid"] != uid]


def _add(ed: Editor, expected: int) -> None:
    rows = st.session_state[ed.key("stack")]
    if len(rows) != expected:
        return
    _edited(ed)
    kind = st.session_state.get(ed.key("add_kind"), ed.kinds[0])
    uid = st.session_state.get(ed.key("next_uid"), 0)
    st.session_state[ed.key("next_uid")] = uid + 1
    row = {"uid": uid, "spec": make_layer(kind)}
    _seed_row(ed, row)
    rows.append(row)


def _load_preset(ed: Editor) -> None:
    seed_stack(ed.preset_layers(st.session_state[ed.key("preset")]), ed)
    _edited(ed)


def _apply_text(ed: Editor, input_shape: tuple[int, ...], n_classes: int,
                batch_size: int) -> None:
    """Any text gives a working stack or a message saying every problem with it (never an
    exception): kinds this lab does not build are named, and so is each bad parameter and
    what the stack would do to the input."""
    text = str(st.session_state.get(ed.key("net_text"), ""))
    error = ed.key("net_text_error")
    try:
        layers = layers_from_text(text)
    except SpecError:
        st.session_state[error] = " ".join(
            stack_text_problems(text, input_shape, n_classes, batch_size, **ed.plan_options)
        ) or "This layer list is not valid."
        return
    names = layer_names(layer.kind for layer in layers)
    foreign = [f"{name} ({layer.kind})" for name, layer in zip(names, layers)
               if layer.kind not in ed.kinds]
    if foreign:
        st.session_state[error] = (
            f"{', '.join(foreign)}: not a layer of {ed.lab_name}, which builds from "
            f"{', '.join(ed.kinds)}. {ed.foreign_note}")
        return
    seed_stack(layers, ed)
    st.session_state[error] = ""


def _options(param: str, value: Any) -> list[Any]:
    options = list(CHOICES[param])
    if value not in options:
        options = sorted(options + [value]) if param != "activation" else options + [value]
    return options


def _header(ed: Editor) -> None:
    cols = st.columns(ed.widths)
    for col, text in zip(cols[1:], ("layer", *(c[1] for c in ed.columns))):
        col.caption(text)


def _row(ed: Editor, i: int, row: dict, n: int, name: str) -> None:
    uid, kind = row["uid"], st.session_state[_key(ed, row["uid"], "kind")]
    cols = st.columns(ed.widths, vertical_alignment="center")
    cols[0].markdown(f"**{name}**")
    cols[1].selectbox(f"{name} kind", ed.kinds if kind in ed.kinds else (*ed.kinds, kind),
                      key=_key(ed, uid, "kind"), label_visibility="collapsed",
                      format_func=lambda kd: KIND_TITLES.get(kd, kd),
                      on_change=_kind_changed, args=(ed, uid))
    for j, (_, _title, params) in enumerate(ed.columns):
        param = next((p for p in params if p in LAYER_PARAMS.get(kind, ())), None)
        if param is None:
            continue
        key = _key(ed, uid, param)
        cols[2 + j].selectbox(f"{name} {param}", _options(param, st.session_state[key]),
                              key=key, label_visibility="collapsed",
                              format_func=FORMAT[param])
    end = 2 + len(ed.columns)
    cols[end].button("", icon=":material/arrow_upward:", key=ed.key(f"up{uid}"),
                     on_click=_move, args=(ed, uid, i, i - 1), disabled=i == 0,
                     help="Move this layer up")
    cols[end + 1].button("", icon=":material/arrow_downward:", key=ed.key(f"down{uid}"),
                         on_click=_move, args=(ed, uid, i, i + 1), disabled=i == n - 1,
                         help="Move this layer down")
    cols[end + 2].button("", icon=":material/close:", key=ed.key(f"del{uid}"), on_click=_remove,
                         args=(ed, uid), help="Remove this layer")


def layer_editor(input_shape: tuple[int, ...], n_classes: int, batch_size: int,
                 ed: Editor = IMAGE_EDITOR) -> None:
    """Draw the rows, the add bar, the preset picker and the compact text form."""
    rows = st.session_state[ed.key("stack")]
    for row in rows:
        _seed_row(ed, row)                   # widgets Streamlit dropped (another page was open)
    names = layer_names(st.session_state[_key(ed, r["uid"], "kind")] for r in rows)
    st.caption(f"{ed.input_text} → " + " → ".join(names) + (" → " if rows else "") +
               ed.output_text)
    if rows:
        _header(ed)
    for i, (row, name) in enumerate(zip(rows, names)):
        _row(ed, i, row, len(rows), name)
    cols = st.columns([1.6, 1, 1.8, 1], vertical_alignment="bottom")
    cols[0].selectbox("New layer", ed.kinds, key=ed.key("add_kind"),
                      format_func=lambda kd: KIND_TITLES.get(kd, kd),
                      help=" ".join(f"{KIND_TITLES[kd]}: {LAYER_HELP[kd]}" for kd in ed.kinds
                                    if kd in LAYER_HELP))
    cols[1].button("Add layer", key=ed.key("add"), on_click=_add, args=(ed, len(rows)),
                   help="Append a layer at the end; move it with ↑.")
    cols[2].selectbox("Preset", list(ed.presets), key=ed.key("preset"),
                      format_func=lambda name: ed.presets[name].title,
                      help=" · ".join(f"{p.title}: {p.description}"
                                      for p in ed.presets.values()))
    cols[3].button("Load preset", key=ed.key("load_preset"), on_click=_load_preset, args=(ed,),
                   help="Replace the stack with the preset (the weights restart).")
    if not st.session_state.get(ed.key("net_text_error")):
        st.session_state[ed.key("net_text")] = layers_to_text(stack_from_state(ed))
    st.text_input("Compact form (edit and press Enter)", key=ed.key("net_text"),
                  on_change=_apply_text, args=(ed, tuple(input_shape), n_classes, batch_size),
                  help=ed.text_help)
    if st.session_state.get(ed.key("net_text_error")):
        show_error(st.session_state[ed.key("net_text_error")])


def plan_panel(layers: tuple[LayerSpec, ...], input_shape: tuple[int, ...],
               n_classes: int, batch_size: int, ed: Editor = IMAGE_EDITOR) -> str | None:
    """The live table of output shapes, parameters and cost, or the spec's message naming
    the layer and the fix. Returns that message (None when the stack works)."""
    try:
        rows = plan_model(ModelSpec(layers), input_shape, n_classes, batch_size=batch_size,
                          **ed.plan_options)
    except SpecError as exc:
        if not st.session_state.get(ed.key("net_text_error")):   # one message at a time
            show_error(exc)
        st.caption("Training goes on with the last network that worked.")
        return str(exc)
    st.dataframe([{"layer": r.name, "what": r.description,
                   "output shape": "×".join(map(str, r.output_shape)), "parameters": r.params}
                  for r in rows], hide_index=True, width="stretch")
    cost = step_cost(rows, batch_size)
    st.caption(f"{sum(r.params for r in rows):,} trainable parameters · one training batch of "
               f"{batch_size}: {cost.macs / 1e6:,.1f} million multiply-adds "
               f"({cost.example_macs / 1e6:,.2f} million per example), "
               f"{cost.megabytes:,.1f} MB of activations (this server allows "
               f"{LIMITS['step_macs'][1] / 1e6:,.0f} million, "
               f"{LIMITS['example_macs'][1] / 1e6:,.0f} million per example and "
               f"{LIMITS['step_memory'][1]} MB)")
    return None
