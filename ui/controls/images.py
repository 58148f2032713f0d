"""Sidebar controls of the image lab (data and training), and its experiment <-> state <-> URL.

Widgets keep their values under `il_` session keys. Streamlit forgets a widget's value when a
run does not draw it (another page was open), so `restore_missing` puts any forgotten value
back from the page's current Experiment before the widgets are drawn.
"""
from __future__ import annotations

import streamlit as st

from datasets import DATASETS
from datasets.mnist import is_cached
from engine.spec import Experiment, TrainSpec
from engine.spec.fields import FIELDS, FIELDS_BY_NAME, MODEL_URL_KEY
from engine.spec.presets import DATA_DEFAULTS, IMAGE_SETS, preset_experiment
from engine.train.augment import augmenting
from ui.address import set_address
from ui.compare import CompareSession, compare_link, read_compare
from ui.controls.fields import (NET_TRAIN_KEYS, fit_link_values, net_train_spec,
                               net_training_controls)
from ui.lessons import with_lesson
from ui.links import read_link
from ui.session import LabSession

LAB = LabSession("il")
k = LAB.key
CMP = CompareSession("ilc")   # compare mode: runs A (the controls) and B (A plus B's changes)
LESSON_LAB = "images"         # what a lesson file's `lab` names this page
TRAIN_SIZE_KEY = "ntr"        # URL key of the training-set size (the page's own setting)
AUG_KEYS = ("aug_shift", "aug_rotate", "aug_scale", "aug_flip", "aug_noise", "aug_cutout")
TRAIN_KEYS = NET_TRAIN_KEYS + AUG_KEYS


def full_train_size(dataset: str) -> int:
    """Training examples the dataset's fixed split holds (the slider's maximum)."""
    spec = DATA_DEFAULTS[dataset]
    return int(spec.n_samples * spec.train_ratio)


def is_available(dataset: str) -> bool:
    """Offline sets always; download sets once their files are in the cache."""
    return not DATASETS[dataset].needs_download or is_cached(dataset)


def _control_values(exp: Experiment, train_size: int) -> dict:
    return {k("dataset"): exp.data.dataset, k("train_size"): train_size,
            **{k("train_" + n): getattr(exp.train, n) for n in TRAIN_KEYS},
            k("train_aug_flip"): bool(exp.train.aug_flip)}      # a checkbox holds a bool


def restore_missing(exp: Experiment, train_size: int) -> None:
    """Seed every control key that is absent (first visit, or back from another page)."""
    for key, value in _control_values(exp, train_size).items():
        if key not in st.session_state:
            st.session_state[key] = value


def seed_controls(exp: Experiment, train_size: int) -> None:
    """Set every control to the experiment (the lab opened again, e.g. by a lesson)."""
    st.session_state.update(_control_values(exp, train_size))


def _dataset_changed() -> None:
    """A new dataset starts with all its training images (and unmirrored, if it must be)."""
    dataset = st.session_state[k("dataset")]
    st.session_state[k("train_size")] = full_train_size(dataset)
    if not DATASETS[dataset].flips:
        st.session_state[k("train_aug_flip")] = False


def dataset_picker() -> None:
    """The image-set picker (its data may still need a download: see the page)."""
    st.selectbox("Dataset", IMAGE_SETS, key=k("dataset"), on_change=_dataset_changed,
                 format_func=lambda n: DATASETS[n].title,
                 help="Which images the network learns from. " + " · ".join(
                     f"{DATASETS[n].title}: {DATASETS[n].description}" for n in IMAGE_SETS))


def train_size_slider(dataset: str) -> None:
    """How many of the dataset's training images to use (the one in use, not just picked)."""
    full = full_train_size(dataset)
    if st.session_state[k("train_size")] > full:
        st.session_state[k("train_size")] = full
    st.slider("Training examples", min(20, full), full, step=1 if full <= 2000 else 100,
              key=k("train_size"),
              help="How many training images the network may learn from (balanced across "
                   "classes). The test set stays the same, so you can see what more data buys.")


def training_controls() -> None:
    net_training_controls(k)


def _strength(name: str) -> None:
    """One augmentation's strength: the field table's slider, showing 0.125 as 0.125."""
    field = FIELDS_BY_NAME[("train", name)]
    lo, hi = field.ui_range
    key = k("train_" + name)
    if key in st.session_state:           # a link's value inside LIMITS but off this slider
        st.session_state[key] = float(min(max(st.session_state[key], lo), hi))
    st.slider(field.label, float(lo), float(hi), step=float(field.ui_step), key=key,
              format="%.3g" if field.ui_step < 1 else "%d°", help=field.help)


def augmentation_controls(dataset: str) -> None:
    """The augmentation toggles, each with its strength: shifts, rotations, scaling, mirroring
    (only where the dataset allows it), noise and cutout. All change a running network."""
    flips = DATASETS[dataset].flips
    if not flips and st.session_state.get(k("train_aug_flip")):
        st.session_state[k("train_aug_flip")] = False
    on = augmenting(TrainSpec(**{n: st.session_state.get(k("train_" + n), 0)
                                 for n in AUG_KEYS}))
    with st.expander("Data augmentation" + (" (on)" if on else ""), expanded=on,
                     icon=":material/transform:"):
        st.caption("Each training batch is changed at random before the network sees it; "
                   "test images never are. 0 = off. Changes keep the weights.")
        for name in ("aug_shift", "aug_rotate", "aug_scale"):
            _strength(name)
        field = FIELDS_BY_NAME[("train", "aug_flip")]
        st.checkbox(field.label, key=k("train_aug_flip"), disabled=not flips,
                    help=field.help + ("" if flips else f" {DATASETS[dataset].title} must "
                                       "not be mirrored, so this is off here."))
        for name in ("aug_noise", "aug_cutout"):
            _strength(name)


def train_spec_from_state(current: TrainSpec, dataset: str | None = None) -> TrainSpec:
    """The training settings the sidebar describes (augmentation included; no mirroring for a
    dataset that forbids it)."""
    spec = net_train_spec(k, current)
    values = {n: st.session_state.get(k("train_" + n), getattr(current, n)) for n in AUG_KEYS}
    values = {n: float(v) for n, v in values.items()}
    values["aug_flip"] = int(bool(values["aug_flip"]))
    if dataset is not None and not DATASETS[dataset].flips:
        values["aug_flip"] = 0
    return TrainSpec(**{**spec.__dict__, **values})


def not_an_image_link(params: dict[str, list[str]]) -> str | None:
    """The note for a link naming a dataset this lab cannot read: None for no dataset or
    another page's dataset."""
    name = (params.get("ds") or [""])[-1]
    if not name or name in DATASETS:
        return None
    return (f"This link names no image set this lab knows ({name}); it opens the default. "
            f"Image sets: {', '.join(IMAGE_SETS)}.")


def names_no_dataset(params: dict[str, list[str]]) -> bool:
    """A hand-made link such as `/images?net=…&lr=…`: settings, but no `ds=`."""
    experiment_keys = (MODEL_URL_KEY, *(f.url for f in FIELDS))
    return not (params.get("ds") or [""])[-1] and any(key in params for key in experiment_keys)


def read_url() -> tuple[Experiment, int, list[str], dict[str, list[str]]]:
    """Experiment, training-set size, repair notes and the parameters themselves (for compare
    mode's and the transfer panel's keys) from the page URL (never raises); a `lesson=` in it
    opens that lesson with the lesson's link."""
    params, notes = read_link()
    params, lesson_notes = with_lesson(params, LAB, LESSON_LAB)
    exp, size, more = read_params(params)
    return exp, size, notes + lesson_notes + more, params


def read_params(params: dict[str, list[str]]) -> tuple[Experiment, int, list[str]]:
    """Experiment, training-set size and repair notes from a link's parameters (a page's
    link, or a lesson's: the lesson tests read theirs here, as the page does).

    A link naming an image dataset is read, and one naming none is read on the default image
    set, with a note. Another page's link (the 2D page's, which AppTest and some browsers
    carry across a page switch) opens the default quietly; an unknown dataset opens it with
    a note.
    """
    notes: list[str] = []
    base = preset_experiment()
    if names_no_dataset(params):        # read the rest of it on the default image set
        params = {**params, "ds": [base.data.dataset]}
        notes.append(f"This link names no image set (no ds=); it opens "
                     f"{DATASETS[base.data.dataset].title} with the rest of the link.")
    if (params.get("ds") or [""])[-1] not in IMAGE_SETS:
        note = not_an_image_link(params)
        return base, full_train_size(base.data.dataset), notes + ([note] if note else [])
    exp, repairs = Experiment.from_query(params, base=base)
    notes += repairs
    fixed = DATA_DEFAULTS[exp.data.dataset]
    ignored = [f.label for f in FIELDS if f.section == "data" and f.url in params
               and getattr(exp.data, f.name) != getattr(fixed, f.name)]
    if ignored:
        notes.append(f"This lab trains on each image set's fixed split, so the link's "
                     f"{', '.join(ignored)} were left out (the training-examples slider "
                     "chooses how many images).")
    exp = Experiment(fixed, exp.model, exp.train)
    exp, fitted = fit_link_values(exp, {"train": TRAIN_KEYS})
    notes += fitted
    full = full_train_size(exp.data.dataset)
    try:
        size = int((params.get(TRAIN_SIZE_KEY) or [full])[-1])
    except (TypeError, ValueError):
        notes.append("The training-set size in the link is not a whole number; using all "
                     "training images.")
        size = full
    low = min(20, full)
    if not low <= size <= full:
        notes.append(f"The link asks for {size:,} training images; this dataset offers "
                     f"{low}–{full:,}, so it uses {min(max(size, low), full):,}.")
    return exp, min(max(size, low), full), notes


def write_url(exp: Experiment, train_size: int, extra: dict[str, str] | None = None, *,
              compare: bool = False) -> None:
    """Make the address bar a link to this exact image experiment (and presentation view);
    `extra`: the transfer panel's choices, where they differ from its defaults; in compare
    mode, run B's changes too."""
    params = exp.to_query()
    params[TRAIN_SIZE_KEY] = str(train_size)
    params.update(extra or {})
    if compare:
        params.update(compare_link(CMP))
    set_address(LAB, params)


def deep_layer_picker(where, trainer) -> str | None:
    """Which deeper conv layer's weights to show (None: only the first layer's filters)."""
    deeper = [r.name for r in trainer.plan if r.kind == "conv2d"][1:]
    if st.session_state.get(k("deep")) not in (None, *deeper):
        st.session_state.pop(k("deep"))
    return where.selectbox("Weights of a deeper conv layer", deeper, key=k("deep"), index=None,
                           placeholder="pick a layer to show", disabled=not deeper,
                           help="Each filter of a deeper layer reads every map of the layer "
                                "before: one small weight grid per input channel.")
