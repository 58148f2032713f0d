"""Background jobs on a lab page (engine.jobs): start one per name and data, poll it from a
fragment that re-runs itself while the job runs, and hold every running job while the page
draws, so a click's run goes first."""
from __future__ import annotations

from contextlib import ExitStack, contextmanager
from typing import Callable, Iterator

import streamlit as st

from engine.jobs import Job
from ui.messages import show_error
from ui.session import LabSession

POLL = 0.5     # seconds between looks at a running job


@contextmanager
def hold_jobs(lab: LabSession) -> Iterator[None]:
    """Hold this session's running jobs while the page draws (a click's run goes first)."""
    with ExitStack() as stack:
        for key in [k for k in st.session_state if str(k).startswith(lab.key("job_"))]:
            held = st.session_state.get(key)
            if held is not None and not held[1].done:
                stack.enter_context(held[1].held())
        yield


def job(lab: LabSession, name: str, data_key) -> Job | None:
    """The session's job `name` for `data_key`; one for other data (the student changed the
    table or the network since) is cancelled, so it stops using the CPU."""
    held = st.session_state.get(lab.key("job_" + name))
    if held is None:
        return None
    if held[0] != data_key:
        held[1].cancel()
        return None
    return held[1]


def start(lab: LabSession, name: str, data_key, fn) -> None:
    held = st.session_state.get(lab.key("job_" + name))
    if held is not None:
        held[1].cancel()
    st.session_state[lab.key("job_" + name)] = (data_key, Job(fn, name=f"{lab.prefix}-{name}"))


def poll(lab: LabSession, name: str, data_key, show,
         running_text: str | Callable[[], str]) -> None:
    """Show the job's result, or its progress while it runs (this fragment re-runs itself
    every POLL seconds until the job is done, then once more in full). `running_text` may be
    a function, asked at every look, for a job whose phases say different things."""
    running_job = job(lab, name, data_key)
    running = running_job is not None and not running_job.done

    @st.fragment(run_every=POLL if running else None)
    def view() -> None:
        current = job(lab, name, data_key)
        if current is None:
            return
        if not current.done:
            text = running_text() if callable(running_text) else running_text
            st.progress(current.progress, text=f"{text} {current.progress:.0%}")
            return
        if current.error:
            show_error(f"This computation failed: {current.error}")
            return
        if running:
            st.rerun(scope="app")         # turn the polling off: the job is done
        show(current.result)

    view()
