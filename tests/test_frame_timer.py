"""A live view changes its frame interval from inside its own run (no whole-page rerun)."""
from streamlit.testing.v1 import AppTest


def _page():
    import streamlit as st

    from ui.frame_timer import set_frame_interval

    st.session_state["outside"] = set_frame_interval(1.0)

    @st.fragment(run_every=None)
    def view():
        st.session_state["inside"] = set_frame_interval(1.5)

    view()


def test_inside_a_fragment_it_can_and_outside_it_says_it_cannot():
    at = AppTest.from_function(_page).run()
    assert not at.exception
    assert at.session_state["inside"] is True
    assert at.session_state["outside"] is False
    from ui.frame_timer import set_frame_interval
    assert set_frame_interval(1.0) is False        # no script run on this thread at all
