"""The 2D playground: TF Playground's experience on a live PyTorch model.

Controls (sidebar) describe an Experiment; a trainer in session state follows it, rebuilt only
when data, network or loss change. One fragment trains for a time budget per tick and redraws
only itself, so the rest of the page stays interactive.
"""
from __future__ import annotations

import threading
from urllib.parse import urlencode

import streamlit as st

from engine.fields import SpecError
from engine.train import Trainer, needs_rebuild
from datasets import DatasetError
from ui.experiment_state import (HIDE_KEY, experiment_from_state, k, read_url, seed_state,
                                 write_url)
from ui.live_2d import OUTPUT, draw, neuron_names
from ui.playground_controls import (HIDABLE, data_controls, feature_controls, network_controls,
                                    training_controls)

KEY_TRAINER, KEY_EXP, KEY_HIDE, KEY_NOTES, KEY_LOCK = (
    "pg_trainer", "pg_experiment", "pg_hidden", "pg_notes", "pg_lock")
TICK = 0.1            # seconds between live frames (10 updates/s)
BUDGET = 0.05         # seconds of training per frame at full speed
SPEEDS = ("1 batch", "1 epoch", "full speed")


def _first_visit() -> None:
    """Open the experiment the link describes, noting anything that had to be repaired."""
    exp, notes, hide = read_url()
    notes += seed_state(exp)
    st.session_state.update({KEY_EXP: exp, KEY_HIDE: hide, KEY_NOTES: notes,
                             KEY_LOCK: threading.Lock(), k("speed"): "full speed",
                             k("large"): OUTPUT})


def _sync_trainer() -> Trainer | None:
    """Make the session's trainer follow the controls; returns None if none can be built."""
    current = st.session_state[KEY_EXP]
    try:
        exp = experiment_from_state(current).validated()
    except SpecError as exc:
        st.error(f"{exc}", icon="✋")
        exp = current
    trainer = st.session_state.get(KEY_TRAINER)
    with st.session_state[KEY_LOCK]:
        if trainer is None or needs_rebuild(trainer.experiment, exp):
            try:
                trainer = Trainer(exp, device="cpu")
            except (SpecError, DatasetError) as exc:
                st.error(f"{exc}", icon="✋")
                return st.session_state.get(KEY_TRAINER)
        elif trainer.spec != exp.train:
            trainer.apply(exp.train)
    st.session_state[KEY_TRAINER], st.session_state[KEY_EXP] = trainer, exp
    write_url(exp, st.session_state[KEY_HIDE])
    return trainer


def _step(kind: str) -> None:
    trainer = st.session_state.get(KEY_TRAINER)
    if trainer is not None:
        with st.session_state[KEY_LOCK]:
            trainer.step(1) if kind == "batch" else trainer.step_epoch()


def _reset() -> None:
    st.session_state.pop(KEY_TRAINER, None)


def _share(hidden: set[str]) -> None:
    with st.expander("Share this experiment · classroom mode"):
        st.caption("The address bar always holds this exact experiment: copy it to share. "
                   "For class, pick controls to hide and share the link below; students who "
                   "open it see only what is left.")
        hide = st.multiselect("Hide these controls", list(HIDABLE), key=k("classroom_hide"),
                              format_func=HIDABLE.get, default=sorted(hidden))
        params = st.session_state[KEY_EXP].to_query()
        if hide:
            params[HIDE_KEY] = ",".join(hide)
        base = str(st.context.url).split("?")[0] if st.context.url else ""
        st.code(f"{base}?{urlencode(params)}", language=None, wrap_lines=True)


def playground() -> None:
    if KEY_EXP not in st.session_state:
        _first_visit()
    hidden: set[str] = st.session_state[KEY_HIDE]
    with st.sidebar:
        st.subheader("Data")
        data_controls(hidden)
        feature_controls(hidden)
        st.subheader("Network")
        network_controls(hidden)
        st.subheader("Training")
        training_controls(hidden)
    for note in st.session_state[KEY_NOTES]:
        st.warning(note, icon="🔗")
    trainer = _sync_trainer()
    if trainer is None:
        return
    bar = st.columns([1.1, 1, 1, 1, 2.2, 2.4])
    playing = bar[0].toggle("Play", key=k("play"), help="Start or pause training. Settings "
                            "you change while it runs take effect at once.")
    if "step" not in hidden:
        bar[1].button("Step batch", key=k("step_batch"), on_click=_step, args=("batch",),
                      help="Train on one mini-batch, then stop: watch a single update.")
        bar[2].button("Step epoch", key=k("step_epoch"), on_click=_step, args=("epoch",),
                      help="Train one pass over all training points, then stop.")
    if "reset" not in hidden:
        bar[3].button("Reset", key=k("reset"), on_click=_reset,
                      help="New random weights; the data and settings stay.")
    bar[4].select_slider("Speed", SPEEDS, key=k("speed"),
                         help="Slow motion trains one batch or one epoch per frame, so a class "
                              "can follow every step; full speed trains as much as it can.")
    options = [OUTPUT, *neuron_names(trainer)]
    if st.session_state.get(k("large")) not in options:
        st.session_state[k("large")] = OUTPUT
    bar[5].selectbox("Large view", options, key=k("large"),
                     help="Show the network output, or any neuron's own map, in the big view.")
    view = st.columns(3)
    show_test = view[0].toggle("Show test data", key=k("show_test"),
                               help="Draw the held-out test points as rings.")
    discretize = view[1].toggle("Discretize output", key=k("discretize"),
                                help="Show hard class decisions instead of confidence.")

    @st.fragment(run_every=TICK if playing else None)
    def live() -> None:
        current = st.session_state[KEY_TRAINER]
        with st.session_state[KEY_LOCK]:
            if st.session_state.get(k("play")) and not current.done:
                speed = st.session_state.get(k("speed"), "full speed")
                if speed == "1 batch":
                    current.step(1)
                elif speed == "1 epoch":
                    current.step_epoch()
                else:
                    current.run_for(BUDGET)
            draw(current, show_test=show_test, discretize=discretize,
                 large=st.session_state.get(k("large"), OUTPUT))

    live()
    with st.expander("Model summary"):
        rows = trainer.model.plan          # shapes inferred at build time (tested = summarize())
        st.dataframe([{"layer": r.name, "kind": r.kind, "what": r.description,
                       "output shape": "×".join(map(str, r.output_shape)), "parameters": r.params}
                      for r in rows], hide_index=True, width="stretch")
        st.caption(f"{sum(r.params for r in rows):,} trainable parameters")
    _share(hidden)


playground()
