"""The image lab: build a conv net from blocks, train it live, see what every layer learns.

Reads as a table of contents: the shared LabSession follows the controls (plus how many
training images to use), the shared play bar and live fragment train on the background thread
and draw, and this page adds its own views: feature maps, filters, probabilities, saliency,
the confusion matrix and the mistakes.
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

from datasets import DATASETS
from datasets.subset import take_train
from engine.inspect.images import capture_image
from engine.model.build import plan_model
from engine.spec import Experiment, ModelSpec, SpecError, layers_from_text
from engine.spec.presets import DATA_DEFAULTS, DEFAULT_PRESET, IMAGE_PRESETS, IMAGE_SHAPES
from engine.train import Trainer
from ui.controls.image_data import dataset_in_use, load_images
from ui.controls.image_input import image_picker
from ui.compare import read_compare
from ui.compare_page import compare_section, compare_switch
from ui.controls.images import (CMP, LAB, LESSON_LAB, augmentation_controls, dataset_picker,
                                deep_layer_picker, full_train_size, k, read_url,
                                restore_missing, seed_controls,
                                train_size_slider, train_spec_from_state, training_controls,
                                write_url)
from ui.controls.layer_editor import layer_editor, plan_panel, seed_stack, stack_from_state
from ui.lessons import lesson_changed
from ui.live import inside_view, live_view, play_bar
from ui.messages import show_warning
from ui.presentation import presentation_box
from ui.views.export import export_panel
from ui.views.jobs import hold_jobs
from ui.views.images import (augment_strip, cached_test_set, draw_image_frame,
                             draw_test_set)
from ui.views.lesson_bar import lesson_bar
from ui.views.runs import record_run, runs_table
from ui.views.transfer import (SOURCE_TEXT, read_transfer_link, seed_transfer, transfer_link,
                               transfer_open, transfer_panel)
from viz.images import class_gallery_html

TICK = 0.45           # seconds between live frames: 2.2 updates/s (feature maps are heavy)
# Run B may change the augmentation too (mirroring is left to run A: most sets forbid it)
B_AUGMENTATION = (("aug_shift", "aug_rotate", "aug_scale"), ("aug_noise", "aug_cutout"))
SCALES = {"layer": "shared per layer", "map": "each map its own"}


def _first_visit() -> None:
    """Open the experiment the link describes; a stack that cannot work opens the preset."""
    exp, size, notes, params = read_url()
    per_class, frozen, opened, transfer_notes = read_transfer_link(params)
    notes += transfer_notes
    compare, overrides = read_compare(params)
    try:
        plan_model(exp.model, IMAGE_SHAPES[exp.data.dataset], DATASETS[exp.data.dataset].classes,
                   batch_size=exp.train.batch_size)
    except SpecError as exc:
        notes.append(f"{exc} Opened the {IMAGE_PRESETS[DEFAULT_PRESET].title} preset instead.")
        exp = Experiment(exp.data, ModelSpec(layers_from_text(
            IMAGE_PRESETS[DEFAULT_PRESET].layers)), exp.train)
    LAB.open(notes)
    CMP.open_link(overrides)
    st.session_state.update({k("experiment"): exp, k("runs"): [], k("dl_errors"): {},
                             k("train_size"): size, k("frames"): 0, k("compare"): compare})
    seed_controls(exp, size)          # the lab may be opened again (a lesson): set every control
    seed_stack(exp.model.layers)
    seed_transfer(LAB, per_class, frozen, opened)


def _remember(old: Trainer) -> None:
    record_run(st.session_state[k("runs")], old)


def _view_options(cols, trainer: Trainer) -> None:
    cols[0].radio("Feature-map colours", list(SCALES), key=k("scale"), format_func=SCALES.get,
                  horizontal=True, help="Shared: one colour range per layer, to compare "
                  "channels. Each map its own: faint maps are stretched so their pattern shows.")


def _page() -> None:
    presentation_box(LAB)
    restore_missing(st.session_state[k("experiment")],
                    st.session_state.get(k("train_size"), 20))
    st.markdown("#### Image lab: what does each layer of a conv net learn?")
    comparing = bool(st.session_state.get(k("compare")))
    lesson = lesson_bar(LAB, follow=CMP if comparing else None)   # its goal is checked live
    with st.sidebar:
        st.subheader("Data")
        dataset_picker()
        dataset = dataset_in_use(st.session_state[k("experiment")].data.dataset)
        train_size_slider(dataset)
        st.subheader("Training")
        training_controls()
        augmentation_controls(dataset)
    for note in LAB.notes:
        show_warning(note)
    shape, n_classes = IMAGE_SHAPES[dataset], DATASETS[dataset].classes
    current: Experiment = st.session_state[k("experiment")]
    train = train_spec_from_state(current.train, dataset)
    with st.expander("Network: the layer stack", expanded=True, icon=":material/layers:"):
        layer_editor(shape, n_classes, train.batch_size)
        stack = stack_from_state()
        error = plan_panel(stack, shape, n_classes, train.batch_size)
    model = current.model if error else ModelSpec(stack)
    size = min(int(st.session_state[k("train_size")]), full_train_size(dataset))
    exp = Experiment(DATA_DEFAULTS[dataset], model, train)
    compare_switch(LAB)
    if comparing:
        _compare_body(exp, dataset, size, lesson)
        return
    CMP.stop()
    trainer = LAB.sync(exp, data=lambda: take_train(load_images(dataset), size),
                       rebuild_key=size, on_replace=_remember)
    if trainer is None:
        return
    st.session_state[k("experiment")] = trainer.experiment
    write_url(trainer.experiment, len(trainer.dataset.x_train), transfer_link(LAB))
    _body(trainer, lesson)


def _body(trainer: Trainer, lesson: Callable[[], None] | None) -> None:
    ds = trainer.dataset
    with st.expander(f"Samples per class: {DATASETS[ds.name].title}"):
        st.html(class_gallery_html(ds.x_train, ds.y_train, ds.class_names))
    augment_strip(LAB, trainer)
    play_bar(LAB, what="images", extra=lambda cols: _view_options(cols, trainer),
             on_reset=_remember)
    cols = st.columns([1, 1])
    deep = deep_layer_picker(cols[1], trainer)
    with cols[0]:
        chosen = image_picker(ds)
    scale = st.session_state.get(k("scale"), "layer")

    def capture(t: Trainer, recorder):
        return capture_image(t, recorder, chosen.image, deep), cached_test_set(LAB, t)

    def draw(frame) -> None:
        snap, view = frame
        with hold_jobs(LAB):          # a transfer job waits while a frame draws
            draw_image_frame(snap, class_names=ds.class_names, true_class=chosen.true_class,
                             scale=scale, deep_layer=deep, train_size=len(ds.x_train),
                             playing=LAB.playing)
            draw_test_set(view, ds.x_test, ds.class_names)

    live_view(LAB, capture=capture, draw=draw, tick=TICK, hold_training=False,
              after=lesson)
    inside_view(LAB, expanded=False)
    with st.expander(f"Transfer learning: reuse a network trained on digits {SOURCE_TEXT}",
                     icon=":material/move_up:", expanded=transfer_open(LAB)):
        transfer_panel(LAB)
    runs_table(st.session_state[k("runs")])
    export_panel(LAB, trainer)


def _compare_body(exp_a: Experiment, dataset: str, size: int,
                  lesson: Callable[[], None] | None) -> None:
    """Compare mode: run A (the controls above) and run B (A plus what B changes) on the same
    training images."""
    compare_section(LAB, CMP, exp_a, tick=TICK, what="images", more=B_AUGMENTATION,
                    rebuild_key=size, hold_training=False, lesson=lesson,
                    data=lambda _exp: take_train(load_images(dataset), size),
                    write_link=lambda pair: write_url(exp_a, len(pair.a.dataset.x_train),
                                                      compare=True))


def _held_page() -> None:
    with hold_jobs(LAB):              # background jobs wait while a click's run draws
        _page()


def image_lab() -> None:
    LAB.run_page(_first_visit, _held_page, reopen=lesson_changed(LAB, LESSON_LAB))


image_lab()
