"""The 2D playground: TF Playground's experience on a live PyTorch model.

Controls (sidebar) describe an Experiment; a trainer in session state follows it, rebuilt only
when data, network or loss change. One fragment trains for a time budget per tick and redraws
only itself, so the rest of the page stays interactive.
"""
from __future__ import annotations

import threading
from urllib.parse import urlencode

import streamlit as st

from engine.background import BackgroundTrainer
from engine.fields import SpecError
from engine.train import Trainer, needs_rebuild
from datasets import FEATURE_LABELS, FEATURES, DatasetError
from ui.experiment_state import (HIDE_KEY, VIEW_KEY, experiment_from_state, k, read_url,
                                 seed_state, write_url)
from ui.inside_panel import inside_panel
from ui.session import step_trainer
from ui.live_2d import OUTPUT, RENDERERS, capture, draw, neuron_names
from ui.playground_controls import (HIDABLE, data_controls, feature_controls, network_controls,
                                    training_controls)
from ui.timeline_control import timeline_control

(KEY_TRAINER, KEY_EXP, KEY_HIDE, KEY_NOTES, KEY_LOCK, KEY_RUNNER, KEY_VIEW, KEY_SERIAL,
 KEY_SELECTED, KEY_PENDING_FEATURE, KEY_LAST_CLICK) = (
    "pg_trainer", "pg_experiment", "pg_hidden", "pg_notes", "pg_lock", "pg_runner", "pg_renderer",
    "pg_frame_serial", "pg_selected", "pg_pending_feature", "pg_last_click")
TICK = 0.1            # seconds between live frames (10 updates/s)
INSIDE_TICK = 2.0     # the diagnostics refresh every 2 s while training (charts when paused)
SPEEDS = ("1 batch", "1 epoch", "full speed")


def _first_visit() -> None:
    """Open the experiment the link describes, noting anything that had to be repaired."""
    exp, notes, hide = read_url()
    notes += seed_state(exp)
    view = st.query_params.get(VIEW_KEY, RENDERERS[0])
    st.session_state.update({KEY_EXP: exp, KEY_HIDE: hide, KEY_NOTES: notes,
                             KEY_LOCK: threading.Lock(), k("speed"): "full speed",
                             KEY_SELECTED: OUTPUT, KEY_SERIAL: 0,
                             KEY_VIEW: view if view in RENDERERS else RENDERERS[0]})


def _runner(trainer: Trainer) -> BackgroundTrainer:
    """The session's background trainer, following the current trainer object."""
    runner = st.session_state.get(KEY_RUNNER)
    if runner is None or runner.trainer is not trainer:
        if runner is not None:
            runner.stop()
        runner = BackgroundTrainer(trainer, st.session_state[KEY_LOCK])
        st.session_state[KEY_RUNNER] = runner
    return runner


def _stop_runner() -> None:
    runner = st.session_state.get(KEY_RUNNER)
    if runner is not None:
        runner.stop()


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
    write_url(exp, st.session_state[KEY_HIDE], st.session_state[KEY_VIEW])
    return trainer


def _reset() -> None:
    _stop_runner()
    st.session_state.pop(KEY_TRAINER, None)


def _select_neuron() -> None:
    """A click on a neuron in the painter shows its map large; a click on the map goes back.

    Idempotent on purpose: Streamlit may deliver one trigger to this callback more than once.
    The choice lives in a plain key (not the picker's widget key): a click arrives in a fragment
    run, where a widget outside the fragment would put its own value back.
    """
    result = st.session_state.get("pg_painter")
    label = getattr(result, "select", None) if result is not None else None
    if label is None and isinstance(result, dict):
        label = result.get("select")
    if isinstance(label, str):
        st.session_state[KEY_SELECTED] = label


def _toggle_feature() -> None:
    """A click on an input neuron switches that input on or off (TF Playground's gesture).

    Applied on the next full run (widgets outside the live fragment own the checkboxes); the
    click's id makes sure one click toggles once even if the callback is delivered twice.
    """
    if "features" in st.session_state[KEY_HIDE]:
        return                             # classroom mode fixed the inputs
    result = st.session_state.get("pg_painter")
    event = result.get("feature") if hasattr(result, "get") else getattr(result, "feature", None)
    if isinstance(event, dict) and event.get("id") != st.session_state.get(KEY_LAST_CLICK):
        st.session_state[KEY_LAST_CLICK] = event.get("id")
        name = next((f for f, label in FEATURE_LABELS.items() if label == event.get("label")), None)
        if name is not None:
            st.session_state[KEY_PENDING_FEATURE] = name


def _apply_feature_click() -> None:
    name = st.session_state.pop(KEY_PENDING_FEATURE, None)
    if name is None:
        return
    on = [f for f in FEATURES if st.session_state.get(k("feat_" + f))]
    if name in on and len(on) == 1:
        st.toast("The network needs at least one input.", icon="✋")
        return
    st.session_state[k("feat_" + name)] = name not in on


def _pick_large() -> None:
    st.session_state[KEY_SELECTED] = st.session_state[k("large")]



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
    if not st.session_state.get(k("play")):
        _stop_runner()            # Pause takes effect before anything else is drawn
    runner = st.session_state.get(KEY_RUNNER)
    if runner is None:
        _page()
        return
    with runner.frame():          # a full run (a click) goes before training, like a frame
        _page()


def _sidebar(hidden: set[str]) -> None:
    with st.sidebar:
        st.subheader("Data")
        data_controls(hidden)
        feature_controls(hidden)
        st.subheader("Network")
        network_controls(hidden)
        st.subheader("Training")
        training_controls(hidden)


def _page() -> None:
    hidden: set[str] = st.session_state[KEY_HIDE]
    if "features" not in hidden:
        _apply_feature_click()
    # The live view is drawn before the sidebar, so a click (Pause) shows its effect before
    # ~60 sidebar widgets are sent; widget values are in session state either way. On the
    # first run the sidebar goes first so its widgets can fit link values to their ranges.
    sidebar_first = KEY_TRAINER not in st.session_state
    if sidebar_first:
        _sidebar(hidden)
    for note in st.session_state[KEY_NOTES]:
        st.warning(note, icon="🔗")
    trainer = _sync_trainer()
    if trainer is None:
        if not sidebar_first:
            _sidebar(hidden)      # the controls stay, so the student can fix what failed
        return
    bar = st.columns([1.1, 1, 1, 1, 2.2, 2.4])
    playing = bar[0].toggle("Play", key=k("play"), help="Start or pause training. Settings "
                            "you change while it runs take effect at once.")
    if "step" not in hidden:
        bar[1].button("Step batch", key=k("step_batch"), on_click=step_trainer,
                      args=(KEY_TRAINER, KEY_LOCK, "batch"),
                      help="Train on one mini-batch, then stop: watch a single update.")
        bar[2].button("Step epoch", key=k("step_epoch"), on_click=step_trainer,
                      args=(KEY_TRAINER, KEY_LOCK, "epoch"),
                      help="Train one pass over all training points, then stop.")
    if "reset" not in hidden:
        bar[3].button("Reset", key=k("reset"), on_click=_reset,
                      help="New random weights; the data and settings stay.")
    bar[4].select_slider("Speed", SPEEDS, key=k("speed"),
                         help="Slow motion trains one batch or one epoch per frame, so a class "
                              "can follow every step; full speed trains as much as it can.")
    options = [OUTPUT, *neuron_names(trainer)]
    if st.session_state.get(KEY_SELECTED) not in options:
        st.session_state[KEY_SELECTED] = OUTPUT
    st.session_state[k("large")] = st.session_state[KEY_SELECTED]
    bar[5].selectbox("Large view", options, key=k("large"), on_change=_pick_large,
                     help="Show the network output, or any neuron's own map, in the big view.")
    view = st.columns(3)
    show_test = view[0].toggle("Show test data", key=k("show_test"),
                               help="Draw the held-out test points as rings.")
    discretize = view[1].toggle("Discretize output", key=k("discretize"),
                                help="Show hard class decisions instead of confidence.")

    if "timeline" not in hidden:  # paused: scrub back; Play from the past forks a branch
        with st.container(key="pg_timeline_slot"):   # a fixed slot: the live fragment
            timeline_control(trainer, key_prefix="pg",  # below keeps its place in the page
                             lock=st.session_state[KEY_LOCK], playing=playing)

    @st.fragment(run_every=TICK if playing else None)
    def live() -> None:
        current, lock = st.session_state[KEY_TRAINER], st.session_state[KEY_LOCK]
        runner = _runner(current)
        speed = st.session_state.get(k("speed"), "full speed")
        going = bool(st.session_state.get(k("play"))) and not current.done
        if going and speed == "full speed":
            runner.keep_alive()           # trains between frames; stops if frames stop coming
        else:
            runner.stop()
            if going:
                with lock:
                    current.step(1) if speed == "1 batch" else current.step_epoch()
        if st.session_state.get(KEY_PENDING_FEATURE):
            st.rerun()                     # an input was clicked: rebuild with the new inputs
        with runner.frame():               # drawing goes first; training fills the gaps
            with lock:
                frame = capture(current)
            st.session_state[KEY_SERIAL] = st.session_state.get(KEY_SERIAL, 0) + 1
            draw(frame, current.dataset, show_test=show_test, discretize=discretize,
                 large=st.session_state.get(KEY_SELECTED, OUTPUT), playing=going,
                 renderer=st.session_state[KEY_VIEW], serial=st.session_state[KEY_SERIAL],
                 on_select=_select_neuron, on_feature=_toggle_feature)

    live()
    if not sidebar_first:
        _sidebar(hidden)

    @st.fragment(run_every=INSIDE_TICK if playing else None)
    def inside() -> None:
        current = st.session_state[KEY_TRAINER]
        with _runner(current).frame():
            inside_panel(current, key_prefix="pg", lock=st.session_state[KEY_LOCK],
                         charts=not st.session_state.get(k("play")))

    if "inside" not in hidden:
        with st.expander("Inside the network: diagnostics and what each layer does over time",
                         expanded=True):
            inside()
    with st.expander("Model summary"):
        rows = trainer.model.plan          # shapes inferred at build time (tested = summarize())
        st.dataframe([{"layer": r.name, "kind": r.kind, "what": r.description,
                       "output shape": "×".join(map(str, r.output_shape)), "parameters": r.params}
                      for r in rows], hide_index=True, width="stretch")
        st.caption(f"{sum(r.params for r in rows):,} trainable parameters")
    _share(hidden)


playground()
