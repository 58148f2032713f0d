"""Lessons page: every lesson by topic, which ones are done, and a note for instructors.

Lessons are TOML files in `lessons/` (engine.lessons reads them); a lesson opens its lab with
`lesson=<id>`, and the lab's lesson bar checks its goal live. Progress lives in the session and
in this page's link (`done=`), so a bookmarked list shows the same ticks.
"""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

from engine.lessons import Lesson
from ui.lessons import DONE_KEY, catalog, done_param, lab_page, lesson_link, progress
from ui.messages import show_warning
from ui.views.lesson_bar import DONE_MARK, OPEN_MARK


def _share_link(lesson: Lesson) -> str:
    """The address that opens this lesson for anyone (no progress in it)."""
    page = lab_page(lesson.lab)
    url = urlsplit(str(st.context.url or ""))
    root = url.path.rsplit("/", 1)[0]                # this page's path without "lessons"
    path = f"{root}/{page.url_path}" if page is not None else root
    return f"{url.scheme}://{url.netloc}{path}?{urlencode({'lesson': lesson.id})}"


def _lesson(lesson: Lesson, done: bool) -> None:
    page = lab_page(lesson.lab)
    with st.container(border=True, key=f"lesson_{lesson.id}"):
        cols = st.columns([5, 1.4], vertical_alignment="center")
        mark = DONE_MARK if done else OPEN_MARK
        badge = " :green-badge[Done]" if done else ""
        cols[0].markdown(f"{mark} **{lesson.number}. {lesson.title}**{badge} · "
                         f"{page.title if page else lesson.lab}  \n{lesson.goal}")
        if page is not None:
            cols[1].page_link(str(page.script), label="Open lesson",
                              icon=":material/play_arrow:", query_params=lesson_link(lesson),
                              help=f"Opens the {page.title} with this lesson's settings and "
                                   "goal (it replaces the experiment open there).")
        with st.expander("For instructors"):
            st.markdown(f"**In class:** {lesson.instructor}")
            steps = [step.say for step in lesson.solution if step.say]
            if steps:
                st.markdown("**A solution:** " + " Then: ".join(steps))
            st.caption("A link that opens this lesson (share it with the class):")
            st.code(_share_link(lesson), language=None, wrap_lines=True)
            st.caption(f"File: lessons/{lesson.source}. Copy it to make a lesson of your own.")


def lessons_page() -> None:
    cat = catalog()
    done, notes = progress(cat)
    for note in notes:
        show_warning(note)
    for error in cat.errors:                          # an instructor's copy that needs fixing
        show_warning(error, icon=":material/edit_note:")
    st.title("Lessons")
    st.markdown("Short guided experiments. Each one opens a lab with a goal that the app "
                "checks while the network trains; hints come one at a time, and once the "
                "goal is met the lesson says what to notice and offers the next one.")
    total = len(cat.lessons)
    finished = sum(lesson.id in done for lesson in cat.lessons)
    st.progress(finished / total if total else 0.0, text=f"{finished} of {total} done")
    for topic, lessons in cat.topics().items():
        st.subheader(topic)
        for lesson in lessons:
            _lesson(lesson, lesson.id in done)
    wanted = done_param([i for i in done if cat.get(i) is not None])
    if st.query_params.get_all(DONE_KEY) != list(wanted.values()):
        st.query_params.from_dict(wanted)


lessons_page()
