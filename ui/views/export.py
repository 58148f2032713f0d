"""Download or open an experiment: one small panel on every lab page.

Downloads: the experiment (the JSON the CLI reads), the weights (a state_dict by torch.save),
the per-epoch metrics (CSV) and a standalone PyTorch script (.zip: script, data as .npz,
experiment). Each file is built only when its button is clicked, on Streamlit's download
thread, and a click does not rerun the page (`on_click="ignore"`); the builders hold the lab's
lock, so training never changes the weights half way through a copy.

Opening: an experiment file reopens on the lab that shows its data (the 2D page or the image
lab): that lab forgets its state and opens the experiment's link, exactly as if the link had
been followed (with the same notes on anything a control cannot show). Weights load into the
running network, when their names and shapes fit it. Bad files get a message saying why.
"""
from __future__ import annotations

import threading
from contextlib import nullcontext
from typing import Callable

import streamlit as st

from engine.data import DATASETS
from engine.export.files import (experiment_json, file_stem, metrics_csv, script_bundle,
                                 weights_bytes)
from engine.export.opening import MAX_WEIGHTS_BYTES, experiment_from_bytes, load_weights
from engine.spec import Experiment, SpecError
from engine.spec.presets import DATA_DEFAULTS
from engine.train import Trainer
from ui import labs
from ui.controls import images as image_controls
from ui.controls import playground as playground_controls
from ui.controls import sequences as sequence_controls
from ui.messages import show_error, show_info, show_toast
from ui.session import LabSession

OPENING = "export_opening"    # session key: an experiment file waiting to be opened
TOAST = "export_toast"        # session key: what the next run says in the corner
UPLOAD_MB = MAX_WEIGHTS_BYTES // 2**20
SUFFIXES = {"pt": "-weights", "csv": "-metrics", "zip": "-script"}
SESSIONS: dict[str, LabSession] = {labs.PLAYGROUND.file: playground_controls.LAB,
                                   labs.IMAGE_LAB.file: image_controls.LAB,
                                   labs.SEQUENCE_LAB.file: sequence_controls.LAB}


def _builder(build: Callable[[], bytes | str],
             lock: threading.Lock | None = None) -> Callable[[], bytes]:
    """A download's data, built on Streamlit's download thread when clicked; under the lab's
    lock where training could change what it reads (weights, curves)."""
    def data() -> bytes:
        with lock if lock is not None else nullcontext():
            out = build()
        return out.encode() if isinstance(out, str) else out
    return data


def export_panel(lab: LabSession, trainer: Trainer) -> None:
    """The expander 'Download or open an experiment' for `lab`, whose network is `trainer`."""
    _switch_if_asked()
    if TOAST in st.session_state:
        show_toast(st.session_state.pop(TOAST), icon=":material/folder_open:")
    with st.expander("Download or open an experiment", icon=":material/download:"):
        stem, lock = file_stem(trainer.experiment), lab.lock   # (no session state off-thread)
        cols = st.columns(4)
        buttons = (
            ("Experiment (.json)", lambda: experiment_json(trainer.experiment), "json",
             "application/json", ":material/description:",
             "The settings: open them here again, or train them headless with "
             "`python -m engine train --experiment`."),
            ("Weights (.pt)", lambda: weights_bytes(trainer), "pt", "application/octet-stream",
             ":material/neurology:", "The network's weights now (a PyTorch state_dict): open "
             "them here later, or load them with torch.load(..., weights_only=True)."),
            ("Metrics (.csv)", lambda: metrics_csv(trainer.history), "csv", "text/csv",
             ":material/table:", "Loss, accuracy and learning rate per epoch."),
            ("PyTorch script (.zip)",
             lambda: script_bundle(trainer.experiment, trainer.dataset), "zip",
             "application/zip", ":material/code:", "A script that needs only torch and numpy, "
             "with this page's exact data as .npz: it trains from the same seed and prints "
             "this page's loss curve, number for number."),
        )
        for col, (label, build, ext, mime, icon, tip) in zip(cols, buttons):
            name = f"{stem}{SUFFIXES.get(ext, '')}.{ext}"
            col.download_button(label, _builder(build, lock if ext in ("pt", "csv") else None),
                                file_name=name, mime=mime,
                                on_click="ignore", icon=icon, help=tip, width="stretch",
                                key=lab.key(f"download_{ext}"))
        st.caption("The script needs only torch and numpy: it trains these settings from their "
                   "seed on this page's exact data and prints the loss curve this page draws "
                   "for them, number for number.")
        st.file_uploader(
            "Open an experiment (.json) or weights (.pt)", type=["json", "pt"],
            key=lab.key("open_file"), on_change=_opened, args=(lab,),
            max_upload_size=UPLOAD_MB,
            help="An experiment file opens on the lab that shows its data, replacing what is "
                 "there. Weights saved from this same network load into it and training "
                 "goes on from them.")
        message = st.session_state.pop(lab.key("open_message"), None)
        if message is not None:
            (show_error if message[0] == "error" else show_info)(message[1])


# ---- opening (the uploader's callback, before the page runs) -------------------------------
def _opened(lab: LabSession) -> None:
    upload = st.session_state.get(lab.key("open_file"))
    if upload is None:
        return
    name = f"'{upload.name[:80]}'"
    try:
        if upload.name.lower().endswith(".json"):
            try:
                _ask_to_open(experiment_from_bytes(upload.getvalue(), name), name)
            except SpecError as exc:
                raise SpecError(f"Cannot open {name}: {exc}") from None
            return
        if upload.size > MAX_WEIGHTS_BYTES:
            raise SpecError(f"{name} is {upload.size / 2**20:.1f} MB; weights of a network "
                            f"this app can build are at most {UPLOAD_MB} MB.")
        trainer = lab.trainer
        if trainer is None:
            raise SpecError("There is no network to load the weights into yet.")
        with lab.lock:
            load_weights(trainer, upload.getvalue(), name)
        st.session_state[lab.key("open_message")] = (
            "info", f"Loaded the weights in {name} into this network (epoch {trainer.epoch}): "
                    f"test loss {trainer.metrics.test_loss:.4g}.")
    except SpecError as exc:
        st.session_state[lab.key("open_message")] = ("error", str(exc))


def lab_for(exp: Experiment) -> labs.Page:
    """The lab page that shows the experiment's data; SpecError when none does yet."""
    dataset = exp.data.dataset
    for page in labs.LABS:
        if dataset in page.datasets and page.file in SESSIONS:
            return page
    shown = next((page for page in labs.LABS if dataset in page.datasets), None)
    if shown is not None:                # a lab shows it, but opens no experiment files yet
        raise SpecError(f"This experiment trains on {DATASETS[dataset].title} ({dataset}), "
                        f"which the {shown.title} shows but cannot open from a file yet: open "
                        f"the {shown.title} and pick it there, or train it headless: python -m "
                        "engine train --experiment FILE.json")
    raise SpecError(f"This experiment trains on {DATASETS[dataset].title} ({dataset}), which "
                    f"no lab page shows yet. Train it headless: python -m engine train "
                    f"--experiment FILE.json")


def _ask_to_open(exp: Experiment, name: str) -> None:
    """Remember which lab opens `exp` (and its link); the panel switches there next."""
    page = lab_for(exp)
    notes, dataset = [], exp.data.dataset
    if page is labs.IMAGE_LAB and exp.data != DATA_DEFAULTS[dataset]:
        notes.append(f"The image lab trains on its own split of {DATASETS[dataset].title} (up "
                     f"to {image_controls.full_train_size(dataset):,} training images), so the "
                     f"other data settings in {name} were left out.")
    st.session_state[OPENING] = (page.file, exp.to_query(), notes,
                                 f"Opened {name} on the {page.title} page.")


def _switch_if_asked() -> None:
    """Open the experiment an upload asked for: the lab starts afresh from its link."""
    opening = st.session_state.pop(OPENING, None)
    if opening is None:
        return
    file, params, notes, toast = opening
    SESSIONS[file].forget(notes)
    st.session_state[TOAST] = toast
    st.switch_page(f"labs/{file}", query_params=params)
