"""Which image set the lab trains on: offline sets at once, download sets on request.

A download set that is not cached yet shows a Download button with a progress bar; offline
(or when the download fails) the page says so and keeps working with the set it had.
"""
from __future__ import annotations

import streamlit as st

from datasets import DATASETS, Dataset, DatasetError
from engine.data import load_data
from engine.spec.presets import DATA_DEFAULTS
from ui.controls.images import full_train_size, is_available, k
from ui.messages import show_error, show_info, show_warning


@st.cache_resource(show_spinner=False, max_entries=4)
def load_images(dataset: str, _progress=None) -> Dataset:
    """A whole image set, shared by every session: safe because a Dataset is frozen and its
    arrays are read-only; and cheap, because cache_data would unpickle a copy per call."""
    return load_data(DATA_DEFAULTS[dataset], progress=_progress)


def _download(name: str) -> None:
    """Fetch a download set with a progress bar; offline, note why and keep the current data."""
    title = DATASETS[name].title
    bar = st.progress(0.0, text=f"Downloading {title}…")

    def progress(done: int, total: int | None) -> None:
        bar.progress(min(done / total, 1.0) if total else 0.0,
                     text=f"Downloading {title}: {done / 1e6:.1f} MB")

    try:
        load_images(name, _progress=progress)
        st.session_state[k("dl_errors")].pop(name, None)
        st.session_state[k("train_size")] = full_train_size(name)
    except DatasetError as exc:        # OfflineError included
        st.session_state[k("dl_errors")][name] = str(exc)
    bar.empty()


def dataset_in_use(fallback: str) -> str:
    """The picked dataset when its images are here, else `fallback` (or digits)."""
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
    fallback = fallback if is_available(fallback) else "digits"
    if error:
        kind = show_warning if "offline" in error else show_error
        kind(f"{error} The page keeps working with {DATASETS[fallback].title}.",
             icon=":material/wifi_off:")
    else:
        show_info(f"{info.title} is not on this computer yet: press Download. Until then the "
                f"page uses {DATASETS[fallback].title}.", icon=":material/download:")
    return fallback
