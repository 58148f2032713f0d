"""The rewind timeline: while paused, a slider over recorded moments; Play from one branches.

Moving the slider restores that checkpoint into the trainer, so every view of the page (output
map, neurons, numbers, the inside panel) shows that moment; later checkpoints and curves are
kept, and moving back to the right end restores the latest moment exactly. The first training
from a past moment (Play, or a Step button) forks the run there: the trainer drops the future
and notes the branch point, which the curves draw as a dashed line.
"""
from __future__ import annotations

from typing import ContextManager

import streamlit as st

from engine.train import Trainer


def timeline_key(key_prefix: str) -> str:
    return f"{key_prefix}_timeline"


def on_play(trainer: Trainer, *, lock: ContextManager) -> float | None:
    """Call when Play is on: fork the run if it shows a past moment (idempotent).

    Returns the branch position in epochs, or None when there was nothing to fork.
    """
    with lock:
        return trainer.branch()


def timeline_marks(trainer: Trainer) -> tuple[tuple[float, ...], float | None]:
    """(branch points, viewed moment or None) for curves_svg(markers=..., cursor=...).

    Reads the trainer: call it under the page's lock (e.g. inside the live fragment's lock).
    """
    return tuple(trainer.branches), (trainer.position if trainer.rewound else None)


def _scrub(trainer: Trainer, key: str, lock: ContextManager) -> None:
    steps = st.session_state.get(key)
    with lock:
        if steps is not None and steps != trainer.steps:
            try:
                trainer.rewind(steps)
            except KeyError:                 # thinned away meanwhile: stay where we are
                pass


def timeline_control(trainer: Trainer, *, key_prefix: str, lock: ContextManager,
                     playing: bool) -> float | None:
    """Draw the timeline; returns the epoch being viewed when it is in the past, else None."""
    key = timeline_key(key_prefix)
    if playing:
        on_play(trainer, lock=lock)
        return None
    with lock:
        trainer.mark()                      # the paused moment itself is always reachable
        moments = trainer.timeline.checkpoints
        labels = {c.steps: c.label() for c in moments}
        steps, rewound, position = trainer.steps, trainer.rewound, trainer.position
    options = list(labels)
    if len(options) < 2:
        st.caption("Timeline: train a little, then pause to look back at earlier moments.")
        return None
    if steps in labels:
        st.session_state[key] = steps       # follow the trainer (training moved it meanwhile)
    st.select_slider(
        "Timeline", options, format_func=labels.get, key=key, on_change=_scrub,
        args=(trainer, key, lock),
        help="Go back to an earlier moment: every view shows the network as it was then. "
             "Press Play from there to try something else (a new branch); drag to the right "
             "end to return to the latest moment.")
    if rewound:
        st.caption(f"Viewing {labels.get(steps, '')}: Play continues from here as a new branch "
                   "(the later part of the run is then dropped).")
        return position
    return None
