"""The image lab: build a conv net from blocks, train it live, see what every layer learns.

The controls describe an Experiment (plus how many training images to use); a trainer in
session state follows it, rebuilt only when data, network or loss change. One fragment draws
the views and then trains for the rest of each tick, so the rest of the page stays interactive.
"""
from __future__ import annotations

import threading
import time

import streamlit as st

from datasets import DATASETS, Dataset, DatasetError
from datasets.subset import take_train
from engine.build import plan_model
from engine.data import load_data
from engine.fields import SpecError
from engine.image_presets import DATA_DEFAULTS, DEFAULT_PRESET, IMAGE_PRESETS, IMAGE_SHAPES
from engine.inspect_images import conv_filters
from engine.layerspec import layers_from_text, layers_to_text
from engine.runtime import configure_torch
from engine.spec import Experiment, ModelSpec
from engine.train import Trainer, needs_rebuild
from ui.image_controls import (dataset_picker, full_train_size, is_available, k, read_url,
                               restore_missing, train_size_slider, train_spec_from_state,
                               training_controls, write_url)
from ui.image_input import image_picker
from ui.image_views import TICK, LiveState, draw_views, emit, train_rest
from ui.inside_panel import inside_panel
from ui.session import step_trainer
from ui.timeline_control import timeline_control
from ui.layer_editor import layer_editor, plan_panel, seed_stack, stack_from_state
from viz.images import class_gallery_html

KEY_TRAINER, KEY_EXP, KEY_SIZE, KEY_LOCK, KEY_NOTES = (
    k("trainer"), k("experiment"), k("trainer_size"), k("lock"), k("notes"))
KEY_LIVE, KEY_RUN, KEY_RUNS, KEY_DL_ERRORS = k("live"), k("run_id"), k("runs"), k("dl_errors")
INSIDE_TICK = 2.0     # the diagnostics refresh every 2 s while training (charts when paused)
SCALES = {"layer": "shared per layer", "map": "each map its own"}
MAX_RUNS = 20


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(dataset: str, _progress=None) -> Dataset:
    """A whole image set, shared by every session: safe because a Dataset is frozen and its
    arrays are read-only; and cheap, because cache_data would unpickle a copy per call."""
    return load_data(DATA_DEFAULTS[dataset], progress=_progress)


def _first_visit() -> None:
    """Open the experiment the link describes; a stack that cannot work opens the preset."""
    exp, size, notes = read_url()
    try:
        plan_model(exp.model, IMAGE_SHAPES[exp.data.dataset], DATASETS[exp.data.dataset].classes)
    except SpecError as exc:
        notes.append(f"{exc} Opened the {IMAGE_PRESETS[DEFAULT_PRESET].title} preset instead.")
        exp = Experiment(exp.data, ModelSpec(layers_from_text(
            IMAGE_PRESETS[DEFAULT_PRESET].layers)), exp.train)
    st.session_state.update({KEY_EXP: exp, KEY_NOTES: notes, KEY_LOCK: threading.Lock(),
                             KEY_LIVE: LiveState(), KEY_RUN: 0, KEY_RUNS: [],
                             KEY_DL_ERRORS: {}, k("train_size"): size})
    seed_stack(exp.model.layers)


def _download(name: str) -> None:
    """Fetch a download set with a progress bar; offline, say so and keep the current data."""
    title = DATASETS[name].title
    bar = st.progress(0.0, text=f"Downloading {title}…")

    def progress(done: int, total: int | None) -> None:
        bar.progress(min(done / total, 1.0) if total else 0.0,
                     text=f"Downloading {title}: {done / 1e6:.1f} MB")

    try:
        _load(name, _progress=progress)
        st.session_state[KEY_DL_ERRORS].pop(name, None)
        st.session_state[k("train_size")] = full_train_size(name)
    except DatasetError as exc:        # OfflineError included
        st.session_state[KEY_DL_ERRORS][name] = str(exc)
    bar.empty()


def _dataset_in_use() -> str:
    """The picked dataset when its images are here, else the one training now (or digits)."""
    picked = st.session_state[k("dataset")]
    if is_available(picked):
        return picked
    info = DATASETS[picked]
    if st.button(f"Download {info.title}", key=k("download"), type="primary",
                 help=info.description + " The files are cached, so this happens once."):
        _download(picked)
        if is_available(picked):
            return picked
    error = st.session_state[KEY_DL_ERRORS].get(picked)
    fallback = st.session_state[KEY_EXP].data.dataset
    fallback = fallback if is_available(fallback) else "digits"
    if error:
        kind = st.warning if "offline" in error else st.error
        kind(f"{error} The page keeps working with {DATASETS[fallback].title}.", icon="📡")
    else:
        st.info(f"{info.title} is not on this computer yet: press Download. Until then the "
                f"page uses {DATASETS[fallback].title}.")
    return fallback


def _record(trainer: Trainer, size: int) -> None:
    """Remember a finished run's best test accuracy, to compare with the next one."""
    if trainer.epoch == 0:
        return
    runs = st.session_state[KEY_RUNS]
    runs.insert(0, {"dataset": DATASETS[trainer.dataset.name].title,
                    "training images": size, "network": layers_to_text(
                        trainer.experiment.model.layers), "epochs": trainer.epoch,
                    "best test acc": float(max(trainer.history.column("test_acc")))})
    del runs[MAX_RUNS:]


def _sync_trainer(dataset: str, error: str | None) -> Trainer | None:
    """Make the session's trainer follow the controls (the model only when it works)."""
    current: Experiment = st.session_state[KEY_EXP]
    train = train_spec_from_state(current.train)
    trainer: Trainer | None = st.session_state.get(KEY_TRAINER)
    size = min(int(st.session_state[k("train_size")]), full_train_size(dataset))
    model = current.model if error else ModelSpec(stack_from_state())
    exp = Experiment(DATA_DEFAULTS[dataset], model, train)
    with st.session_state[KEY_LOCK]:
        rebuild = (trainer is None or needs_rebuild(trainer.experiment, exp)
                   or st.session_state.get(KEY_SIZE) != size)
        if rebuild:
            try:
                new = Trainer(exp, dataset=take_train(_load(dataset), size), device="cpu")
            except (SpecError, DatasetError) as exc:
                st.error(f"{exc}", icon="✋")
                return trainer
            if trainer is not None:
                _record(trainer, st.session_state[KEY_SIZE])
            trainer = new
            st.session_state[KEY_RUN] += 1
            st.session_state[KEY_SIZE] = size
        elif trainer.spec != exp.train:
            trainer.apply(exp.train)
    st.session_state[KEY_TRAINER], st.session_state[KEY_EXP] = trainer, trainer.experiment
    return trainer


def _reset() -> None:
    trainer = st.session_state.pop(KEY_TRAINER, None)
    if trainer is not None:
        _record(trainer, st.session_state[KEY_SIZE])


def image_lab() -> None:
    configure_torch()     # per OS thread (OpenMP), and every run gets a fresh thread
    if KEY_EXP not in st.session_state:
        _first_visit()
    exp: Experiment = st.session_state[KEY_EXP]
    restore_missing(exp, st.session_state.get(KEY_SIZE, full_train_size(exp.data.dataset)))
    st.markdown("### Image lab: what does each layer of a conv net learn?")
    with st.sidebar:
        st.subheader("Data")
        dataset_picker()
        dataset = _dataset_in_use()
        train_size_slider(dataset)
        st.subheader("Training")
        training_controls()
    for note in st.session_state[KEY_NOTES]:
        st.warning(note, icon="🔗")
    with st.expander("Network: the layer stack", expanded=True):
        left, right = st.columns([2.7, 1])
        with left:
            layer_editor()
        with right:
            error = plan_panel(stack_from_state(), IMAGE_SHAPES[dataset],
                               DATASETS[dataset].classes)
    trainer = _sync_trainer(dataset, error)
    if trainer is None:
        return
    _page_body(trainer)
    write_url(trainer.experiment, st.session_state[KEY_SIZE])


def _page_body(trainer: Trainer) -> None:
    """Play bar, image picker and the live fragment."""
    ds = trainer.dataset
    with st.expander(f"Samples per class: {DATASETS[ds.name].title}"):
        st.markdown(class_gallery_html(ds.x_train, ds.y_train, ds.class_names),
                    unsafe_allow_html=True)
    bar = st.columns([1, 1, 1, 1, 2.2, 2.2], vertical_alignment="bottom")
    playing = bar[0].toggle("Play", key=k("play"), help="Start or pause training. Settings "
                            "you change while it runs take effect at once.")
    bar[1].button("Step batch", key=k("step_batch"), on_click=step_trainer,
                      args=(KEY_TRAINER, KEY_LOCK, "batch"),
                  help="Train on one mini-batch, then stop.")
    bar[2].button("Step epoch", key=k("step_epoch"), on_click=step_trainer,
                      args=(KEY_TRAINER, KEY_LOCK, "epoch"),
                  help="Train one pass over the training images, then stop.")
    bar[3].button("Reset", key=k("reset"), on_click=_reset,
                  help="New random weights; data, network and settings stay.")
    scale = bar[4].radio("Feature-map colours", list(SCALES), key=k("scale"),
                         format_func=SCALES.get, horizontal=True,
                         help="Shared: one colour range per layer, to compare channels. Each "
                              "map its own: faint maps are stretched so their pattern shows.")
    deeper = [name for name, _ in conv_filters(trainer.model)][1:]
    if st.session_state.get(k("deep")) not in (None, *deeper):
        st.session_state.pop(k("deep"))
    deep = bar[5].selectbox("Weights of a deeper conv layer", deeper, key=k("deep"), index=None,
                            placeholder="pick a layer to show", disabled=not deeper,
                            help="Each filter of a deeper layer reads every map of the layer "
                                 "before: one small weight grid per input channel.")
    with st.container(key="il_timeline_slot"):    # a fixed slot: the live fragment below
        timeline_control(trainer, key_prefix="il",   # keeps its place (else a stale copy stays)
                         lock=st.session_state[KEY_LOCK], playing=playing)
    chosen = image_picker(ds)
    run_id = st.session_state[KEY_RUN]
    size = st.session_state[KEY_SIZE]

    @st.fragment(run_every=TICK if playing else None)
    def live() -> None:
        configure_torch()                 # a fragment rerun is a new thread too
        started = time.perf_counter()
        current = st.session_state[KEY_TRAINER]
        play = bool(st.session_state.get(k("play")))
        with st.session_state[KEY_LOCK]:
            frame, heavy = draw_views(current, st.session_state[KEY_LIVE], run_id, playing=play,
                                      image=chosen.image, true_class=chosen.true_class,
                                      scale=scale, deep_layer=deep, train_size=size)
        emit(current, frame, heavy, deep_layer=deep)
        with st.session_state[KEY_LOCK]:
            train_rest(current, started, playing=play)

    live()

    @st.fragment(run_every=INSIDE_TICK if playing else None)
    def inside() -> None:
        inside_panel(st.session_state[KEY_TRAINER], key_prefix="il",
                     lock=st.session_state[KEY_LOCK], charts=not st.session_state.get(k("play")))

    with st.expander("Inside the network: diagnostics and what each layer does over time"):
        inside()
    runs = st.session_state[KEY_RUNS]
    if runs:
        with st.expander(f"Your earlier runs ({len(runs)}): what did more data or another "
                         "network buy?"):
            st.dataframe(runs, hide_index=True, width="stretch",
                         column_config={"best test acc": st.column_config.NumberColumn(
                             format="percent")})


image_lab()
