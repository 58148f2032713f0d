"""The lesson bar on a lab page: what to read, the goal, hints one at a time, and live status.

The bar is drawn by the full run; its status box is filled by the live fragment on every frame
(`after` hook of ui.live.live_view), so "Goal met" shows in the frame that meets it, and that
frame asks for one full run so the bar offers what to notice and the next lesson.
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

from engine.lessons import Lesson
from engine.lessons.goals import Progress
from ui.labs import LESSONS
from ui.lessons import (LESSON_KEY, active, catalog, lab_page, lesson_link, mark_done,
                        open_lesson, progress, watch)
from ui.messages import show_warning
from engine.train.pair import RunB, RunPair
from ui.session import LabSession

DONE_MARK = ":green[:material/check_circle:]"
OPEN_MARK = ":gray[:material/radio_button_unchecked:]"


def _reveal(lab: LabSession, shown: int) -> None:
    """One more hint (idempotent: a click that fires twice still reveals one)."""
    key = lab.key("lesson_hints")
    st.session_state[key] = max(st.session_state.get(key, 0), shown + 1)


def _leave(lab: LabSession) -> None:
    """Close the lesson; the link forgets it too (else it would open the lesson again)."""
    open_lesson(lab, None)
    st.query_params.pop(LESSON_KEY, None)


def status_text(progress: Progress) -> str:
    """The goal's checklist as one markdown line (our own words and numbers only)."""
    parts = []
    for state in progress.checks:
        mark = DONE_MARK if state.ok else OPEN_MARK
        now = f" (now {state.now})" if state.now is not None and not state.ok else ""
        parts.append(f"{mark} {state.text}{now}")
    return " &nbsp;·&nbsp; ".join(parts)


def _draw_status(progress: Progress | None) -> None:
    if progress is not None and progress.met:
        st.success("**Goal met!** Read what to notice below.", icon=":material/celebration:")
    if progress is not None:
        st.markdown(status_text(progress))
    else:
        st.caption("The goal is checked as the network trains.")


def _next(lesson: Lesson) -> None:
    """The way on: the next lesson, or the list when this was the last."""
    following = catalog().after(lesson)
    page = lab_page(following.lab) if following is not None else None
    if following is not None and page is not None:
        st.page_link(str(page.script), label=f"Next: lesson {following.number} · "
                     f"{following.title}", icon=":material/arrow_forward:",
                     query_params=lesson_link(following),
                     help="Open the next lesson (your progress goes with it).")
    else:
        st.page_link(str(LESSONS.script), label="That was the last lesson: back to the list",
                     icon=":material/school:", help="All lessons, with the ones you have done.")


def _hints_shown(lab: LabSession, lesson: Lesson) -> None:
    """The hints revealed so far."""
    shown = min(int(st.session_state.get(lab.key("lesson_hints"), 0)), len(lesson.hints))
    for i, hint in enumerate(lesson.hints[:shown]):
        st.markdown(f":material/lightbulb: **Hint {i + 1}.** {hint}")


def _hint_button(lab: LabSession, lesson: Lesson) -> None:
    shown = min(int(st.session_state.get(lab.key("lesson_hints"), 0)), len(lesson.hints))
    left = len(lesson.hints) - shown
    st.button(f"Next hint ({left} left)" if left else "No more hints", key=lab.key("hint"),
              on_click=_reveal, args=(lab, shown), disabled=not left,
              icon=":material/lightbulb:",
              help="Stuck? Reveal one hint at a time; try on your own first.")


def lesson_bar(lab: LabSession, follow: LabSession | None = None) -> Callable[[], None] | None:
    """Draw the open lesson's bar (nothing without one); returns the live fragment's hook.
    `follow`: the session whose run the goal watches, when not the lab's own (compare mode:
    its pair's run B, with run A beside it)."""
    lesson = active(lab)
    if lesson is None:
        return None
    done, notes = progress()
    for note in notes:
        show_warning(note)
    goal = watch(lab)
    met = goal is not None and goal.met
    with st.container(border=True, key=lab.key("lesson_bar")):
        st.markdown(f"##### :material/school: Lesson {lesson.number} · {lesson.title}")
        with st.expander(f"{lesson.topic}: read this first", expanded=not met):
            st.markdown("\n\n".join(lesson.text))
        st.markdown(f"**Goal:** {lesson.goal}")
        status = st.container(key=lab.key("lesson_status"))
        with status:
            st.empty()                # the live fragment's writes go here (see below)
        if met:
            st.markdown(f"**What to notice:** {lesson.notice}")
        else:
            if lesson.id in done:
                st.caption("You have met this goal before; it is checked again on this run.")
            _hints_shown(lab, lesson)
        with st.container(horizontal=True, vertical_alignment="center"):
            if not met:
                _hint_button(lab, lesson)
            if met or lesson.id in done:
                _next(lesson)
            st.page_link(str(LESSONS.script), label="All lessons", icon=":material/list:",
                         help=f"The lesson list ({len(done)} of {len(catalog().lessons)} done).")
            st.button("Leave lesson", key=lab.key("leave_lesson"), on_click=_leave,
                      args=(lab,), icon=":material/close:",
                      help="Close the lesson; the experiment stays as it is.")

    def live() -> None:
        """Inside the live fragment: check the goal on this frame's run, redraw the status."""
        source = follow or lab
        trainer, recorder = source.trainer, source.recorder
        current = watch(lab)
        if trainer is None or current is None:
            return
        if isinstance(trainer, RunPair):
            trainer, recorder = RunB(trainer), None
        with source.lock:
            now = current.observe(trainer, recorder, (source.prefix, source.run_id))
        with status:
            _draw_status(now)
        if now.just_met:
            mark_done(lesson)
            st.rerun(scope="app")     # the bar offers what to notice and the next lesson

    return live
