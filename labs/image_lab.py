"""The image lab: build a conv net from blocks, train it live, see what every layer learns.

Reads as a table of contents: the shared LabSession follows the controls (plus how many
training images to use), the shared play bar and live fragment train on the background thread
and draw, and this page adds its own views: feature maps, filters, probabilities, saliency,
the confusion matrix and the mistakes.
"""
from __future__ import annotations

import streamlit as st

from datasets import DATASETS, Dataset, DatasetError
from datasets.subset import take_train
from engine.data import load_data
from engine.inspect.images import capture_image, score_test_set
from engine.model.build import plan_model
from engine.spec import Experiment, ModelSpec, SpecError, layers_from_text, layers_to_text
from engine.spec.presets import DATA_DEFAULTS, DEFAULT_PRESET, IMAGE_PRESETS, IMAGE_SHAPES
from engine.train import Trainer
from ui.controls.image_input import image_picker
from ui.controls.images import (LAB, dataset_picker, full_train_size, is_available, k, read_url,
                                restore_missing, train_size_slider, train_spec_from_state,
                                training_controls, write_url)
from ui.controls.layer_editor import layer_editor, plan_panel, seed_stack, stack_from_state
from ui.live import inside_view, live_view, play_bar
from ui.views.images import HEAVY_EVERY, draw_image_frame, draw_test_set
from viz.images import class_gallery_html

TICK = 0.45           # seconds between live frames: 2.2 updates/s (feature maps are heavy)
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
    LAB.open(notes)
    st.session_state.update({k("experiment"): exp, k("runs"): [], k("dl_errors"): {},
                             k("train_size"): size, k("frames"): 0})
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
        st.session_state[k("dl_errors")].pop(name, None)
        st.session_state[k("train_size")] = full_train_size(name)
    except DatasetError as exc:        # OfflineError included
        st.session_state[k("dl_errors")][name] = str(exc)
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
    error = st.session_state[k("dl_errors")].get(picked)
    fallback = st.session_state[k("experiment")].data.dataset
    fallback = fallback if is_available(fallback) else "digits"
    if error:
        kind = st.warning if "offline" in error else st.error
        kind(f"{error} The page keeps working with {DATASETS[fallback].title}.",
             icon=":material/wifi_off:")
    else:
        st.info(f"{info.title} is not on this computer yet: press Download. Until then the "
                f"page uses {DATASETS[fallback].title}.")
    return fallback


def _record(trainer: Trainer) -> None:
    """Remember a finished run's best test accuracy, to compare with the next one."""
    if trainer.epoch == 0:
        return
    runs = st.session_state[k("runs")]
    runs.insert(0, {"dataset": DATASETS[trainer.dataset.name].title,
                    "training images": len(trainer.dataset.x_train),
                    "network": layers_to_text(trainer.experiment.model.layers),
                    "epochs": trainer.epoch,
                    "best test acc": float(max(trainer.history.column("test_acc")))})
    del runs[MAX_RUNS:]


def _view_options(cols, trainer: Trainer) -> None:
    cols[0].radio("Feature-map colours", list(SCALES), key=k("scale"), format_func=SCALES.get,
                  horizontal=True, help="Shared: one colour range per layer, to compare "
                  "channels. Each map its own: faint maps are stretched so their pattern shows.")


def _page() -> None:
    restore_missing(st.session_state[k("experiment")],
                    st.session_state.get(k("train_size"), 20))
    st.markdown("#### Image lab: what does each layer of a conv net learn?")
    with st.sidebar:
        st.subheader("Data")
        dataset_picker()
        dataset = _dataset_in_use()
        train_size_slider(dataset)
        st.subheader("Training")
        training_controls()
    for note in LAB.notes:
        st.warning(note, icon=":material/link:")
    shape, n_classes = IMAGE_SHAPES[dataset], DATASETS[dataset].classes
    with st.expander("Network: the layer stack", expanded=True, icon=":material/layers:"):
        layer_editor(shape, n_classes)
        error = plan_panel(stack_from_state(), shape, n_classes)
    current: Experiment = st.session_state[k("experiment")]
    model = current.model if error else ModelSpec(stack_from_state())
    size = min(int(st.session_state[k("train_size")]), full_train_size(dataset))
    exp = Experiment(DATA_DEFAULTS[dataset], model, train_spec_from_state(current.train))
    trainer = LAB.sync(exp, lambda e: Trainer(e, dataset=take_train(_load(dataset), size),
                                              device="cpu"),
                       rebuild_key=size, on_replace=_record)
    if trainer is None:
        return
    st.session_state[k("experiment")] = trainer.experiment
    write_url(trainer.experiment, len(trainer.dataset.x_train))
    _body(trainer)


def _body(trainer: Trainer) -> None:
    ds = trainer.dataset
    with st.expander(f"Samples per class: {DATASETS[ds.name].title}"):
        st.html(class_gallery_html(ds.x_train, ds.y_train, ds.class_names))
    play_bar(LAB, what="images", extra=lambda cols: _view_options(cols, trainer))
    deeper = [f"{r.name}" for r in trainer.model.plan if r.kind in ("conv2d",)][1:]
    if st.session_state.get(k("deep")) not in (None, *deeper):
        st.session_state.pop(k("deep"))
    cols = st.columns([1, 1])
    deep = cols[1].selectbox("Weights of a deeper conv layer", deeper, key=k("deep"),
                             index=None, placeholder="pick a layer to show",
                             disabled=not deeper,
                             help="Each filter of a deeper layer reads every map of the layer "
                                  "before: one small weight grid per input channel.")
    with cols[0]:
        chosen = image_picker(ds)
    scale = st.session_state.get(k("scale"), "layer")

    def capture(t: Trainer, recorder):
        """The frame, and every HEAVY_EVERY frames (or when paused and stale) the test set."""
        st.session_state[k("frames")] += 1
        view = st.session_state.get(k("test_set"))
        stale = (view is None or st.session_state.get(k("test_set_run")) != LAB.run_id
                 or (st.session_state[k("frames")] % HEAVY_EVERY == 0 if LAB.playing
                     else view.steps != t.steps))
        if stale:
            st.session_state[k("test_set")] = score_test_set(t)
            st.session_state[k("test_set_run")] = LAB.run_id
        return capture_image(t, recorder, chosen.image, deep), st.session_state[k("test_set")]

    def draw(frame) -> None:
        snap, view = frame
        draw_image_frame(snap, class_names=ds.class_names, true_class=chosen.true_class,
                         scale=scale, deep_layer=deep, train_size=len(ds.x_train),
                         playing=LAB.playing)
        draw_test_set(view, ds.x_test, ds.class_names)

    live_view(LAB, capture=capture, draw=draw, tick=TICK)
    inside_view(LAB, expanded=False)
    runs = st.session_state[k("runs")]
    if runs:
        with st.expander(f"Your earlier runs ({len(runs)}): what did more data or another "
                         "network buy?"):
            st.dataframe(runs, hide_index=True, width="stretch",
                         column_config={"best test acc": st.column_config.NumberColumn(
                             format="percent")})


def image_lab() -> None:
    if not LAB.opened:
        _first_visit()
    if not LAB.playing:
        LAB.stop()                    # Pause takes effect before anything else is drawn
    with LAB.frame():
        _page()


image_lab()
