"""A note, instead of silence, when Streamlit drops a whole link for having too many fields.

Streamlit reads at most 1,000 `&`-separated fields (and 512 K characters) of a query string;
beyond that `sanitize_query_string` logs a warning and hands the page an empty query, so the
lab would open its default as if no link had been given. `install()` wraps that function where
the app session calls it: a dropped query becomes one marker field, `DROPPED_KEY=<fields>`,
which `ui.links.read_link` turns into a note. Nothing of the dropped link reaches the page.

Like `ui.http_limits`, the wrap is installed by app.py's first run, so the very first session
of a fresh server gets Streamlit's silence; every later one gets the note.
"""
from __future__ import annotations

import functools
import threading
from typing import Callable

DROPPED_KEY = "_dropped_link_fields"
MAX_FIELDS = 1000                  # Streamlit's CLIENT_STATE_QUERY_STRING_MAX_FIELDS
_MARK = "_nn_playground_marks_dropped_links"
_LOCK = threading.Lock()


def marking(sanitize: Callable[[str], str]) -> Callable[[str], str]:
    """`sanitize`, except that a query it drops whole comes back as the marker field."""
    @functools.wraps(sanitize)
    def sanitize_and_mark(query_string: str) -> str:
        kept = sanitize(query_string)
        if query_string and not kept:
            return f"{DROPPED_KEY}={query_string.count('&') + 1}"
        return kept
    setattr(sanitize_and_mark, _MARK, True)
    return sanitize_and_mark


def install() -> bool:
    """Wrap Streamlit's query sanitizer once per process; True when it is in place."""
    from streamlit.runtime import app_session

    with _LOCK:
        current = getattr(app_session, "sanitize_query_string", None)
        if current is None:
            return False               # another Streamlit: it keeps its own behaviour
        if not getattr(current, _MARK, False):
            app_session.sanitize_query_string = marking(current)
        return True
