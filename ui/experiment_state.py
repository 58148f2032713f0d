"""The 2D page's experiment ↔ widget state ↔ URL.

Widgets read their values from `st.session_state` keys seeded from the URL on first load; the
experiment is rebuilt from those keys on every rerun and written back to the URL, so the
address bar is always a link to exactly what is on screen. Keys of hidden (classroom) controls
are simply absent, and the current experiment's value is kept.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from datasets import DATASETS, FEATURES
from engine.layerspec import LayerSpec, make_layer
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec

PREFIX = "pg_"
MAX_HIDDEN = 8           # hidden layers offered by the page (the spec allows more via JSON)
HIDE_KEY = "hide"        # URL key listing controls hidden in classroom mode
VIEW_KEY = "view"        # URL key choosing the live renderer: canvas (default) or png
TFP_DEFAULT = Experiment(DataSpec("circle"), ModelSpec(),
                         TrainSpec(lr=0.03, batch_size=10, loss="auto"))
DATA_2D = tuple(name for name, info in DATASETS.items() if info.kind == "2d")

DATA_KEYS = ("dataset", "noise", "train_ratio", "n_samples", "seed", "n_classes")
TRAIN_KEYS = ("optimizer", "lr", "momentum", "batch_size", "loss", "l1", "l2", "schedule", "step_size",
              "epochs", "patience", "init", "seed")


def k(name: str) -> str:
    """Session-state key of a page control."""
    return PREFIX + name


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
    dropped = [f"{layer.kind}" for layer in exp.model.layers
               if layer.kind not in ("dense", "batchnorm", "dropout")]
    if dropped:
        notes.append(f"This page draws dense networks on 2D points; left out: {', '.join(dropped)}.")
    if len(groups) > MAX_HIDDEN:
        notes.append(f"This page shows at most {MAX_HIDDEN} hidden layers; kept the first "
                     f"{MAX_HIDDEN}.")
        groups = groups[:MAX_HIDDEN]
    st.session_state[k("n_hidden")] = len(groups)
    for i in range(MAX_HIDDEN):
        g = groups[i] if i < len(groups) else {"units": 4, "activation": "tanh",
                                               "batchnorm": False, "dropout": 0.0}
        st.session_state[k(f"units_{i}")] = g["units"]
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
    layers: list[LayerSpec] = []
    current_groups = hidden_groups(current.model.layers)
    n_hidden = int(_get("n_hidden", len(current_groups)))
    for i in range(n_hidden):
        g = current_groups[i] if i < len(current_groups) else {
            "units": 4, "activation": "tanh", "batchnorm": False, "dropout": 0.0}
        layers.append(make_layer("dense", units=int(_get(f"units_{i}", g["units"])),
                                 activation=_get(f"act_{i}", g["activation"])))
        if _get(f"bn_{i}", g["batchnorm"]):
            layers.append(make_layer("batchnorm"))
        rate = float(_get(f"drop_{i}", g["dropout"]))
        if rate > 0:
            layers.append(make_layer("dropout", rate=rate))
    return Experiment(DataSpec(features=features or current.data.features, **data),
                      ModelSpec(tuple(layers)), TrainSpec(**train))


def read_url() -> tuple[Experiment, list[str], set[str]]:
    """Experiment, repair notes and hidden controls from the page URL (never raises)."""
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    exp, notes = Experiment.from_query(params, base=TFP_DEFAULT)
    if exp.data.dataset not in DATA_2D:
        notes.append(f"'{exp.data.dataset}' is not a 2D dataset; this page opened 'circle'.")
        exp = exp.replace("data", dataset="circle")
    hide = {h for raw in params.get(HIDE_KEY, []) for h in raw.split(",") if h}
    return exp, notes, hide


def write_url(exp: Experiment, hide: set[str], view: str = "canvas") -> None:
    """Make the address bar a link to this exact experiment (and classroom view)."""
    params = exp.to_query()
    if hide:
        params[HIDE_KEY] = ",".join(sorted(hide))
    if view != "canvas":
        params[VIEW_KEY] = view
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
