"""Change a running live view's frame interval without a whole-page rerun.

Streamlit sends a fragment's `run_every` to the browser only when the page's script defines
the fragment, so a new interval would take a full rerun, which costs as much as a first visit
(a class of 10 measured 11-24 of them per session in 35 s, each as heavy as a new student). The
browser's timer is set by an `auto_rerun` message naming the fragment, and a second message
with another interval replaces the first; this sends that message from inside the fragment's
own run. It leans on Streamlit internals (the running fragment's id), so it says whether it
could, and the caller falls back to a full rerun where it could not.
"""
from __future__ import annotations


def set_frame_interval(seconds: float) -> bool:
    """Ask the browser to rerun the fragment being run every `seconds`; False if not possible
    (no script run on this thread, no fragment running, or a Streamlit without these parts)."""
    try:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

        ctx = get_script_run_ctx(suppress_warning=True)
        fragment_id = ThreadState.get().fragment_id if ctx is not None else None
    except (ImportError, AttributeError, RuntimeError):
        return False
    if not fragment_id:
        return False
    msg = ForwardMsg()
    msg.auto_rerun.interval = seconds
    msg.auto_rerun.fragment_id = fragment_id
    ctx.enqueue(msg)
    return True
