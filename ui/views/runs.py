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
                    **({"augmentation": augmentation_text(trainer.spec)}
                       if DATASETS[trainer.dataset.name].kind == "image" else {}),
                    "epochs": trainer.epoch,
                    "best test acc": float(max(trainer.history.column("test_acc")))})
    del runs[MAX_RUNS:]


def augmentation_text(spec) -> str:
    """The run's augmentation in a few words ("shift 0.125, turn 15°"), or "off"."""
    parts = [f"{label} {value:g}{unit}" for label, value, unit in (
        ("shift", spec.aug_shift, ""), ("turn", spec.aug_rotate, "°"),
        ("zoom", spec.aug_scale, ""), ("noise", spec.aug_noise, ""),
        ("cutout", spec.aug_cutout, "")) if value]
    if spec.aug_flip:
        parts.insert(0, "mirror")
    return ", ".join(parts) or "off"


def runs_table(runs: list[dict]) -> None:
    if not runs:
        return
    with st.expander(f"Your earlier runs ({len(runs)}): what did more data or another "
                     "network buy?", icon=":material/history:"):
        st.dataframe(runs, hide_index=True, width="stretch",
                     column_config={"best test acc": st.column_config.NumberColumn(
                         format="percent")})
