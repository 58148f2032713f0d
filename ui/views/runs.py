"""Earlier runs of a lab, side by side: what did more data or another network buy?"""
from __future__ import annotations

import streamlit as st

from datasets import DATASETS
from engine.spec import layers_to_text

MAX_RUNS = 20


def record_run(runs: list[dict], trainer) -> None:
    """Remember a run's best test accuracy (newest first), when it trained at all."""
    if trainer.epoch == 0:
        return
    runs.insert(0, {"dataset": DATASETS[trainer.dataset.name].title,
                    "training images": len(trainer.dataset.x_train),
                    "network": layers_to_text(trainer.experiment.model.layers),
                    "epochs": trainer.epoch,
                    "best test acc": float(max(trainer.history.column("test_acc")))})
    del runs[MAX_RUNS:]


def runs_table(runs: list[dict]) -> None:
    if not runs:
        return
    with st.expander(f"Your earlier runs ({len(runs)}): what did more data or another "
                     "network buy?", icon=":material/history:"):
        st.dataframe(runs, hide_index=True, width="stretch",
                     column_config={"best test acc": st.column_config.NumberColumn(
                         format="percent")})
