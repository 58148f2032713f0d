"""Share an experiment: the address bar is the link; classroom mode hides chosen controls."""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ui.compare import compare_link
from ui.controls.playground import CMP, HIDABLE, HIDE_KEY, k


def share_box(hidden: set[str]) -> None:
    with st.expander("Share this experiment · classroom mode", icon=":material/share:"):
        st.caption("The address bar always holds this exact experiment: copy it to share. For "
                   "class, pick controls to hide and share the link below.")
        hide = st.multiselect("Hide these controls", list(HIDABLE), key=k("classroom_hide"),
                              format_func=HIDABLE.get, default=sorted(hidden))
        params = st.session_state[k("experiment")].to_query()
        if st.session_state.get(k("compare")):          # both runs of compare mode
            params.update(compare_link(CMP))
        if hide:
            params[HIDE_KEY] = ",".join(hide)
        base = str(st.context.url).split("?")[0] if st.context.url else ""
        st.code(f"{base}?{urlencode(params)}", language=None, wrap_lines=True)
