"""The data lab's controls: which table (bundled, the synthetic loan table, or an uploaded
CSV), its settings, the layer editor's dense kinds, and experiment <-> state <-> URL.

Widgets keep their values under `dl_` session keys. The prepared table is cached with
st.cache_resource: it is immutable (read-only arrays in a frozen record) and the same for
every session that asks for the same settings.
"""
from __future__ import annotations

import hashlib
import math

import streamlit as st

from datasets import DATASETS, load_dataset
from datasets.table import Table
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
from engine.spec.fields import MODEL_URL_KEY
from engine.spec.layers import layers_from_text
from engine.spec.limits import LIMITS
from engine.spec.presets import ImagePreset
from ui.address import set_address
from ui.compare import CompareSession, compare_link, read_compare
from ui.controls.fields import NET_TRAIN_KEYS, fit_link_values, net_train_spec, \
    net_training_controls
from ui.controls.layer_editor import Editor
from ui.lessons import with_lesson
from ui.links import read_link
from ui.session import LabSession

LAB = LabSession("dl")
k = LAB.key
CMP = CompareSession("dlc")   # compare mode: runs A and B
LESSON_LAB = "data"
BUILTIN = ("iris", "wine", "breast_cancer")
TABLES = (*BUILTIN, "loan", "csv")
KINDS = ("dense", "dropout", "batchnorm")
COLUMNS = (("size", "units / drop", ("units", "rate")),
           ("activation", "activation", ("activation",)))
PRESETS = {
    "small": ImagePreset("Small MLP", "Two small ReLU layers: enough for most tables.",
                         "dense:16:relu,dense:8:relu"),
    "linear": ImagePreset("No hidden layer", "Just the output layer: logistic regression, "
                          "trained by gradient descent.", ""),
    "wide": ImagePreset("Wide and deep", "Three layers of 64 with dropout: more than small "
                        "tables need (watch it overfit).",
                        "dense:64:relu,dropout:0.2,dense:64:relu,dense:64:relu"),
}
DEFAULT_TRAIN = TrainSpec(optimizer="adam", lr=0.01, batch_size=16)
LOAN_KEYS = {"minor": ("minority_share", 0.2), "lbias": ("label_bias", 0.3)}
BALANCE_KEY = "bal"       # link keys of the two bias remedies
REWEIGH_KEY = "rew"


def preset_layers(name: str):
    return layers_from_text(PRESETS[name].layers) if PRESETS[name].layers else ()


def default_experiment(name: str = "iris") -> Experiment:
    n = DATASETS[name].default_samples
    return Experiment(DataSpec(name, n_samples=n, train_ratio=0.7, seed=1),
                      ModelSpec(preset_layers("small")), DEFAULT_TRAIN)


def editor() -> Editor:
    """The shared layer editor with the kinds a table needs."""
    return Editor(key=k, kinds=KINDS, columns=COLUMNS, presets=PRESETS,
                  preset_layers=preset_layers, input_text="Input row (one number per column, "
                  "categories one-hot)", lab_name="the data lab",
                  foreign_note="Convolution and recurrent layers read images and sequences, "
                               "not table rows.",
                  text_help="The same stack as text, as in the page link: dense:16:relu "
                            "(units, activation), dropout:0.2, batchnorm.",
                  column_widths=(1.2, 1.4))


# ---- the table ----------------------------------------------------------------------------
@st.cache_resource(max_entries=24, show_spinner=False)
def bundled_table(name: str, train_ratio: float, seed: int) -> Table:
    """A bundled set, loaded as the registry loads it (so the CLI and lessons see the same)."""
    ds = load_dataset(name, n_samples=DATASETS[name].default_samples,
                      train_ratio=train_ratio, seed=seed)
    return Table(ds, target="class", numeric=ds.feature_names, categorical=())


@st.cache_resource(max_entries=24, show_spinner=False)
def loan_table(n: int, train_ratio: float, seed: int, minority: float, bias: float,
               balance: bool, reweigh: bool) -> Table:
    from datasets.table_sources import load_loan
    return load_loan(n, train_ratio, seed, minority_share=minority, label_bias=bias,
                     balance=balance, reweigh=reweigh)


@st.cache_resource(max_entries=8, show_spinner=False)
def csv_table(digest: str, target: str, sensitive: str, train_ratio: float, seed: int,
              balance: bool, reweigh: bool, _frame) -> Table:
    """An upload prepared (keyed by the file's digest and the choices, not the frame)."""
    from datasets.table import prepare
    from datasets.table_sources import remedied
    table = prepare(_frame, target, limits=LIMITS, name="csv", train_ratio=train_ratio,
                    seed=seed, sensitive=sensitive)
    return remedied(table, seed, balance=balance, reweigh=reweigh)


def read_upload(data: bytes):
    """(digest, frame, notes) of an uploaded file; DatasetError for a hostile one."""
    from datasets.csv_table import read_csv_bytes
    frame, notes = read_csv_bytes(data, LIMITS)
    return hashlib.sha256(data).hexdigest()[:16], frame, notes


def upload_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


# ---- controls -----------------------------------------------------------------------------
def _control_values(exp: Experiment, extra: dict) -> dict:
    return {k("dataset"): exp.data.dataset, k("train_ratio"): exp.data.train_ratio,
            k("data_seed"): exp.data.seed, k("n_samples"): exp.data.n_samples,
            k("minor"): extra.get("minor", 0.2), k("lbias"): extra.get("lbias", 0.3),
            k("balance"): bool(extra.get(BALANCE_KEY, False)),
            k("reweigh"): bool(extra.get(REWEIGH_KEY, False)),
            **{k("train_" + n): getattr(exp.train, n) for n in NET_TRAIN_KEYS}}


def restore_missing(exp: Experiment, extra: dict) -> None:
    """Seed every control key that is absent (first visit, or back from another page)."""
    for key, value in _control_values(exp, extra).items():
        if key not in st.session_state:
            st.session_state[key] = value


def seed_controls(exp: Experiment, extra: dict) -> None:
    st.session_state.update(_control_values(exp, extra))


def training_controls() -> None:
    net_training_controls(k)


def train_spec_from_state(current: TrainSpec) -> TrainSpec:
    return net_train_spec(k, current)


def _table_changed() -> None:
    """A new table starts at its usual size (only the loan table's size can change)."""
    st.session_state[k("n_samples")] = DATASETS[st.session_state[k("dataset")]].default_samples


def table_picker() -> str:
    st.selectbox("Table", TABLES, key=k("dataset"), on_change=_table_changed, format_func=lambda n: DATASETS[n].title,
                 help="The data the network (and the classic models) learn from. " + " · ".join(
                     f"{DATASETS[n].title}: {DATASETS[n].description}" for n in TABLES))
    st.slider("Training share", 0.1, 0.9, step=0.05, key=k("train_ratio"),
              help="Share of the rows used for training; the rest test every model. The "
                   "classic models use exactly the same split.")
    st.number_input("Data seed", 0, 2**31 - 1, step=1, key=k("data_seed"),
                    help="Which rows go to training and test (and, for the loan table, which "
                         "applicants are generated). Same seed, same split.")
    return st.session_state[k("dataset")]


def loan_controls() -> None:
    n = st.session_state.get(k("n_samples"), 1000)
    st.session_state[k("n_samples")] = int(min(max(n, 200), 5000) // 100 * 100)
    st.slider("Applicants", 200, 5000, step=100, key=k("n_samples"),
              help="How many rows the synthetic loan table has.")
    lo, hi = LIMITS["minority_share"]
    st.slider("Group B's share of the rows", float(lo), float(hi), step=0.01, key=k("minor"),
              help="How under-represented group B is: at 0.05 the network sees few of its "
                   "applicants, at 0.5 as many as group A.")
    st.slider("Label bias against group B", 0.0, 1.0, step=0.05, key=k("lbias"),
              help="Share of group B's deserved approvals that the historical records show "
                   "as denied. The network trains on that history; the test rows are scored "
                   "against the fair decision.")


def remedy_controls() -> None:
    """The two bias remedies; both on: balanced sampling first, then re-weighting."""
    st.toggle("Balanced sampling", key=k("balance"),
              help="A remedy: repeat the smaller group's training rows until every group "
                   "is seen as often. Does the gap between groups close?")
    st.toggle("Re-weighting", key=k("reweigh"),
              help="A remedy: no row is added or removed, but each training row counts more "
                   "or less in the loss, so that in the weighted data every answer is as "
                   "common in each group as overall (rare combinations, such as an approved "
                   "applicant from a group that was usually denied, count more).")


def data_spec_from_state() -> DataSpec:
    name = st.session_state[k("dataset")]
    n = int(st.session_state[k("n_samples")]) if name == "loan" else \
        DATASETS[name].default_samples
    return DataSpec(name, n_samples=n, train_ratio=float(st.session_state[k("train_ratio")]),
                    seed=int(st.session_state[k("data_seed")]))


def loan_extra() -> dict[str, str]:
    """The loan table's own link values (only where they apply)."""
    return {"minor": f"{st.session_state[k('minor')]:g}",
            "lbias": f"{st.session_state[k('lbias')]:g}",
            **({BALANCE_KEY: "1"} if st.session_state[k("balance")] else {}),
            **({REWEIGH_KEY: "1"} if st.session_state[k("reweigh")] else {})}


# ---- links --------------------------------------------------------------------------------
def read_url() -> tuple[Experiment, dict, list[str], tuple[bool, dict[str, str]]]:
    """Experiment, the loan table's values, notes and compare mode (on, run B's overrides)
    from the page URL (never raises); a `lesson=` in it opens that lesson with its link."""
    params, notes = read_link()
    params, lesson_notes = with_lesson(params, LAB, LESSON_LAB)
    exp, extra, more = read_params(params)
    return exp, extra, notes + lesson_notes + more, read_compare(params)


def _float_param(params, key: str, limit: str, default: float, notes: list[str]) -> float:
    raw = (params.get(key) or [None])[-1]
    if raw is None:
        return default
    lo, hi = LIMITS[limit]
    try:
        value = float(raw[:32])
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        notes.append(f"The link's {key}= is not a number; it was set to {default:g}.")
        return default
    if not lo <= value <= hi:
        fitted = min(max(value, lo), hi)
        notes.append(f"The link's {key}= is outside {lo:g} to {hi:g}; it was set to "
                     f"{fitted:g}.")
        return fitted
    return value


def read_params(params: dict[str, list[str]]) -> tuple[Experiment, dict, list[str]]:
    """Experiment, the loan table's values and repair notes from a link (never raises).

    Another lab's link opens the default quietly; an unknown table, with a note. A `csv`
    link cannot carry the file: the page asks for it."""
    name = (params.get("ds") or [""])[-1]
    if name not in TABLES:
        foreign = name in DATASETS or not (name or MODEL_URL_KEY in params)
        note = None if foreign else (
            f"This link names no table this lab knows ({name[:40] or 'no ds='}); it opens "
            f"the default. Tables: {', '.join(TABLES)}.")
        return default_experiment(), {}, [note] if note else []
    exp, notes = Experiment.from_query(params, base=default_experiment(name))
    n = min(max(exp.data.n_samples, 200), 5000) if name == "loan" else \
        DATASETS[name].default_samples
    ratio = min(max(exp.data.train_ratio, 0.1), 0.9)
    exp = Experiment(DataSpec(name, n_samples=n, train_ratio=ratio, seed=exp.data.seed),
                     exp.model, exp.train)
    if exp.train.loss != "auto":       # no loss control here: the task picks it
        notes.append("This lab picks the loss from the table (cross-entropy for classes, "
                     "squared error for numbers); the link's loss was left out.")
        exp = exp.replace("train", loss="auto")
    exp, fitted = fit_link_values(exp, {"train": NET_TRAIN_KEYS})
    extra = {}
    if name == "loan":
        for key, (limit, default) in LOAN_KEYS.items():
            extra[key] = _float_param(params, key, limit, default, notes)
        for key in (BALANCE_KEY, REWEIGH_KEY):      # anything but "1" is off
            extra[key] = (params.get(key) or ["0"])[-1] == "1"
    return exp, extra, list(dict.fromkeys(notes + fitted))


def write_url(exp: Experiment, *, compare: bool = False) -> None:
    extra = loan_extra() if exp.data.dataset == "loan" else {}
    set_address(LAB, {**exp.to_query(), **extra, **(compare_link(CMP) if compare else {})})
