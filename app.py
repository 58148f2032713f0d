"""NN Playground entry point: page config, per-session set-up and navigation. Nothing else."""
from pathlib import Path

import streamlit as st

from ui.session import init_session

PAGES = Path(__file__).parent / "pages"


def run() -> None:
    """Route to the pages (a function, so tests can drive the whole app)."""
    st.set_page_config(page_title="NN Playground", page_icon="🧠", layout="wide")
    init_session()
    page = st.navigation([
        st.Page(PAGES / "playground.py", title="2D playground", icon="🎛️", default=True),
        st.Page(PAGES / "image_lab.py", title="Image lab", icon="🖼️", url_path="images"),
        st.Page(PAGES / "home.py", title="About", icon="ℹ️", url_path="about"),
    ])
    page.run()


run()
