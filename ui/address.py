"""The address bar as a link to a lab's exact state: its experiment's parameters plus what every
lab adds (the open lesson and progress, presentation mode, a hidden inside panel)."""
from __future__ import annotations

import streamlit as st

from ui.lessons import lesson_params
from ui.presentation import HIDE_KEY, INSIDE, hides_inside, link_params
from ui.session import LabSession


def set_address(lab: LabSession, params: dict[str, str], *, hide_inside: bool = True) -> None:
    """Write `params` and the shared parts to the address bar, only when they changed (a
    write reruns nothing, but costs a message to the browser). `hide_inside=False` for a lab
    that writes its own `hide=` list."""
    params = {**params, **lesson_params(lab)}
    if hide_inside and hides_inside(lab):
        params[HIDE_KEY] = INSIDE
    params.update(link_params())
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
