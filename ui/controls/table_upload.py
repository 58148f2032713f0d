"""The data lab's CSV upload: the file, the column to predict and the sensitive column.

The file is read once per upload (keyed by its digest) into a DataFrame kept in this session
only; a hostile file leaves a message and no table, never an exception. Preparing it for the
chosen target is cached by digest and choices (ui.controls.tables.csv_table).
"""
from __future__ import annotations

import streamlit as st

from datasets import DatasetError
from datasets.table import Table
from engine.spec.limits import LIMITS
from ui.controls.tables import csv_table, k, read_upload, upload_digest
from ui.messages import show_error, show_warning

NONE = "(none)"


def _read(data: bytes) -> None:
    digest = upload_digest(data)
    held = st.session_state.get(k("upload"))
    if held is not None and held[0] == digest:
        return
    try:
        _, frame, notes = read_upload(data)
    except DatasetError as exc:
        st.session_state[k("upload")] = (digest, None, [], str(exc))
        return
    st.session_state[k("upload")] = (digest, frame, notes, "")
    st.session_state[k("target")] = str(frame.columns[-1])     # the usual place of a label
    st.session_state[k("sensitive")] = NONE


def upload_controls() -> tuple[str, object] | None:
    """The uploader and the column pickers; returns (digest, frame) or None (no usable file)."""
    max_mb = LIMITS["csv_bytes"][1] / 1e6
    file = st.file_uploader(
        "CSV file", type=["csv", "txt"], key=k("file"),
        max_upload_size=max(1, int(LIMITS["csv_bytes"][1] // 1_000_000)),
        help=f"A table with a header row, at most {max_mb:.0f} MB, "
             f"{LIMITS['csv_rows'][1]:,} rows and {LIMITS['csv_columns'][1]} columns. Cells "
             "are read as data (a formula such as =SUM(A1) is just text).")
    if file is None:
        st.session_state.pop(k("upload"), None)
        return None
    _read(file.getvalue())
    digest, frame, notes, error = st.session_state[k("upload")]
    if error:
        show_error(error)
        return None
    for note in notes:
        show_warning(note, icon=":material/info:")
    columns = [str(c) for c in frame.columns]
    if st.session_state.get(k("target")) not in columns:
        st.session_state[k("target")] = columns[-1]
    st.selectbox("Column to predict", columns, key=k("target"),
                 help="The target. Text or a few distinct values: classification; many "
                      "numbers: regression. The other columns are the inputs.")
    options = [NONE] + [c for c in columns if c != st.session_state[k("target")]]
    if st.session_state.get(k("sensitive")) not in options:
        st.session_state[k("sensitive")] = NONE
    st.selectbox("Sensitive column", options, key=k("sensitive"),
                 help="A column such as a group or gender: the page then shows accuracy and "
                      "error rates per group, and the gaps between groups.")
    return digest, frame


def prepared_upload(digest: str, frame, train_ratio: float, seed: int,
                    balance: bool, reweigh: bool) -> Table | None:
    """The upload prepared for the chosen columns, or None after a message."""
    sensitive = st.session_state.get(k("sensitive"), NONE)
    try:
        return csv_table(digest, st.session_state[k("target")],
                         "" if sensitive == NONE else sensitive, train_ratio, seed, balance,
                         reweigh, frame)
    except DatasetError as exc:
        show_error(exc)
        return None
