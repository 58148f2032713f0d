"""The data lab: a table of your own (or a bundled one, or a synthetic loan table with a
sensitive group), a dense network trained live, what its last hidden layer learned, classic
machine learning on the same split, learning curves, and per-group metrics for bias.

Reads as a table of contents: the shared LabSession follows the controls, the shared play bar
and live fragment train on the background thread and draw; the lab's own views are in
ui.views.tables, its controls in ui.controls.tables and ui.controls.table_upload.
"""
from __future__ import annotations

import streamlit as st

from datasets import DATASETS
from datasets.table import Table
from engine.inspect.run import run_state
from engine.inspect.tabular import capture_table, fit_plane
from engine.spec import Experiment, ModelSpec
from engine.train import Trainer
from ui.controls.layer_editor import layer_editor, plan_panel, seed_stack, stack_from_state
from ui.controls.table_upload import prepared_upload, upload_controls
from ui.controls.tables import (CMP, LAB, LESSON_LAB, bundled_table, data_spec_from_state,
                                editor, k, loan_controls, loan_table, read_url,
                                remedy_controls, restore_missing, seed_controls, table_picker,
                                train_spec_from_state, training_controls, write_url)
from ui.compare_page import compare_section, compare_switch
from ui.lessons import lesson_changed
from ui.live import inside_view, live_view, play_bar
from ui.messages import show_info, show_warning
from ui.views.lesson_bar import lesson_bar
from ui.views.jobs import hold_jobs
from ui.views.tables import (baselines_panel, curve_panel, draw_frame, importance_panel,
                             row_panel, table_notes)

TICK = 0.5            # seconds between live frames (2 updates/s)


def _first_visit() -> None:
    exp, extra, notes, (compare, overrides) = read_url()
    LAB.open(notes)
    CMP.open_link(overrides)
    st.session_state[k("compare")] = compare
    st.session_state[k("experiment")] = exp
    st.session_state[k("extra")] = extra
    seed_controls(exp, extra)
    seed_stack(exp.model.layers, editor())


def _table(name: str, data) -> tuple[Table | None, object]:
    """The chosen table and the key that names it (a new key rebuilds the network)."""
    balance = bool(st.session_state[k("balance")])
    reweigh = bool(st.session_state[k("reweigh")])
    if name == "loan":
        args = (data.n_samples, data.train_ratio, data.seed,
                float(st.session_state[k("minor")]), float(st.session_state[k("lbias")]),
                balance, reweigh)
        return loan_table(*args), ("loan", *args)
    if name == "csv":
        upload = upload_controls()
        if upload is None:
            return None, None
        digest, frame = upload
        table = prepared_upload(digest, frame, data.train_ratio, data.seed, balance, reweigh)
        key = ("csv", digest, st.session_state[k("target")], st.session_state[k("sensitive")],
               data.train_ratio, data.seed, balance, reweigh)
        return table, key
    return bundled_table(name, data.train_ratio, data.seed), (name, data.train_ratio, data.seed)


def _page() -> None:
    current: Experiment = st.session_state[k("experiment")]
    restore_missing(current, st.session_state.get(k("extra"), {}))
    st.markdown("#### Data lab: your table, deep learning against classic ML, and bias")
    comparing = bool(st.session_state.get(k("compare")))
    lesson = lesson_bar(LAB, follow=CMP if comparing else None)
    with st.sidebar:
        st.subheader("Table")
        name = table_picker()
        if name == "loan":
            loan_controls()
        data = data_spec_from_state()
        table, data_key = _table(name, data)
        if table is not None and table.sensitive:    # remedies need a sensitive column
            remedy_controls()
        st.subheader("Training")
        training_controls()
    for note in LAB.notes:
        show_warning(note)
    if table is None:
        if st.session_state.get(k("upload")) is not None:
            show_info("This file cannot be used as it is: the message in the sidebar says "
                      "why. Fix it and upload it again, choose another column, or pick a "
                      "bundled table.", icon=":material/upload_file:")
        else:
            show_info("Upload a CSV file in the sidebar (a header row, then one row per "
                      "example), or pick a bundled table. A link cannot carry a file: after "
                      "opening one, upload the CSV again.", icon=":material/upload_file:")
        return
    ds = table.dataset
    table_notes(table)
    train = train_spec_from_state(current.train)
    ed = editor()
    with st.expander("Network: the layer stack", expanded=False, icon=":material/layers:"):
        layer_editor(ds.input_shape, ds.n_outputs, train.batch_size, ed)
        stack = stack_from_state(ed)
        error = plan_panel(stack, ds.input_shape, ds.n_outputs, train.batch_size, ed)
    model = current.model if error else ModelSpec(stack)
    compare_switch(LAB)
    if comparing:
        exp = Experiment(data, model, train)
        compare_section(LAB, CMP, exp, tick=TICK, what="rows", data=lambda _exp: ds,
                        rebuild_key=data_key, lesson=lesson,
                        write_link=lambda _pair: write_url(exp, compare=True))
        return
    CMP.stop()
    trainer = LAB.sync(Experiment(data, model, train), data=lambda: ds, rebuild_key=data_key)
    if trainer is None:
        return
    st.session_state[k("experiment")] = trainer.experiment
    write_url(trainer.experiment)
    _body(trainer, table, data_key, lesson)


def _plane(table: Table, data_key):
    """The training inputs' principal plane, once per table."""
    held = st.session_state.get(k("plane"))
    if held is None or held[0] != data_key:
        held = (data_key, fit_plane(table.dataset.x_train))
        st.session_state[k("plane")] = held
    return held[1]


def _positive(table: Table) -> int | None:
    """Which class counts as positive for the per-group rates (loan: approved)."""
    classes = table.dataset.class_names
    if not table.sensitive or len(classes) < 2:
        return None
    default = "approved" if "approved" in classes else classes[-1]
    if st.session_state.get(k("positive")) not in classes:
        st.session_state[k("positive")] = default
    return classes.index(st.session_state[k("positive")])


def _body(trainer: Trainer, table: Table, data_key, lesson) -> None:
    ds = trainer.dataset
    kind = "classes: " + ", ".join(ds.class_names) if ds.class_names else "a number to predict"
    st.caption(f"{DATASETS[ds.name].title}: {len(ds.x_train):,} training and "
               f"{len(ds.x_test):,} test rows, {ds.input_shape[0]} input columns "
               f"(after one-hot encoding), {kind}")
    play_bar(LAB, what="rows")
    if table.sensitive and ds.class_names:
        st.selectbox("Positive class (for the group rates)", ds.class_names, key=k("positive"),
                     help="False positive and false negative rates count this class as "
                          "'yes'; every other class is 'no'.")
    positive = _positive(table)
    plane = _plane(table, data_key)

    def capture(t: Trainer, recorder):
        return run_state(t, recorder), capture_table(t, plane)

    def draw(frame) -> None:
        run, snap = frame
        with hold_jobs(LAB):
            draw_frame(run, snap, table, plane.explained, positive, LAB.playing)

    live_view(LAB, capture=capture, draw=draw, tick=TICK, after=lesson)
    with st.expander("Classic machine learning on the same split", expanded=True,
                     icon=":material/table_chart:"):
        baselines_panel(LAB, table, data_key, trainer.experiment.train.seed)
    with st.expander("Learning curve: how much data does each model need?",
                     icon=":material/show_chart:"):
        curve_panel(LAB, table, data_key, trainer.experiment, trainer.experiment.data.seed)
    with st.expander("Which inputs matter? Network and forest side by side",
                     icon=":material/bar_chart:"):
        importance_panel(LAB, table, data_key, trainer.experiment.train.seed)
    with st.expander("Why this row? Per-feature contributions", icon=":material/search:"):
        row_panel(LAB, table, data_key)
    inside_view(LAB, expanded=False)


def _held_page() -> None:
    with hold_jobs(LAB):           # background jobs wait while a click's run draws
        _page()


def data_lab() -> None:
    LAB.run_page(_first_visit, _held_page, reopen=lesson_changed(LAB, LESSON_LAB))


data_lab()
