"""One widget for one field of the spec's field table: label, help, bounds and option names
all come from `engine.spec.fields`, so every lab offers a setting the same way.

A widget keeps its value under a session-state key. Links may carry any value LIMITS allow: a
value between the offered steps joins the options, so the experiment keeps it exactly; a value
outside a control's narrower range is brought into it by `fit_link_values` when the link is
read, with a note, so no control ever changes a value silently.
"""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from engine.spec import Experiment, TrainSpec
from engine.spec.fields import FIELDS_BY_NAME, Field, applies, fit_to_widget, friendly


def fit_link_values(exp: Experiment, names: dict[str, tuple[str, ...]]
                    ) -> tuple[Experiment, list[str]]:
    """The experiment with each value the lab's controls (`names` per section) cannot show
    brought into their range, and one note per change."""
    notes = []
    for section, fields in names.items():
        changes = {}
        for name in fields:
            value, note = fit_to_widget(FIELDS_BY_NAME[(section, name)],
                                        getattr(getattr(exp, section), name))
            if note:
                changes[name] = value
                notes.append(note)
        if changes:
            exp = exp.replace(section, **changes)
    return exp, notes


def _fit(field: Field, key: str, options: list | None) -> None:
    value = st.session_state.get(key)
    if value is None:
        return
    if options is not None:
        if value not in options and field.type is not str:
            st.session_state[key] = min(options, key=lambda o: abs(float(o) - float(value)))
        elif value not in options:
            st.session_state[key] = options[0]
        return
    if field.ui_range is not None and field.type in (int, float):
        lo, hi = field.ui_range
        if not lo <= value <= hi:
            st.session_state[key] = field.type(min(max(value, lo), hi))


def _number(value: float) -> str:
    return f"{value:g}"


def field_widget(section: str, name: str, key: str, *, where: Any = None,
                 choices: tuple | None = None, label: str | None = None,
                 help_extra: str = "", slider: bool = True) -> Any:
    """Draw the widget for spec field (section, name) under `key`; returns its value.

    `choices` narrows a choice field (e.g. the losses a task can use); `where` is a column or
    container (default: the current one).
    """
    field = FIELDS_BY_NAME[(section, name)]
    where = where if where is not None else st
    text = label or field.label
    help_text = field.help + (" " + help_extra if help_extra else "")
    if field.choices and field.type is str:
        options = list(choices if choices is not None else field.choices)
        _fit(field, key, options)
        return where.selectbox(text, options, key=key, format_func=friendly, help=help_text)
    if field.offered:
        # a link's exact value joins the options for the whole session: options that changed
        # from run to run would make Streamlit treat the slider as a new widget
        extra_key = key + "__extra"
        value = st.session_state.get(key)
        extra = set(st.session_state.get(extra_key, ()))
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and value not in field.offered and value not in extra:
            extra.add(value)
            st.session_state[extra_key] = tuple(sorted(extra))
        options = sorted(set(field.offered) | extra)
        return where.select_slider(text, options, key=key, format_func=_number, help=help_text)
    if field.type in (int, float) and field.ui_range is not None:
        lo, hi = field.ui_range
        _fit(field, key, None)
        step = field.ui_step if field.ui_step is not None else (1 if field.type is int else 0.01)
        cast = field.type
        if slider and hi - lo <= 10_000:
            return where.slider(text, cast(lo), cast(hi), step=cast(step), key=key,
                                help=help_text)
        return where.number_input(text, cast(lo), cast(hi), step=cast(step), key=key,
                                  help=help_text)
    raise ValueError(f"no widget for field {section}.{name}")


# The training settings a conv or sequence net needs (the 2D page has its own, larger set).
NET_TRAIN_KEYS = ("optimizer", "lr", "momentum", "batch_size", "l2", "epochs")


def net_training_controls(key: Callable[[str], str]) -> None:
    """The training widgets of a lab with a layer editor (momentum only where it applies);
    `key` turns a name into the lab's widget key."""
    values = {n: st.session_state.get(key("train_" + n)) for n in NET_TRAIN_KEYS}
    field_widget("train", "lr", key("train_lr"))
    field_widget("train", "optimizer", key("train_optimizer"))
    if applies("train", "momentum", values):
        field_widget("train", "momentum", key("train_momentum"))
    field_widget("train", "batch_size", key("train_batch_size"))
    field_widget("train", "l2", key("train_l2"))
    field_widget("train", "epochs", key("train_epochs"), slider=False)


def net_train_spec(key: Callable[[str], str], current: TrainSpec) -> TrainSpec:
    """The training settings those widgets describe (absent keys keep `current`'s values)."""
    values = {n: st.session_state.get(key("train_" + n), getattr(current, n))
              for n in NET_TRAIN_KEYS}
    values["epochs"] = int(values["epochs"])
    return TrainSpec(**{**current.__dict__, **values})
