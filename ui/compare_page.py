"""Compare mode's section of a lab page, the same in every lab that trains a Trainer.

A lab calls `compare_section` instead of its own body while its "Compare two runs" switch is
on: the single run pauses, run B's settings are read (and drawn below the views, where they
stay in sight), both runs follow the controls, and the shared play bar and live fragment train
and draw the pair. The lab says only what differs: its data, its link, its extra fields.
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

from engine.inspect.compare import capture_pair
from engine.spec import Experiment
from engine.train.pair import RunPair
from ui.compare import CompareSession, differences_table, run_b_controls
from ui.live import live_view, play_bar
from ui.messages import show_warning
from ui.session import LabSession
from ui.views.compare import draw_pair

SWITCH_HELP = ("Train a copy of this experiment (run B) beside it, on the same data and seed; "
               "change B's settings and watch which learns better. Play, Pause and Step act on "
               "both runs.")


def compare_switch(single: LabSession, where=st) -> bool:
    """The "Compare two runs" switch of a lab (its key: the lab's `compare`)."""
    return where.toggle("Compare two runs", key=single.key("compare"), help=SWITCH_HELP)


def compare_section(single: LabSession, pair_lab: CompareSession, exp_a: Experiment, *,
                    write_link: Callable[[RunPair], None], tick: float, what: str = "points",
                    data: Callable[[Experiment], object] | None = None,
                    rebuild_key: object = None, features: tuple[str, ...] = (),
                    more: tuple[tuple[str, ...], ...] = (), hidden: set[str] = frozenset(),
                    options: Callable[[], dict] | None = None, hold_training: bool = True,
                    lesson: Callable[[], None] | None = None,
                    b_controls: Callable[[], tuple[object, list[str]]] | None = None,
                    capture: Callable = capture_pair,
                    draw: Callable[[object, RunPair, dict], None] | None = None) -> RunPair | None:
    """Runs A and B of `exp_a` side by side; returns the pair (None if A cannot be built).

    `options()` draws a lab's view switches under the play bar and returns them as keyword
    arguments of `draw_pair` (the 2D page's test points and discretized output);
    `hold_training` as for `live_view` (off for conv nets, whose kernels release the GIL).
    A lab whose runs are not Experiments (the GAN lab) brings its own `b_controls()` (run B
    and notes), `capture` and `draw(frame, pair, options)`."""
    single.stop()
    st.session_state[single.key("play")] = False   # the single run's switch is not drawn here
    top, editor = st.container(), st.container()
    with editor.expander("Run B: what it changes", expanded=True, icon=":material/compare:"):
        exp_b, notes = (b_controls() if b_controls is not None
                        else run_b_controls(pair_lab, exp_a, features=features, more=more))
        for note in notes:
            show_warning(note)
        differences_table(exp_a, exp_b, pair_lab.kind)
    with top:
        pair = pair_lab.sync_pair(exp_a, exp_b, data=data, rebuild_key=rebuild_key)
        if pair is None:
            return None
        write_link(pair)
        play_bar(pair_lab, what=what, hidden=set(hidden) | {"timeline"})
        drawn = options() if options is not None else {}

        def draw_frame(frame) -> None:
            if draw is not None:
                draw(frame, pair, drawn)
            else:
                draw_pair(frame, (pair.a.dataset, pair.b.dataset), playing=pair_lab.playing,
                          **drawn)

        live_view(pair_lab, capture=capture, tick=tick, hold_training=hold_training,
                  after=lesson, draw=draw_frame)
    return pair
