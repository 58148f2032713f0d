"""The page a newcomer sees when the server already serves as many sessions as it may."""
from __future__ import annotations

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.admission import shared_admission


def turned_away() -> bool:
    """Admit this session, or draw the "server is full" page and say so (the caller stops).

    Outside a real server (AppTest, bare mode) there is no one to share with: always admitted.
    """
    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return False
    admission = shared_admission()
    if admission.admit(ctx.session_id, runtime.get_instance().is_active_session):
        return False
    st.title(":material/groups: This server is full right now")
    st.markdown(
        f"It is already teaching {admission.cap} "
        f"{'person' if admission.cap == 1 else 'people'}, as many as it can keep training at a "
        "useful speed. Nothing is wrong with your link: try again in a few minutes, or ask "
        "your instructor for the address of another server.")
    st.button("Try again", type="primary", icon=":material/refresh:",
              help="Checks whether someone has left; your link is kept.")
    return True
