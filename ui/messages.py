"""Every message a page shows with text it did not write itself: links, files, typed stacks.

Streamlit renders a message's body as Markdown, so a link carrying `[Log in](https://evil…)`
or `![x](https://evil…/t.png)` echoed in a notice would become a live link or load a remote
image on our page. Here every such text is escaped first: each ASCII punctuation character
gets a backslash (CommonMark lets any of them be escaped), which shows it literally and stops
links, images, HTML, LaTeX and Streamlit's `:colour[...]` directives. GitHub-flavoured
Markdown also turns bare addresses (`https://…`, `www.…`, `name@host`) into links after the
escapes are read, so a zero-width space goes inside each of those patterns: the text reads the
same, but nothing in it is a link. A test forbids `st.error`/`st.warning`/... with anything but
a literal string elsewhere.
"""
from __future__ import annotations

import re

import streamlit as st

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")   # every ASCII punctuation character
_AUTOLINK = re.compile(r"(://|www(?=\.)|@)", re.IGNORECASE)  # what GFM turns into links
ZERO_WIDTH = "\u200b"


def literal(text: object) -> str:
    """`text` as Markdown that displays exactly those characters (and links nothing)."""
    unlinked = _AUTOLINK.sub(lambda m: m.group(1)[0] + ZERO_WIDTH + m.group(1)[1:],
                             str(text).replace("\n", " "))
    return _PUNCTUATION.sub(r"\\\1", unlinked)


def show_error(message: object, icon: str = ":material/front_hand:") -> None:
    """A spec or data message that says what to change, in one style on every lab."""
    st.error(literal(message), icon=icon)


def show_warning(message: object, icon: str = ":material/link:") -> None:
    """A note about something a link or file asked for that the page changed."""
    st.warning(literal(message), icon=icon)


def show_info(message: object, icon: str | None = None) -> None:
    st.info(literal(message), icon=icon)


def show_toast(message: object, icon: str | None = None) -> None:
    """A short notice in the corner, seen wherever the page is scrolled."""
    st.toast(literal(message), icon=icon, duration="long")
