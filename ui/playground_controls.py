"""Controls of the 2D playground: data, network and training widgets, each with help text.

Widgets only write their values to session state (under `ui.experiment_state.k(...)`); the
page turns that state into an Experiment. Controls named in `hidden` are not drawn
(classroom mode), and the experiment keeps its current value for them.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from datasets import DATASETS, FEATURE_LABELS, FEATURES, load_dataset
from engine.fields import ACTIVATION_NAMES, FIELDS_BY_NAME, LOSSES, OPTIMIZERS, SCHEDULES
from ui.experiment_state import DATA_2D, MAX_HIDDEN, k
from viz.raster import thumbnail

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
HIDABLE = {"data": "Data settings", "features": "Input features", "network": "Network shape",
           "lr": "Learning rate", "optimizer": "Optimizer", "batch": "Batch size",
           "loss": "Loss", "regularization": "Regularisation", "schedule": "Schedule and limits",
           "reset": "Reset button", "step": "Step buttons", "timeline": "Rewind timeline",
           "inside": "Inside-the-network panel"}


def _help(section: str, name: str) -> str:
    return FIELDS_BY_NAME[(section, name)].help


def _snap(key: str, options: tuple) -> None:
    """Keep a select_slider's stored value on its option list (URLs may carry any number)."""
    value = st.session_state.get(key)
    if value not in options:
        st.session_state[key] = min(options, key=lambda o: abs(o - float(value or 0)))


def _clamp(key: str, lo: float, hi: float) -> tuple[float, float]:
    """Keep a widget's stored value inside its range (a link may carry any legal spec value)."""
    value = st.session_state.get(key)
    if value is not None and not lo <= value <= hi:
        st.session_state[key] = type(value)(min(max(value, lo), hi))
    return lo, hi


PROBLEMS = ("classification", "regression")
SHORT_TITLES = {"xor": "XOR", "gauss": "Gauss", "moons": "Moons", "spiral_multi": "Arms",
                "reg_gauss": "Gauss"}   # the sidebar fits ~7 characters under a thumbnail


@st.cache_data(show_spinner=False)
def _thumbnail(name: str) -> bytes:
    """Deterministic (fixed seed), so caching the bytes for every session is safe."""
    ds = load_dataset(name, n_samples=300, noise=0.0, seed=0)
    points = np.concatenate([ds.points_train, ds.points_test])
    labels = np.concatenate([ds.y_train, ds.y_test])
    return thumbnail(points, labels, ds.extent, classification=ds.task == "classification")


def _pick_dataset(name: str) -> None:
    st.session_state[k("data_dataset")] = name


def _pick_problem() -> None:
    task = st.session_state[k("problem")] or PROBLEMS[0]
    if DATASETS[st.session_state[k("data_dataset")]].task != task:
        st.session_state[k("data_dataset")] = next(n for n in DATA_2D if DATASETS[n].task == task)


def dataset_picker() -> None:
    """TF Playground's problem type and dataset thumbnails: click a picture to use that data."""
    current = st.session_state[k("data_dataset")]
    st.session_state[k("problem")] = DATASETS[current].task
    st.segmented_control("Problem type", PROBLEMS, key=k("problem"), on_change=_pick_problem,
                         help="Classification: predict each point's colour (class). Regression: "
                              "predict a number for each point, shown from orange (−) to blue (+).")
    names = [n for n in DATA_2D if DATASETS[n].task == DATASETS[current].task]
    cols = st.columns(3)
    for i, name in enumerate(names):
        with cols[i % 3]:
            st.image(_thumbnail(name), width="stretch")
            st.button(SHORT_TITLES.get(name, DATASETS[name].title), key=k("pick_" + name),
                      on_click=_pick_dataset, args=(name,),
                      type="primary" if name == current else "secondary", width="stretch",
                      help=f"{DATASETS[name].title}: {DATASETS[name].description}")


def data_controls(hidden: set[str]) -> None:
    if "data" in hidden:
        return
    dataset_picker()
    st.selectbox("Dataset", DATA_2D, key=k("data_dataset"),
                 format_func=lambda n: f"{DATASETS[n].title} ({DATASETS[n].task})",
                 help=_help("data", "dataset") + " " + " · ".join(
                     f"{DATASETS[n].title}: {DATASETS[n].description}" for n in DATA_2D))
    if DATASETS[st.session_state[k("data_dataset")]].multi_class:
        st.slider("Classes", 2, 5, key=k("data_n_classes"), help=_help("data", "n_classes"))
    st.slider("Noise", 0.0, 0.8, step=0.05, key=k("data_noise"), help=_help("data", "noise"))
    st.slider("Training share", 0.1, 0.9, step=0.1, key=k("data_train_ratio"),
              help=_help("data", "train_ratio"))
    st.slider("Samples", *_clamp(k("data_n_samples"), 50, 2000), step=50, key=k("data_n_samples"),
              help=_help("data", "n_samples"))
    cols = st.columns([2, 1])
    cols[0].number_input("Data seed", 0, 2**31 - 1, step=1, key=k("data_seed"),
                         help=_help("data", "seed"))
    cols[1].button("Regenerate", key=k("regen"), on_click=_regenerate,
                   help="New random points from the next seed; the network restarts.")


def _regenerate() -> None:
    st.session_state[k("data_seed")] = (int(st.session_state[k("data_seed")]) + 1) % 2**31


def feature_controls(hidden: set[str]) -> None:
    if "features" in hidden:
        return
    st.caption("Inputs: what each point tells the network. " + _help("data", "features"))
    cols = st.columns(2)
    for i, name in enumerate(FEATURES):
        cols[i % 2].checkbox(FEATURE_LABELS[name], key=k("feat_" + name),
                             help=f"Give the network {FEATURE_LABELS[name]} as an input.")


def network_controls(hidden: set[str]) -> None:
    if "network" in hidden:
        return
    st.number_input("Hidden layers", 0, MAX_HIDDEN, step=1, key=k("n_hidden"),
                    help="How many layers between the inputs and the output. More layers can "
                         "bend the boundary in more complex ways, but train more slowly.")
    for i in range(int(st.session_state[k("n_hidden")])):
        cols = st.columns([1.2, 1.6, 0.9, 1.3])
        cols[0].number_input(f"L{i + 1} neurons", *_clamp(k(f"units_{i}"), 1, 256), step=1,
                             key=k(f"units_{i}"),
                             help="Neurons in this layer: each draws one line or curve.")
        cols[1].selectbox(f"L{i + 1} activation", ACTIVATION_NAMES, key=k(f"act_{i}"),
                          help="The non-linearity each neuron applies to its sum.")
        cols[2].checkbox("BN", key=k(f"bn_{i}"),
                         help="Batch normalisation after this layer: steadies training.")
        cols[3].slider("Dropout", 0.0, 0.9, step=0.1, key=k(f"drop_{i}"),
                       help="Share of this layer's neurons silenced at random while training.")


def training_controls(hidden: set[str]) -> None:
    if "lr" not in hidden:
        _snap(k("train_lr"), LEARNING_RATES)
        st.select_slider("Learning rate", LEARNING_RATES, key=k("train_lr"),
                         help=_help("train", "lr") + " Changing it does not reset the weights.")
    if "optimizer" not in hidden:
        cols = st.columns(2)
        cols[0].selectbox("Optimizer", OPTIMIZERS, key=k("train_optimizer"),
                          help=_help("train", "optimizer"))
        cols[1].slider("Momentum", *_clamp(k("train_momentum"), 0.0, 0.99), step=0.01,
                       key=k("train_momentum"),
                       help=_help("train", "momentum"))
    if "batch" not in hidden:
        st.slider("Batch size", *_clamp(k("train_batch_size"), 1, 256), key=k("train_batch_size"),
                  help=_help("train", "batch_size"))
    if "loss" not in hidden:
        st.selectbox("Loss", LOSSES, key=k("train_loss"), help=_help("train", "loss"))
    if "regularization" not in hidden:
        cols = st.columns(2)
        _snap(k("train_l1"), REG_RATES)
        _snap(k("train_l2"), REG_RATES)
        cols[0].select_slider("L1", REG_RATES, key=k("train_l1"), help=_help("train", "l1"))
        cols[1].select_slider("L2", REG_RATES, key=k("train_l2"), help=_help("train", "l2"))
    if "schedule" not in hidden:
        cols = st.columns(2)
        cols[0].selectbox("LR schedule", SCHEDULES, key=k("train_schedule"),
                          help=_help("train", "schedule"))
        cols[1].number_input("Epoch limit", 0, 1_000_000, step=50, key=k("train_epochs"),
                             help=_help("train", "epochs"))
