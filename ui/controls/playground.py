"""Controls of the 2D playground: data, inputs, network and training, and the link they make.

Widgets write their values under the lab's session keys (`pg_…`); `experiment_from_state`
turns those keys into an Experiment on every rerun, and the URL always holds it. Controls an
instructor hid (classroom links) are not drawn, and the experiment keeps its value for them.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import streamlit as st

from datasets import DATASETS, FEATURE_LABELS, FEATURES, load_dataset
from engine.data import DatasetError
from engine.inspect.playground import OUTPUT, neuron_labels
from engine.spec import (DataSpec, Experiment, LayerSpec, ModelSpec, SpecError, TrainSpec,
                         make_layer)
from engine.spec.drawing import draws, example
from engine.spec.fields import ACTIVATION_NAMES, LOSSES, applies, friendly
from engine.spec.layers import layers_to_text
from engine.spec.limits import LIMITS
from engine.train import Trainer
from ui.address import set_address
from ui.compare import CompareSession, compare_link, read_compare
from ui.controls.fields import field_widget, fit_link_values
from ui.lessons import with_lesson
from ui.links import read_link
from ui.session import LabSession
from viz.raster import thumbnail

LAB = LabSession("pg")
k = LAB.key
CMP = CompareSession("pgc")   # compare mode: runs A (the sidebar) and B (A plus B's changes)
MAX_HIDDEN = 8           # hidden layers offered by the page (the spec allows more via JSON)
MAX_UNITS = 256
LESSON_LAB = "playground"  # what a lesson file's `lab` names this page
HIDE_KEY = "hide"        # URL key listing controls hidden in classroom mode
VIEW_KEY = "view"        # URL key choosing the live renderer: canvas (default) or png
TFP_DEFAULT = Experiment(DataSpec("circle"), ModelSpec(),
                         TrainSpec(lr=0.03, batch_size=10, loss="auto"))
DATA_2D = tuple(name for name, info in DATASETS.items() if info.kind == "2d")
DATA_KEYS = ("dataset", "noise", "train_ratio", "n_samples", "seed", "n_classes", "drawn")
TRAIN_KEYS = ("optimizer", "lr", "momentum", "batch_size", "loss", "l1", "l2", "schedule",
              "step_size", "epochs", "patience", "init", "seed")
HIDABLE = {"data": "Data settings", "features": "Input features", "network": "Network shape",
           "lr": "Learning rate", "optimizer": "Optimizer", "batch": "Batch size",
           "loss": "Loss", "regularization": "Penalties (L1/L2)",
           "schedule": "Schedule and limits", "reset": "Reset button", "step": "Step buttons",
           "timeline": "Rewind timeline", "inside": "Inside-the-network panel"}
PROBLEMS = ("classification", "regression")
SHORT_TITLES = {"xor": "XOR", "gauss": "Gauss", "moons": "Moons", "spiral_multi": "Arms",
                "reg_gauss": "Gauss", "draw": "Draw", "draw_reg": "Draw"}   # the sidebar fits ~7 characters under a thumbnail
NEW_LAYER = {"units": 4, "activation": "tanh", "batchnorm": False, "dropout": 0.0}


# ---- experiment <-> widget state <-> URL -------------------------------------------------
def hidden_groups(layers: tuple[LayerSpec, ...]) -> list[dict[str, Any]]:
    """Group a stack into the page's hidden layers: dense [+ batchnorm] [+ dropout]."""
    groups: list[dict[str, Any]] = []
    for layer in layers:
        if layer.kind == "dense":
            groups.append({"units": layer.units, "activation": layer.activation,
                           "batchnorm": False, "dropout": 0.0})
        elif layer.kind == "batchnorm" and groups:
            groups[-1]["batchnorm"] = True
        elif layer.kind == "dropout" and groups:
            groups[-1]["dropout"] = layer.rate
    return groups


def group_stack(groups: list[dict[str, Any]]) -> tuple[LayerSpec, ...]:
    """The stack the page builds from its hidden layers: dense, then batch norm, then dropout."""
    layers: list[LayerSpec] = []
    for g in groups:
        layers.append(make_layer("dense", units=g["units"], activation=g["activation"]))
        if g["batchnorm"]:
            layers.append(make_layer("batchnorm"))
        if g["dropout"] > 0:
            layers.append(make_layer("dropout", rate=g["dropout"]))
    return tuple(layers)


def seed_state(exp: Experiment) -> list[str]:
    """Put an experiment's values into the widgets' keys; returns notes on what was dropped."""
    notes = []
    for name in DATA_KEYS:
        st.session_state[k("data_" + name)] = getattr(exp.data, name)
    for name in TRAIN_KEYS:
        st.session_state[k("train_" + name)] = getattr(exp.train, name)
    for feature in FEATURES:
        st.session_state[k("feat_" + feature)] = feature in exp.data.features
    groups = hidden_groups(exp.model.layers)
    dropped = [layer.kind for layer in exp.model.layers
               if layer.kind not in ("dense", "batchnorm", "dropout")]
    if dropped:
        notes.append("This page draws dense networks on 2D points; left out: "
                     f"{', '.join(dropped)}.")
    kept = tuple(layer for layer in exp.model.layers if layer.kind not in dropped)
    if group_stack(groups) != kept:
        notes.append("Each hidden layer of this page is a dense layer, then optionally one "
                     "batch norm, then one dropout, in that order; the link's network was rebuilt "
                     f"that way: {layers_to_text(group_stack(groups)) or 'no hidden layer'}.")
    if len(groups) > MAX_HIDDEN:
        notes.append(f"This page shows at most {MAX_HIDDEN} hidden layers; kept the first "
                     f"{MAX_HIDDEN}.")
        groups = groups[:MAX_HIDDEN]
    if any(g["units"] > MAX_UNITS for g in groups):
        notes.append(f"This page draws at most {MAX_UNITS} neurons per layer; wider layers "
                     f"were narrowed to {MAX_UNITS}.")
    st.session_state[k("n_hidden")] = len(groups)
    for i in range(MAX_HIDDEN):
        g = groups[i] if i < len(groups) else NEW_LAYER
        st.session_state[k(f"units_{i}")] = min(g["units"], MAX_UNITS)
        st.session_state[k(f"act_{i}")] = g["activation"]
        st.session_state[k(f"bn_{i}")] = g["batchnorm"]
        st.session_state[k(f"drop_{i}")] = g["dropout"]
    return notes


def _get(name: str, fallback: Any) -> Any:
    return st.session_state.get(k(name), fallback)


def experiment_from_state(current: Experiment) -> Experiment:
    """The experiment the widgets describe now (hidden controls keep `current`'s values)."""
    data = {n: _get("data_" + n, getattr(current.data, n)) for n in DATA_KEYS}
    features = tuple(f for f in FEATURES if _get("feat_" + f, f in current.data.features))
    train = {n: _get("train_" + n, getattr(current.train, n)) for n in TRAIN_KEYS}
    current_groups = hidden_groups(current.model.layers)
    groups = []
    for i in range(int(_get("n_hidden", len(current_groups)))):
        g = current_groups[i] if i < len(current_groups) else NEW_LAYER
        groups.append({"units": int(_get(f"units_{i}", g["units"])),
                       "activation": _get(f"act_{i}", g["activation"]),
                       "batchnorm": bool(_get(f"bn_{i}", g["batchnorm"])),
                       "dropout": float(_get(f"drop_{i}", g["dropout"]))})
    return Experiment(DataSpec(features=features or current.data.features, **data),
                      ModelSpec(group_stack(groups)), TrainSpec(**train))


def read_url() -> tuple[Experiment, list[str], set[str], tuple[bool, dict[str, str]]]:
    """Experiment, repair notes, hidden controls and compare mode (on, run B's overrides)
    from the page URL (never raises); a `lesson=` in it opens that lesson with its link."""
    params, notes = read_link()
    params, lesson_notes = with_lesson(params, LAB, LESSON_LAB)
    exp, more, hide = read_params(params)
    return exp, notes + lesson_notes + more, hide, read_compare(params)


def read_params(params: dict[str, list[str]]) -> tuple[Experiment, list[str], set[str]]:
    """Experiment, repair notes and hidden controls from a link's parameters (a page's link,
    or a lesson's: the lesson tests read theirs here, as the page does)."""
    notes: list[str] = []
    exp, repairs = Experiment.from_query(params, base=TFP_DEFAULT)
    notes += repairs
    if exp.data.dataset not in DATA_2D:
        notes.append(f"{exp.data.dataset!r} is not a 2D dataset; this page opened the circle.")
        exp = exp.replace("data", dataset="circle")
    exp, fitted = fit_link_values(exp, {"data": DATA_KEYS, "train": TRAIN_KEYS})
    notes += fitted
    hide = {h for raw in params.get(HIDE_KEY, []) for h in raw.split(",") if h in HIDABLE}
    exp, opened = openable(exp)
    return exp, notes + opened, hide


def openable(exp: Experiment) -> tuple[Experiment, list[str]]:
    """The link's experiment, or the least change to it that builds, with a note saying why.

    A link can name settings that are each valid but cannot work together (batch norm with a
    batch of one, a batch too costly for its network): rather than a page with nothing but an
    error, it opens with the default batch size, then the default network, then the default
    experiment, whichever builds first. What is tried is the network as the sidebar will show
    it (seed_state notes the layers it leaves out)."""
    groups = hidden_groups(exp.model.layers)[:MAX_HIDDEN]
    shown = dataclasses.replace(exp, model=ModelSpec(group_stack(
        [{**g, "units": min(g["units"], MAX_UNITS)} for g in groups])))
    fallbacks = ((lambda e: e.replace("train", batch_size=TFP_DEFAULT.train.batch_size),
                  f"batch size {TFP_DEFAULT.train.batch_size}"),
                 (lambda e: dataclasses.replace(e, model=TFP_DEFAULT.model), "the default network"),
                 (lambda e: TFP_DEFAULT, "the default experiment"))
    try:
        Trainer(shown, device="cpu")
        return exp, []
    except (SpecError, DatasetError) as exc:
        problem = str(exc)
    for change, said in fallbacks:
        try:
            Trainer(change(shown), device="cpu")
        except (SpecError, DatasetError):
            continue
        return change(exp), [f"{problem} So the link opened with {said} instead."]
    return TFP_DEFAULT, [problem]


def write_url(exp: Experiment, hide: set[str], view: str = "canvas", *,
              compare: bool = False) -> None:
    """Make the address bar a link to this exact experiment (and classroom view); in compare
    mode, run B's changes too."""
    params = exp.to_query()
    if compare:
        params.update(compare_link(CMP))
    if hide:
        params[HIDE_KEY] = ",".join(sorted(hide))
    if view != "canvas":
        params[VIEW_KEY] = view
    set_address(LAB, params, hide_inside=False)


# ---- widgets -------------------------------------------------------------------------
@st.cache_data(show_spinner=False)
def _thumbnail(name: str) -> bytes:
    """Deterministic (fixed seed), so caching the bytes for every session is safe."""
    ds = load_dataset(name, n_samples=300, noise=0.0, seed=0)
    points = np.concatenate([ds.points_train, ds.points_test])
    labels = np.concatenate([ds.y_train, ds.y_test])
    return thumbnail(points, labels, ds.extent, classification=ds.task == "classification")


def _pick_dataset(name: str) -> None:
    """Switch the data; each drawn set keeps its own drawing (the first time, its example)."""
    old = st.session_state[k("data_dataset")]
    if old != name and draws(old):
        st.session_state[k("drawn_" + old)] = st.session_state.get(k("data_drawn"))
    if old != name and draws(name):
        saved = st.session_state.get(k("drawn_" + name))
        st.session_state[k("data_drawn")] = example(name) if saved is None else saved
        st.session_state[k("draw_undo")] = []
    st.session_state[k("data_dataset")] = name


def _pick_problem() -> None:
    task = st.session_state[k("problem")] or PROBLEMS[0]
    if DATASETS[st.session_state[k("data_dataset")]].task != task:
        _pick_dataset(next(n for n in DATA_2D if DATASETS[n].task == task))


def dataset_picker() -> None:
    """TF Playground's problem type and dataset thumbnails: click a picture to use that data."""
    current = st.session_state[k("data_dataset")]
    st.session_state[k("problem")] = DATASETS[current].task
    st.segmented_control("Problem type", PROBLEMS, key=k("problem"), on_change=_pick_problem,
                         format_func=str.capitalize,
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


def _regenerate() -> None:
    st.session_state[k("data_seed")] = (int(st.session_state[k("data_seed")]) + 1) % 2**31


def data_controls(hidden: set[str]) -> None:
    if "data" in hidden:
        return
    dataset_picker()
    if DATASETS[st.session_state[k("data_dataset")]].multi_class:
        field_widget("data", "n_classes", k("data_n_classes"))
    drawing = draws(st.session_state[k("data_dataset")])
    if drawing:                          # the drawing is the data: nothing to generate
        st.caption("Your drawing is the data: click on the big map to add points. Noise and "
                   "the sample count do not apply; the training share and the seed decide "
                   "which points are held out to test.")
    else:
        field_widget("data", "noise", k("data_noise"))
    field_widget("data", "train_ratio", k("data_train_ratio"))
    if not drawing:
        field_widget("data", "n_samples", k("data_n_samples"))
    cols = st.columns([2, 1.3], vertical_alignment="bottom")
    field_widget("data", "seed", k("data_seed"), where=cols[0], slider=False)
    cols[1].button("New data", key=k("regen"), on_click=_regenerate,
                   help="Another test split of your points (the next seed); the network restarts."
                   if drawing else "New random points from the next seed; the network restarts.")


def feature_controls(hidden: set[str]) -> None:
    if "features" in hidden:
        return
    st.caption("Inputs: what each point tells the network (or click an input neuron). "
               "Good features can make a hard problem easy.")
    cols = st.columns(2)
    for i, name in enumerate(FEATURES):
        cols[i % 2].checkbox(FEATURE_LABELS[name], key=k("feat_" + name),
                             help=f"Give the network {FEATURE_LABELS[name]} as an input.")


def network_controls(hidden: set[str]) -> None:
    """Hidden layers, named as everywhere else on the page: L1, L2, … (its batch norm and
    dropout belong to it)."""
    if "network" in hidden:
        return
    st.number_input("Hidden layers", 0, MAX_HIDDEN, step=1, key=k("n_hidden"),
                    help="How many layers between the inputs and the output. More layers can "
                         "bend the boundary in more complex ways, but train more slowly.")
    for i in range(int(st.session_state[k("n_hidden")])):
        with st.container(border=True, key=k(f"layer_box_{i}")):
            cols = st.columns([1, 1.5])
            cols[0].number_input(f"L{i + 1} neurons", 1, MAX_UNITS, step=1,
                                 key=k(f"units_{i}"),
                                 help="Neurons in this layer: each draws one line or curve.")
            cols[1].selectbox(f"L{i + 1} activation", ACTIVATION_NAMES, key=k(f"act_{i}"),
                              format_func=friendly,
                              help="The non-linearity each neuron applies to its sum.")
            st.slider(f"L{i + 1} dropout", 0.0, LIMITS["rate"][1], step=0.05, key=k(f"drop_{i}"),
                      help="Share of this layer's neurons silenced at random while training.")
            st.checkbox("Batch norm", key=k(f"bn_{i}"),
                        help=f"Batch normalisation after L{i + 1}: steadies training.")


def training_controls(hidden: set[str], task: str) -> None:
    """The training settings that apply (momentum only for optimizers that use it)."""
    values = {n: st.session_state.get(k("train_" + n)) for n in TRAIN_KEYS}
    if "lr" not in hidden:
        field_widget("train", "lr", k("train_lr"))
    if "optimizer" not in hidden:
        field_widget("train", "optimizer", k("train_optimizer"))
        if applies("train", "momentum", values):
            field_widget("train", "momentum", k("train_momentum"))
    if "batch" not in hidden:
        field_widget("train", "batch_size", k("train_batch_size"))
    if "loss" not in hidden:
        usable = LOSSES if task == "classification" else ("auto", "mse", "huber", "tfp_squared")
        field_widget("train", "loss", k("train_loss"), choices=usable)
    if "regularization" not in hidden:
        cols = st.columns(2)
        field_widget("train", "l1", k("train_l1"), where=cols[0])
        field_widget("train", "l2", k("train_l2"), where=cols[1])
    if "schedule" not in hidden:
        field_widget("train", "schedule", k("train_schedule"))
        if applies("train", "step_size", values):
            field_widget("train", "step_size", k("train_step_size"), slider=False)
        field_widget("train", "epochs", k("train_epochs"), slider=False)


def sidebar(hidden: set[str]) -> None:
    with st.sidebar:
        st.subheader("Data")
        data_controls(hidden)
        feature_controls(hidden)
        st.subheader("Network")
        network_controls(hidden)
        st.subheader("Training")
        training_controls(hidden, DATASETS[st.session_state[k("data_dataset")]].task)


# ---- clicks in the network view ----------------------------------------------------------
def _painter_event() -> dict:
    result = st.session_state.get(k("painter"))
    return dict(result) if hasattr(result, "keys") else {}


def select_neuron() -> None:
    """A click on a neuron shows its map large; a click on the big map goes back. The picker
    outside the live fragment follows on the full rerun that the fragment then asks for."""
    label = _painter_event().get("select")
    if isinstance(label, str) and label != st.session_state.get(k("selected")):
        st.session_state[k("selected")] = label
        st.session_state[k("rerun")] = True


def toggle_feature() -> None:
    """A click on an input neuron switches that input (once per click id; never the last)."""
    event = _painter_event().get("feature")
    if "features" in st.session_state[k("hidden")] or not isinstance(event, dict):
        return
    if event.get("id") == st.session_state.get(k("last_click")):
        return
    st.session_state[k("last_click")] = event.get("id")
    name = next((f for f, label in FEATURE_LABELS.items() if label == event.get("label")), None)
    on = [f for f in FEATURES if st.session_state.get(k("feat_" + f))]
    if name is not None and not (name in on and len(on) == 1):
        st.session_state[k("feat_" + name)] = name not in on
        st.session_state[k("rerun")] = True


def rerun_if_asked() -> None:
    if st.session_state.pop(k("rerun"), False):
        st.rerun(scope="app")


def large_view_picker(cols, trainer) -> None:
    options = [OUTPUT, *neuron_labels(trainer)]
    if st.session_state.get(k("selected")) not in options:
        st.session_state[k("selected")] = OUTPUT
    st.session_state[k("large")] = st.session_state[k("selected")]
    cols[0].selectbox("Large view", options, key=k("large"),
                      on_change=lambda: st.session_state.update({k("selected"):
                                                                 st.session_state[k("large")]}),
                      help="Show the network output, or any neuron's own map, in the big view. "
                           "Clicking a neuron in the network does the same.")
