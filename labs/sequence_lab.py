"""The sequence lab: recurrent networks and a tiny Transformer, trained live on series, memory
tasks and toy text, with their memory, gradients through time and attention made visible.

Reads as a table of contents: the shared LabSession follows the controls, the shared play bar
and live fragment train on the background thread and draw, and this page adds its own views
(ui.views.sequences): the chosen example, memory, gradients through time, attention, the
memory sweep and, for the text tasks, a free-run generator.
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

from datasets import DATASETS
from engine.inspect.run import run_state
from engine.spec import Experiment, ModelSpec
from engine.spec.presets import DEFAULT_SEQUENCE_PRESET, SEQUENCE_PRESETS
from engine.train import Trainer
from ui.controls.layer_editor import layer_editor, plan_panel, seed_stack, stack_from_state
from ui.controls.sequences import (CMP, LAB, LESSON_LAB, data_spec_from_state, editor, k,
                                   layer_pickers, load_sequences, matching_preset, plan_error,
                                   preset_layers,
                                   read_url, restore_missing, seed_controls, task_controls,
                                   train_spec_from_state, training_controls, write_url)
from ui.compare_page import compare_section, compare_switch
from ui.lessons import lesson_changed
from ui.live import follow_view, inside_view, live_view, play_bar
from ui.messages import show_warning
from ui.presentation import presentation_box
from ui.views.export import export_panel
from ui.views.lesson_bar import lesson_bar
from ui.views.sequences import (cached_example, draw_example_view, draw_run_view,
                                generator_panel, sweep_panel)

TICK = 0.5            # seconds between live frames: numbers and curves (2 updates/s)
HEAVY_TICK = 3.0      # seconds between frames of the heatmaps (example, memory, attention):
                      # the browser redraws each plotly chart it gets, on the cores training
                      # needs (bench: 1.5 s gave 0.73x a bare loop, 3 s 0.82x)


def _first_visit() -> None:
    """Open the experiment the link describes; a stack that cannot read its task opens the
    preset instead, with a note."""
    exp, notes, (compare, overrides) = read_url()
    ds = load_sequences(exp.data)
    error = plan_error(exp, ds)
    if error:
        title = SEQUENCE_PRESETS[DEFAULT_SEQUENCE_PRESET].title
        notes.append(f"{error} Opened the {title} preset instead.")
        exp = Experiment(exp.data, ModelSpec(preset_layers(DEFAULT_SEQUENCE_PRESET,
                                                           exp.data.dataset)), exp.train)
    LAB.open(notes)
    CMP.open_link(overrides)
    st.session_state.update({k("experiment"): exp, k("sweeps"): None, k("compare"): compare,
                             k("generated"): None, k("example_index"): 0})
    seed_controls(exp)
    st.session_state[k("preset")] = matching_preset(exp.model.layers, exp.data.dataset)
    seed_stack(exp.model.layers, editor(exp.data.dataset, ds))


def _page() -> None:
    presentation_box(LAB)
    current: Experiment = st.session_state[k("experiment")]
    restore_missing(current)
    for key, value in ((k("temperature"), 0.8), (k("n_chars"), 120), (k("prompt"), ""),
                       (k("example_index"), 0)):
        st.session_state.setdefault(key, value)
    st.markdown("#### Sequence lab: how do networks remember, and where do they look?")
    comparing = bool(st.session_state.get(k("compare")))
    lesson = lesson_bar(LAB, follow=CMP if comparing else None)
    with st.sidebar:
        st.subheader("Task")
        name = task_controls()
        st.subheader("Training")
        training_controls()
    for note in LAB.notes:
        show_warning(note)
    data = data_spec_from_state(name)
    ds = load_sequences(data)
    train = train_spec_from_state(current.train)
    ed = editor(name, ds)
    with st.expander("Network: the layer stack", expanded=True, icon=":material/layers:"):
        layer_editor(ds.input_shape, ds.n_outputs, train.batch_size, ed)
        stack = stack_from_state(ed)
        error = plan_panel(stack, ds.input_shape, ds.n_outputs, train.batch_size, ed)
    if error and plan_error(Experiment(data, current.model, train), ds):
        return                        # the last network that worked cannot read this task
    model = current.model if error else ModelSpec(stack)
    compare_switch(LAB)
    if comparing:
        exp = Experiment(data, model, train)
        compare_section(LAB, CMP, exp, tick=TICK, what="sequences", hold_training=False,
                        data=lambda _exp: ds, lesson=lesson,
                        write_link=lambda _pair: write_url(exp, compare=True))
        return
    CMP.stop()
    trainer = LAB.sync(Experiment(data, model, train), data=lambda: ds)
    if trainer is None:
        return
    st.session_state[k("experiment")] = trainer.experiment
    write_url(trainer.experiment)
    _body(trainer, lesson)


def _body(trainer: Trainer, lesson: Callable[[], None] | None) -> None:
    ds = trainer.dataset
    st.caption(f"{DATASETS[ds.name].title}: {DATASETS[ds.name].description} · "
               f"{len(ds.x_train):,} training and {len(ds.x_test):,} test sequences of "
               f"{ds.input_shape[0]} steps")
    play_bar(LAB, what="sequences")
    cols = st.columns([1, 1, 1])
    if st.session_state[k("example_index")] >= len(ds.x_test):
        st.session_state[k("example_index")] = 0
    index = int(cols[0].number_input("Example (test set)", 0, len(ds.x_test) - 1,
                                     key=k("example_index"),
                                     help="Which test sequence the views below read."))
    memory_layer, attention_layer = layer_pickers(cols[1], trainer.plan)

    live_view(LAB, capture=run_state, draw=lambda run: draw_run_view(run, LAB.playing),
              tick=TICK, hold_training=False, after=lesson)
    follow_view(LAB, capture=lambda t, recorder: cached_example(LAB, t, index),
                draw=lambda snap: draw_example_view(snap, ds, memory_layer=memory_layer,
                                                    attention_layer=attention_layer),
                tick=HEAVY_TICK, name="example")
    with st.expander("Memory sweep: how far does the memory reach?", icon=":material/timeline:"):
        sweep_panel(LAB, trainer)
    if DATASETS[ds.name].next_token:
        with st.expander("Let it write: free-run text", expanded=True,
                         icon=":material/edit_note:"):
            generator_panel(LAB)
    inside_view(LAB, expanded=False)
    export_panel(LAB, trainer)


def sequence_lab() -> None:
    LAB.run_page(_first_visit, _page, reopen=lesson_changed(LAB, LESSON_LAB))


sequence_lab()
