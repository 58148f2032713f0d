"""What a lab reads from its link: the query parameters, or none when the link is too long.

Links this app makes are under 4 KB (a 32-layer stack is about 1 KB, a 200-point drawing about
3 KB; one value may hold at most `MAX_TEXT` characters, a drawing a little more). A query
string longer than `MAX_LINK` was damaged or made by
hand, so both labs ignore all of it, open their default experiment and say so in a note that
quotes no part of the link. Links too long for the HTTP server to take at all never reach a
page: `ui.http_limits` answers those with a short HTML page instead of a bare error.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import streamlit as st

from engine.spec.fields import MAX_LINK
from ui.query_limits import DROPPED_KEY, MAX_FIELDS

KB = 1024


def link_size(params: Mapping[str, Sequence[str]]) -> int:
    """Characters of the query string `key=value&…` the parameters were read from (decoded,
    so never more than the address bar holds)."""
    return sum(len(key) + len(value) + 2 for key, values in params.items() for value in values)


def too_long_note(size: int) -> str | None:
    """The note a page shows for a link of `size` characters; None when it is short enough."""
    if size <= MAX_LINK:
        return None
    return (f"This link is {math.ceil(size / KB)} KB long, too long for a link made "
            f"here (those are under 4 KB), so it was probably damaged. Opening the default "
            f"experiment.")


def dropped_note(fields: str) -> str:
    """The note for a link the server dropped whole (see ui.query_limits)."""
    count = int(fields) if fields.isdecimal() and len(fields) < 10 else 0
    why = (f"has {count:,} fields, and the server reads at most {MAX_FIELDS:,}" if
           count > MAX_FIELDS else "is longer than the server reads")
    return (f"This link {why}, so all of it was left out (links made here have about 20 "
            "fields). Opening the default experiment.")


def read_link() -> tuple[dict[str, list[str]], list[str]]:
    """The page URL's query parameters and notes: no parameters and one note when the link
    is longer than `MAX_LINK` characters."""
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    if DROPPED_KEY in params:
        return {}, [dropped_note(params[DROPPED_KEY][-1])]
    note = too_long_note(link_size(params))
    return ({}, [note]) if note else (params, [])
