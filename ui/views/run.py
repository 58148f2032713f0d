"""What every lab shows of its run: the status line, why it stopped, and the curves."""
from __future__ import annotations

import streamlit as st

from engine.snapshot import RunState
from ui.messages import show_error, show_info
from viz.curves import curves_svg


def run_numbers(run: RunState, playing: bool) -> str:
    """The status line every lab shows above its views (markdown of our own numbers only)."""
    state = ("**Training**" if playing and not run.done else "Paused")
    text = (f"{state} · **Epoch {run.epoch:,}** · batch {run.batch_in_epoch}/"
            f"{run.batches_per_epoch} · train loss **{run.train_loss:.4f}** · test loss "
            f"**{run.test_loss:.4f}**")
    if run.classification:
        text += f" · train acc **{run.train_acc:.1%}** · test acc **{run.test_acc:.1%}**"
    return text + f" · lr {run.lr:g}"


def run_status(run: RunState) -> None:
    """Why training stopped, if it did."""
    if run.status == "diverged":
        show_error(run.reason, icon=":material/warning:")
    elif run.done:
        show_info(run.reason, icon=":material/flag:")


def curves(run: RunState, key_prefix: str) -> None:
    """Loss and (for classes) accuracy curves, train grey and test black, with timeline marks."""
    c1, c2 = st.columns(2)
    with c1.container(key=f"{key_prefix}_loss_curve"):
        st.caption("Loss: train (grey), test (black)")
        st.markdown(curves_svg(run.history, "loss", markers=run.branches, cursor=run.cursor),
                    unsafe_allow_html=True)
    if run.classification:
        with c2.container(key=f"{key_prefix}_acc_curve"):
            st.caption("Accuracy: train (grey), test (black)")
            st.markdown(curves_svg(run.history, "acc", markers=run.branches,
                                   cursor=run.cursor), unsafe_allow_html=True)
