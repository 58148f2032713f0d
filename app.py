"""NN Playground entry point: page config, per-session set-up and navigation. Nothing else
(but the answers to links too long or too many-fielded for the server, installed once:
ui/http_limits.py, ui/query_limits.py; the page for newcomers past the session cap,
ui/full_server.py; and presentation mode, which folds the sidebar away: page config is where
that is said)."""
import streamlit as st

from ui import http_limits, presentation, query_limits
from ui.full_server import turned_away
from ui.labs import PAGES
from ui.session import init_session


def _alias(target: st.Page, path: str) -> st.Page:
    """A page hidden from the menu whose URL is `path` and that opens `target`, keeping the
    link's query parameters (st.switch_page clears them unless it is given them)."""
    def go() -> None:
        params = {key: st.query_params.get_all(key) for key in st.query_params}
        st.switch_page(target, query_params=params)
    return st.Page(go, title=f"{target.title} ({path})", url_path=path, visibility="hidden")


def run() -> None:
    """Route to the pages (a function, so tests can drive the whole app)."""
    presenting = presentation.start()
    st.set_page_config(page_title="NN Playground", page_icon=":material/neurology:",
                       layout="wide", initial_sidebar_state=presentation.sidebar_state(presenting))
    presentation.style(presenting)
    http_limits.install()       # once per server process; later runs only check it is there
    query_limits.install()      # a link with too many fields gets a note, not silence
    init_session()
    if turned_away():           # past the server's session cap: a friendly page, no lab
        st.stop()
    pages, aliases = [], []
    for info in PAGES:
        # The default page's public path is "" (the root URL); its internal one must differ
        # from its alias, as Streamlit keys pages by path.
        page = st.Page(info.script, title=info.title, icon=info.icon, default=info.default,
                       url_path=info.url_path or "root", help=info.description)
        pages.append(page)
        aliases += [_alias(page, path) for path in info.aliases]
    st.navigation(pages + aliases).run()


run()
