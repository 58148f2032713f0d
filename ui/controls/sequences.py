"""Sidebar controls of the sequence lab (task and training), its layer editor's settings, and
its experiment <-> state <-> URL.

Widgets keep their values under `sq_` session keys; `restore_missing` puts back any value
Streamlit forgot while another page was open (as the image lab does).
"""
from __future__ import annotations

import dataclasses

import streamlit as st

from datasets import DATASETS
from engine.data import Dataset, load_data
from engine.model.build import plan_model
from engine.spec import DataSpec, Experiment, ModelSpec, SpecError, TrainSpec
from engine.spec.fields import FIELDS, MODEL_URL_KEY, applies
from engine.spec.layers import LayerSpec
from engine.spec.presets import (DEFAULT_SEQUENCE_PRESET, SEQUENCE_KINDS, SEQUENCE_PRESETS,
                                 SEQUENCE_SETS, sequence_data, sequence_preset_experiment)
from ui.address import set_address
from ui.compare import CompareSession, compare_link, read_compare
from ui.controls.fields import (NET_TRAIN_KEYS, field_widget, fit_link_values, net_train_spec,
                               net_training_controls)
from ui.controls.layer_editor import Editor, seed_stack, stack_from_state
from ui.lessons import with_lesson
from ui.links import read_link
from ui.session import LabSession

LAB = LabSession("sq", chunk=0.05)
k = LAB.key
CMP = CompareSession("sqc", chunk=0.05)   # compare mode: runs A and B
LESSON_LAB = "sequences"      # what a lesson file's `lab` names this page
DATA_KEYS = ("seq_len", "delay", "noise", "horizon")     # the task's settings a link may carry
TRAIN_KEYS = NET_TRAIN_KEYS
# A sequence layer's own parameters get their own columns: rows of every kind line up.
COLUMNS = (("size", "units / drop", ("units", "rate")), ("heads", "heads", ("heads",)),
           ("direction", "reads", ("bidirectional",)), ("mask", "attention", ("causal",)),
           ("activation", "activation", ("activation",)))


@st.cache_data(max_entries=16, show_spinner=False)
def load_sequences(spec: DataSpec) -> Dataset:
    """A task's data (generated, deterministic per settings: safe to share between sessions)."""
    return load_data(spec)


def preset_layers(name: str, dataset: str) -> tuple[LayerSpec, ...]:
    """A preset's stack in the spelling that fits the task (embedding for tokens)."""
    return sequence_preset_experiment(name, sequence_data(dataset)).model.layers


def editor(dataset: str, ds: Dataset) -> Editor:
    """The shared layer editor, offering the sequence kinds for this task."""
    return Editor(
        key=k, kinds=SEQUENCE_KINDS, columns=COLUMNS, presets=SEQUENCE_PRESETS,
        preset_layers=lambda name: preset_layers(name, dataset),
        input_text="Input sequence" + (" (tokens)" if ds.vocab else " (values)"),
        output_text=("output (a prediction per step" if ds.per_step else
                     "output (one prediction for the sequence") + ", added for you)",
        lab_name="the sequence lab",
        foreign_note="Convolution and pooling layers read images, not sequences.",
        text_help="The same stack as text, as in the page link: kind:param:param, e.g. "
                  "embedding:32, positional, lstm:64 (units, then 1 = both directions), "
                  "self_attention:4:1 (heads, 1 = causal), transformer:4:64:1 (heads, MLP "
                  "width, causal), last_step, dense:32:relu.",
        plan_options={"tokens": bool(ds.vocab), "per_step": ds.per_step},
        column_widths=(0.9, 0.75, 1.25, 1.15, 1.2))


def matching_preset(layers: tuple[LayerSpec, ...], dataset: str) -> str:
    """The preset whose stack this is (the picker shows it), else the default preset."""
    return next((name for name in SEQUENCE_PRESETS
                 if preset_layers(name, dataset) == tuple(layers)), DEFAULT_SEQUENCE_PRESET)


def plan_error(exp: Experiment, ds: Dataset) -> str | None:
    """Why the experiment's stack cannot read this task (None: it can): the shape plan, and
    the rules across fields (no layer may look ahead on a next-character task)."""
    try:
        exp.validated()
        plan_model(exp.model, ds.input_shape, ds.n_outputs, batch_size=exp.train.batch_size,
                   tokens=bool(ds.vocab), per_step=ds.per_step)
    except SpecError as exc:
        return str(exc)
    return None


# ---- controls ---------------------------------------------------------------------------------
def _control_values(exp: Experiment) -> dict:
    return {k("dataset"): exp.data.dataset,
            **{k("data_" + n): getattr(exp.data, n) for n in DATA_KEYS},
            **{k("train_" + n): getattr(exp.train, n) for n in TRAIN_KEYS}}


def restore_missing(exp: Experiment) -> None:
    """Seed every control key that is absent (first visit, or back from another page)."""
    for key, value in _control_values(exp).items():
        if key not in st.session_state:
            st.session_state[key] = value


def seed_controls(exp: Experiment) -> None:
    """Set every control to the experiment (the lab opened again, e.g. by a lesson)."""
    st.session_state.update(_control_values(exp))


def _task_changed() -> None:
    """A new task starts at its usual settings; a stack that cannot read it (an embedding on
    a wave) becomes the chosen preset in the spelling that fits."""
    name = st.session_state[k("dataset")]
    usual = sequence_data(name)
    for n in DATA_KEYS:
        st.session_state[k("data_" + n)] = getattr(usual, n)
    exp = Experiment(usual, ModelSpec(stack_from_state(editor(name, load_sequences(usual)))),
                     TrainSpec())
    if plan_error(exp, load_sequences(usual)):
        preset = st.session_state.get(k("preset"), DEFAULT_SEQUENCE_PRESET)
        seed_stack(preset_layers(preset, name), editor(name, load_sequences(usual)))


def task_controls() -> str:
    """The task picker and the settings that apply to it; returns the task's name."""
    st.selectbox("Task", SEQUENCE_SETS, key=k("dataset"), on_change=_task_changed,
                 format_func=lambda n: DATASETS[n].title,
                 help="What the network learns. " + " · ".join(
                     f"{DATASETS[n].title}: {DATASETS[n].description}" for n in SEQUENCE_SETS))
    name = st.session_state[k("dataset")]
    values = {"dataset": name}
    usual = DATASETS[name].length
    for n in DATA_KEYS:
        if n == "noise" or applies("data", n, values):
            field_widget("data", n, k("data_" + n), label=(
                f"Sequence length (0 = the usual {usual})" if n == "seq_len" else None))
    return name


def data_spec_from_state(name: str) -> DataSpec:
    """The task the widgets describe (settings that do not apply stay at the task's usual)."""
    values = {"dataset": name}
    changes = {n: st.session_state.get(k("data_" + n)) for n in DATA_KEYS
               if n == "noise" or applies("data", n, values)}
    return sequence_data(name, **{n: v for n, v in changes.items() if v is not None})


def training_controls() -> None:
    net_training_controls(k)


def train_spec_from_state(current: TrainSpec) -> TrainSpec:
    return net_train_spec(k, current)


# ---- links ------------------------------------------------------------------------------------
def read_url() -> tuple[Experiment, list[str], tuple[bool, dict[str, str]]]:
    """Experiment, repair notes and compare mode (on, run B's overrides) from the page URL
    (never raises); a `lesson=` in it opens that lesson with the lesson's link."""
    params, notes = read_link()
    params, lesson_notes = with_lesson(params, LAB, LESSON_LAB)
    exp, more = read_params(params)
    return exp, notes + lesson_notes + more, read_compare(params)


def read_params(params: dict[str, list[str]]) -> tuple[Experiment, list[str]]:
    """Experiment and repair notes from a link's parameters (the page's, or a lesson's).

    Only a link naming a sequence task is read; another page's link opens the default quietly,
    a link with an unknown task opens it with a note. The task's size and split are the lab's
    own; the length, delay, noise, horizon and seed come from the link.
    """
    base = sequence_preset_experiment()
    name = (params.get("ds") or [""])[-1]
    if name not in SEQUENCE_SETS:
        keys = (MODEL_URL_KEY, *(f.url for f in FIELDS))
        foreign = name in DATASETS or not (name or any(key in params for key in keys))
        note = None if foreign else (
            f"This link names no task this lab knows ({name or 'no ds='}); it opens the "
            f"default. Tasks: {', '.join(SEQUENCE_SETS)}.")
        return base, [note] if note else []
    if MODEL_URL_KEY not in params:      # no stack in the link: the default preset, spelt
        base = sequence_preset_experiment(data=sequence_data(name))   # for this task
    exp, notes = Experiment.from_query(params, base=dataclasses.replace(
        base, data=sequence_data(name)))
    usual = sequence_data(name)
    ignored = [f.label for f in FIELDS if f.section == "data" and f.url in params
               and f.name not in (*DATA_KEYS, "dataset", "seed")
               and getattr(exp.data, f.name) != getattr(usual, f.name)]
    if ignored:
        notes.append(f"This lab generates each task at its usual size and split, so the "
                     f"link's {', '.join(ignored)} were left out.")
    values = {"dataset": name}
    kept = {n: getattr(exp.data, n) for n in DATA_KEYS
            if n == "noise" or applies("data", n, values)}
    exp = Experiment(sequence_data(name, seed=exp.data.seed, **kept), exp.model, exp.train)
    exp, fitted = fit_link_values(exp, {"data": tuple(kept), "train": TRAIN_KEYS})
    return exp, list(dict.fromkeys(notes + fitted))      # each note once


def write_url(exp: Experiment, *, compare: bool = False) -> None:
    """Make the address bar a link to this exact sequence experiment (in compare mode, with
    run B's changes)."""
    set_address(LAB, {**exp.to_query(), **(compare_link(CMP) if compare else {})})


def layer_pickers(where, plan_rows) -> tuple[str | None, str | None]:
    """Which recurrent layer's memory and which attention layer's maps to show (at first: the
    first recurrent layer, and the last attention layer, where the task's reading shows)."""
    from engine.spec.layers import ATTENTION, RECURRENT
    recurrent = [r.name for r in plan_rows if r.kind in RECURRENT]
    attention = [r.name for r in plan_rows if r.kind in ATTENTION]
    chosen = []
    for key, names, label in (("mem_layer", recurrent, "Memory of layer"),
                              ("attn_layer", attention, "Attention of layer")):
        if st.session_state.get(k(key)) not in names:
            st.session_state.pop(k(key), None)
        if len(names) > 1:
            first = len(names) - 1 if key == "attn_layer" else 0
            chosen.append(where.selectbox(label, names, index=first, key=k(key)))
        else:
            chosen.append(names[0] if names else None)
    return chosen[0], chosen[1]
