"""The rewind timeline: while paused, a slider over recorded moments; Play from one branches.

Moving the slider restores that checkpoint into the trainer, so every view of the page (output
map, neurons, numbers, the inside panel) shows that moment; later checkpoints and curves are
kept, and moving back to the right end restores the latest moment exactly. The first training
from a past moment (Play, or a Step button) forks the run there: the trainer drops the future
and notes the branch point, which the curves draw as a dashed line.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:
    from ui.session import LabSession


def _scrub(lab: "LabSession") -> None:
    """Show the moment the slider picked. Only while paused: a Play click in the same rerun
    must not be read as a move of the slider (that forked a false branch at epoch 0)."""
    steps = st.session_state.get(lab.key("timeline"))
    if lab.playing or steps is None:
        return
    with lab.lock:
        if steps != lab.trainer.steps:
            try:
                lab.recorder.rewind(steps)
            except KeyError:                 # thinned away meanwhile: stay where we are
                pass


def timeline_control(lab: "LabSession", *, playing: bool) -> float | None:
    """Draw the timeline; returns the epoch being viewed when it is in the past, else None."""
    trainer, recorder, key = lab.trainer, lab.recorder, lab.key("timeline")
    if trainer is None or recorder is None:
        return None
    if playing:
        with lab.lock:
            recorder.branch()               # Play from the past forks the run (idempotent)
        st.session_state.pop(key, None)
        return None
    with lab.lock:
        recorder.mark()                     # the paused moment itself is always reachable
        moments = recorder.timeline.checkpoints
        labels = {c.steps: c.label() for c in moments}
        steps, rewound, position = trainer.steps, recorder.rewound, trainer.position
    options = list(labels)
    if len(options) < 2:
        st.caption("Timeline: train a little, then pause to look back at earlier moments.")
        return None
    if steps in labels:
        st.session_state[key] = steps       # follow the trainer (training moved it meanwhile)
    st.select_slider(
        "Timeline", options, format_func=labels.get, key=key, on_change=_scrub, args=(lab,),
        help="Go back to an earlier moment: every view shows the network as it was then. "
             "Press Play from there to try something else (a new branch); drag to the right "
             "end to return to the latest moment.")
    if rewound:
        st.caption(f"Viewing {labels.get(steps, '')}: Play continues from here as a new branch "
                   "(the later part of the run is then dropped).")
        return position
    return None
