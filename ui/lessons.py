"""Lessons inside the app: the catalog, the lesson a lab has open, and progress.

Progress (the ids of lessons whose goal was met) lives in the session and in the link
(`done=id,id`), so a student who bookmarks a lesson's page gets back to it with their
progress; `lesson=<id>` (or the lesson's number) opens a lab with that lesson's link, which is
exactly a classroom link. Everything read from a link is checked against the catalog; what
does not fit gets a plain note, never a traceback.
"""
from __future__ import annotations

from typing import Mapping

import streamlit as st

from engine.lessons import LESSONS_DIR, Catalog, Lesson, load_catalog
from engine.lessons.goals import Watch
from engine.lessons.load import query
from engine.spec.fields import FIELDS_BY_URL, MODEL_URL_KEY, shown
from ui.labs import LABS, OTHER_LABS, Page
from ui.session import LabSession

LESSON_KEY, DONE_KEY = "lesson", "done"       # link keys
PROGRESS = "lessons_done"                     # session key: ids done, in the order met
MAX_DONE_TOKENS = 200                         # ids read from one link at most
EXPERIMENT_KEYS = frozenset(FIELDS_BY_URL) | {MODEL_URL_KEY}


@st.cache_resource(show_spinner=False, max_entries=4)
def _catalog(signature: tuple) -> Catalog:
    """Shared by every session: a Catalog is frozen all the way down (cache_data would
    unpickle a copy on every call, and the live view asks once per frame)."""
    return load_catalog()


def catalog() -> Catalog:
    """Every lesson file, re-read when one changes (an instructor editing a copy sees it)."""
    signature = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(LESSONS_DIR.glob("*.toml")))
    return _catalog(signature)


def lab_page(name: str) -> Page | None:
    """The lab page a lesson's `lab` names ("playground", "images")."""
    return next((lab for lab in (*LABS, *OTHER_LABS) if name in (lab.url_path, *lab.aliases)),
                None)


# ---- progress --------------------------------------------------------------------------
def read_done(values: list[str], cat: Catalog) -> tuple[list[str], list[str]]:
    """Known lesson ids from a link's `done=` values, and a note if some were not."""
    tokens = [t for v in values for t in v.split(",") if t][:MAX_DONE_TOKENS]
    known = [t for t in dict.fromkeys(tokens) if cat.get(t) is not None]
    ids = [cat.get(t).id for t in known]
    unknown = [t for t in tokens if cat.get(t) is None]
    notes = []
    if unknown:
        notes.append(f"The link marks {len(unknown)} lesson(s) as done that this app does not "
                     f"have (such as {shown(unknown[0])}); they were left out.")
    return list(dict.fromkeys(ids)), notes


def progress(cat: Catalog | None = None) -> tuple[list[str], list[str]]:
    """Ids of the lessons done (this session's, plus any the link lists) and notes on the
    link's values that were not lesson ids."""
    cat = cat or catalog()
    done = st.session_state.setdefault(PROGRESS, [])
    from_link, notes = read_done(st.query_params.get_all(DONE_KEY), cat)
    done.extend(i for i in from_link if i not in done)
    return done, notes


def mark_done(lesson: Lesson) -> None:
    done = st.session_state.setdefault(PROGRESS, [])
    if lesson.id not in done:
        done.append(lesson.id)


def done_param(done: list[str]) -> dict[str, str]:
    """The link's share of the progress ({} when nothing is done yet)."""
    return {DONE_KEY: ",".join(done)} if done else {}


# ---- the lesson a lab has open ---------------------------------------------------------------
def _asked(params: Mapping[str, list[str]]) -> str | None:
    values = params.get(LESSON_KEY) or []
    return values[-1] if values else None


def active(lab: LabSession) -> Lesson | None:
    """The lesson open in this lab, if any."""
    return catalog().get(st.session_state.get(lab.key("lesson")))


def open_lesson(lab: LabSession, lesson: Lesson | None) -> None:
    """Make `lesson` the lab's lesson (None: leave it), with a fresh goal watch and no hints."""
    st.session_state[lab.key("lesson")] = lesson.id if lesson else None
    st.session_state[lab.key("lesson_watch")] = Watch(lesson) if lesson else None
    st.session_state[lab.key("lesson_hints")] = 0


def watch(lab: LabSession) -> Watch | None:
    found = st.session_state.get(lab.key("lesson_watch"))
    lesson = active(lab)
    if lesson is None:
        return None
    if found is None or found.lesson != lesson:     # the file changed, or a new session
        found = Watch(lesson)
        st.session_state[lab.key("lesson_watch")] = found
    return found


def with_lesson(params: dict[str, list[str]], lab: LabSession, lab_name: str
                ) -> tuple[dict[str, list[str]], list[str]]:
    """The link's parameters with its lesson's link underneath (a link holding an experiment
    of its own keeps it: that is a student's saved place), and notes; opens the lesson."""
    key = _asked(params)
    if key is None:
        return params, []
    lesson = catalog().get(key)
    if lesson is None:
        return params, [f"The link asks for lesson {shown(key)}, which this app does not "
                        "have; the lab opened without a lesson (the Lessons page lists them)."]
    page = lab_page(lesson.lab)
    if lesson.lab != lab_name:
        where = page.title if page else lesson.lab
        return params, [f"Lesson {lesson.number} ({lesson.title}) is a lesson of the {where}; "
                        "open it from the Lessons page."]
    open_lesson(lab, lesson)
    if not EXPERIMENT_KEYS & params.keys():
        params = {**query(lesson.link), **params}
    return params, []


def lesson_changed(lab: LabSession, lab_name: str) -> bool:
    """The link asks this lab for a lesson other than the one it has open (a click on the
    Lessons page or on Next lesson): the lab opens again, from that lesson's link."""
    key = _asked({LESSON_KEY: st.query_params.get_all(LESSON_KEY)})
    lesson = catalog().get(key) if key else None
    current = st.session_state.get(lab.key("lesson"))
    return lesson is not None and lesson.lab == lab_name and lesson.id != current


def lesson_params(lab: LabSession) -> dict[str, str]:
    """What a lab's link carries of its lesson: the lesson and the progress."""
    lesson = active(lab)
    if lesson is None:
        return {}
    done = st.session_state.get(PROGRESS, [])
    return {LESSON_KEY: lesson.id, **done_param(done)}


def lesson_link(lesson: Lesson) -> dict[str, str]:
    """Query parameters of a link that opens `lesson` (with this session's progress)."""
    return {LESSON_KEY: lesson.id, **done_param(st.session_state.get(PROGRESS, []))}
