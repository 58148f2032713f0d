"""The shared live loop: the play bar, the live fragment and the inside-the-network fragment.

A lab hands over two functions: `capture(trainer, recorder) -> snapshot` (engine.inspect,
numpy out; called under the session lock) and `draw(snapshot)` (ui.views; no lock). Training
runs on the session's background thread while the page keeps asking for frames (its lease),
so drawing never steals training time; in slow motion (1 batch / 1 epoch per frame) the
fragment itself takes the step.
"""
from __future__ import annotations

import time
from contextlib import nullcontext
from typing import Callable, TypeVar

import streamlit as st

from engine.train.runtime import configure_torch, warm_up_optimizers
from engine.train.scheduler import shared_scheduler
from engine.train.worker_pool import shared_pool
from ui.frame_budget import SIDE_SHARE, shared_frame_budget
from ui.frame_timer import set_frame_interval
from ui.messages import show_info
from ui.presentation import hides_inside, key_hint, presenting, shortcut
from ui.session import LabSession
from ui.views.inside import inside_panel
from ui.views.timeline import timeline_control

Snap = TypeVar("Snap")
SPEEDS = ("1 batch", "1 epoch", "full speed")
INSIDE_TICK = 2.0     # the diagnostics refresh every 2 s while training (charts when paused)
INSIDE_SLOWEST = 8.0  # ... and at least every 8 s on a server shared by a whole class
EPOCH_SLICE = 0.3     # slow motion trains at most this long per frame: a long epoch spans a
                      # few frames, and Pause is never stuck behind it


def play_bar(lab: LabSession, *, hidden: set[str] = frozenset(), what: str = "points",
             extra: Callable[[list], None] | None = None,
             on_reset: Callable | None = None) -> bool:
    """Play/Pause, Step batch, Step epoch, Reset and Speed; returns whether Play is on.

    `extra(columns)` may fill the bar's last columns with the lab's own view options.
    """
    lab.settle_play_switch()
    top, right = st.columns([1.3, 1], vertical_alignment="bottom")
    with top.container(horizontal=True, vertical_alignment="center", key=lab.key("bar")):
        playing = _play_control(lab)
        if "step" not in hidden:
            st.button("Step batch", key=lab.key("step_batch"), on_click=lab.step,
                      args=("batch",), shortcut=shortcut("step_batch"),
                      help="Train on one mini-batch, then stop: watch a single update."
                           + key_hint("step_batch"))
            st.button("Step epoch", key=lab.key("step_epoch"), on_click=lab.step,
                      args=("epoch",), shortcut=shortcut("step_epoch"),
                      help=f"Train one pass over all training {what}, then stop."
                           + key_hint("step_epoch"))
        if "reset" not in hidden:
            st.button("Reset", key=lab.key("reset"), on_click=lab.reset, args=(on_reset,),
                      shortcut=shortcut("reset"),
                      help="Start again from the initial weights (the training seed picks "
                           "them); the data and settings stay." + key_hint("reset"))
    cols = right.columns([1, 1.2], vertical_alignment="bottom")
    # Streamlit forgets a widget's value after a visit to another page: back at full speed
    st.session_state.setdefault(lab.key("speed"), SPEEDS[-1])
    cols[0].select_slider("Speed", SPEEDS, key=lab.key("speed"),
                          help="Slow motion trains one batch or one epoch per frame, so a class "
                               "can follow every step; full speed trains as much as it can.")
    if extra is not None:
        extra(cols[1:])
    note = lab.step_note()
    if note:
        show_info(note, icon=":material/timer:")
    if "timeline" not in hidden:   # a fixed slot: the live fragment below keeps its place
        with st.container(key=lab.key("timeline_slot")):
            timeline_control(lab, playing=playing)
    return playing


def _play_control(lab: LabSession) -> bool:
    """The Play switch; while presenting, a Play/Pause button with a key (a toggle takes no
    shortcut). The button sets the value it shows, never flips it: a click that Streamlit
    delivers twice (seen with a `run_every` fragment on the page) cannot cancel itself."""
    help_text = ("Start or pause training. Settings you change while it runs take effect at "
                 "once, without resetting the weights.")
    if not presenting():
        return st.toggle("Play", key=lab.key("play"), help=help_text)
    playing = st.session_state[lab.key("play")] = lab.playing   # kept while the switch is away
    st.button("Pause" if playing else "Play", key=lab.key("play_button"), type="primary",
              icon=":material/pause:" if playing else ":material/play_arrow:",
              on_click=_set_playing, args=(lab, not playing), shortcut=shortcut("play"),
              help=help_text + key_hint("play"))
    return playing


def _set_playing(lab: LabSession, on: bool) -> None:
    st.session_state[lab.key("play")] = on


def live_view(lab: LabSession, *, capture: Callable[..., Snap], draw: Callable[[Snap], None],
              tick: float, before: Callable[[], None] | None = None,
              after: Callable[[], None] | None = None, hold_training: bool = True) -> None:
    """The live fragment: one frame per `tick` while playing, one when paused.

    `tick` is the interval the lab would like; on a busy server the frame budget
    (ui.frame_budget) stretches it so that every playing session still gets frames, and the
    view says when training is shared with other sessions.
    `before()` runs at the start of every fragment run (a lab may ask for a full rerun there,
    e.g. after a click on the network view); `after()` at its end (a lesson's goal status,
    which so turns to "met" in the frame that meets it). With `hold_training` the background thread waits
    while the frame is drawn (small nets: Python-bound training and drawing fight over the GIL,
    so drawing goes first); without it training goes on during drawing (conv nets spend their
    time in torch kernels that release the GIL), and only the capture takes the lock.
    """

    budget, scheduler = shared_frame_budget(), shared_scheduler()
    interval = _start_interval(lab, lab.prefix, budget.interval(lab.prefix, tick,
                                                                 scheduler.playing()))

    @st.fragment(run_every=interval if lab.playing else None)
    def live() -> None:
        configure_torch()              # per OS thread, and a fragment run gets a fresh one
        started = time.thread_time()
        trainer = lab.trainer
        if trainer is None:
            return
        runner = lab.runner()
        playing = lab.playing
        if playing and trainer.done:
            lab.stop()                 # the epoch limit (or a divergence) ends the run:
            lab.finish_playing()       # the switch follows on a full rerun
        if playing and lab.speed == "full speed":
            runner.keep_alive()        # trains between frames; stops if frames stop coming
        else:
            runner.stop()
            if playing:
                with lab.lock:
                    if lab.speed == "1 batch":
                        trainer.step(1)
                    else:
                        trainer.step_epoch(EPOCH_SLICE)
        if before is not None:
            before()
        with runner.frame() if hold_training else nullcontext():
            with lab.lock:
                snapshot = capture(trainer, lab.recorder)
            draw(snapshot)
        if after is not None:
            after()
        if playing:
            _sharing_note(scheduler)
            budget.record(lab.prefix, time.thread_time() - started)
            _follow_budget(lab, lab.prefix, budget.interval(lab.prefix, tick,
                                                            scheduler.playing()))
        warm_up_optimizers()           # after the first picture, not before it
        shared_pool().warm_up()

    live()


def follow_view(lab: LabSession, *, capture: Callable[..., Snap], draw: Callable[[Snap], None],
                tick: float, name: str) -> None:
    """A second, slower live fragment for a lab's heavy views (heatmaps, maps): it only
    captures and draws, while `live_view` drives training. Frames in between send nothing for
    these views, where one fragment would send the same heavy figures again (the browser
    redraws each one it gets). `name` keeps its frame cost apart from the main view's."""
    budget, scheduler = shared_frame_budget(), shared_scheduler()
    key = f"{lab.prefix}:{name}"
    interval = _start_interval(lab, key, budget.interval(key, tick, scheduler.playing(),
                                                         share=SIDE_SHARE))

    @st.fragment(run_every=interval if lab.playing else None)
    def follow() -> None:
        started = time.thread_time()
        trainer = lab.trainer
        if trainer is None:
            return
        with lab.lock:
            snapshot = capture(trainer, lab.recorder)
        draw(snapshot)
        if lab.playing:
            budget.record(key, time.thread_time() - started)
            _follow_budget(lab, key, budget.interval(key, tick, scheduler.playing(),
                                                     share=SIDE_SHARE))

    follow()


def _sharing_note(scheduler) -> None:
    """Say so when this session trains at a fraction of its speed because others play too."""
    text = sharing_text(scheduler.playing(), scheduler.capacity)
    if text:
        st.caption(f":material/groups: {text}")


def sharing_text(playing: int, slots: int) -> str | None:
    """"Sharing the server with 29 other playing sessions: training at about 1/30 of full
    speed", or None while every playing session has a trainer slot of its own."""
    if playing <= slots:
        return None
    others = playing - 1
    return (f"Sharing the server with {others} other playing session"
            f"{'s' if others != 1 else ''}: training at about 1/{round(playing / slots)} of "
            "full speed.")


def _start_interval(lab: LabSession, view: str, interval: float) -> float:
    """The interval a view's fragment is defined with on a full run (noted: its frames then
    compare the budget's wish with it)."""
    st.session_state[lab.key(f"interval_{view}")] = interval
    return interval


def _follow_budget(lab: LabSession, view: str, wanted: float) -> None:
    """Follow the frame budget when the load has changed enough (slower at once, faster once
    well below): a message to the browser's timer, or a full rerun where that is not possible
    (Streamlit reads `run_every` only on a full run)."""
    key = lab.key(f"interval_{view}")
    current = st.session_state.get(key, wanted)
    if not (wanted > current or wanted < 0.6 * current):
        return
    st.session_state[key] = wanted
    if not set_frame_interval(wanted):
        st.rerun(scope="app")


def inside_view(lab: LabSession, *, expanded: bool = True) -> None:
    """The inside-the-network panel in its own slow fragment (charts only while paused);
    none where the lab's hidden parts (classroom or presentation) include it. On a shared
    server its interval stretches with the others' (a small share of the frame budget)."""
    if hides_inside(lab):
        return
    budget, scheduler = shared_frame_budget(), shared_scheduler()
    key = f"{lab.prefix}:inside"

    def wanted() -> float:
        return budget.interval(key, INSIDE_TICK, scheduler.playing(), share=SIDE_SHARE,
                               slowest=INSIDE_SLOWEST)

    interval = _start_interval(lab, key, wanted())

    @st.fragment(run_every=interval if lab.playing else None)
    def inside() -> None:
        if lab.trainer is None:
            return
        started = time.thread_time()
        with lab.frame():
            inside_panel(lab, charts=not lab.playing)
        if lab.playing:
            budget.record(key, time.thread_time() - started)
            _follow_budget(lab, key, wanted())

    with st.expander("Inside the network: diagnostics and what each layer does over time",
                     expanded=expanded):
        inside()
