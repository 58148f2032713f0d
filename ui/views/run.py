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
    """Loss and (for classes) accuracy curves, train grey and test black, with timeline marks.

    One element for both (a live frame sends each element as a message of its own, and
    Streamlit's work per message is most of a small frame's cost); each curve keeps its key
    as a class, which presentation mode's styles select."""
    blocks = [_curve_block(f"{key_prefix}_loss_curve", "Loss: train (grey), test (black)",
                           curves_svg(run.history, "loss", markers=run.branches,
                                      cursor=run.cursor))]
    if run.classification:
        blocks.append(_curve_block(f"{key_prefix}_acc_curve",
                                   "Accuracy: train (grey), test (black)",
                                   curves_svg(run.history, "acc", markers=run.branches,
                                              cursor=run.cursor)))
    with st.container(key=f"{key_prefix}_curves"):
        st.markdown('<div style="display:flex;flex-wrap:wrap;column-gap:2.5rem">'
                    + "".join(blocks) + "</div>", unsafe_allow_html=True)


def _curve_block(key: str, title: str, svg: str) -> str:
    return (f'<div class="st-key-{key}"><div style="font-size:0.875rem;'
            f'color:rgba(49,51,63,0.6);margin-bottom:0.25rem">{title}</div>{svg}</div>')
