"""Presentation mode: the same lab, readable from the back of a room on a 1280×720 projector.

Why a per-session mode and not a theme: Streamlit's theme (font size) is per server, set in
.streamlit/config.toml, and a class shares one server with the students' own sessions. So the
mode lives in the session (and in the link, `present=1`, so a projector view can be
bookmarked): the app sends a style sheet only while it is on (`st.html` with nothing but a
<style>, which takes no room on the page), scoped by Streamlit's test ids and the play bar's
`st-key-…` class; the live views read `view_scale()`; the sidebar state is page config.

What Streamlit 1.67 offers, and what this uses:
- `st.set_page_config(initial_sidebar_state=...)` may be called on every run; the browser
  applies the value when it changes (collapsed as the mode comes on, open again as it goes
  off) and otherwise leaves the viewer's own open/close alone.
- `st.button(..., shortcut=...)` binds one key (plus modifiers) to a button; Streamlit ignores
  a single-key shortcut while the focus is in a text field, select box or checkbox (so typing
  is safe), reserves "R" and "C" (rerun, clear cache) and takes no punctuation. `st.toggle`
  has no shortcut, so while presenting Play is a Play/Pause button (see ui/live.py).
"""
from __future__ import annotations

from typing import Sequence

import streamlit as st

from ui.links import read_link
from ui.session import LabSession

KEY = "present"                 # URL key, and the sidebar switch's widget key
ON_KEY = "present_on"           # the mode itself: a plain session key, because Streamlit
                                # drops a widget's state when another page opens
HIDE_KEY = "hide"               # the classroom list of hidden parts (`inside` hides the panel)
INSIDE = "inside"
_READ = "present_link_read"     # the link was read once this session (the switch owns it after)
_NOTE = "present_note"          # a note on a `present=` value that was not understood
ON = ("1", "true", "yes", "on")
OFF = ("0", "false", "no", "off", "")
SCALE = 1.3                     # live views grow by this much while presenting
ROOT_PX = 20                    # the page's base font size while presenting (Streamlit: 16)
LABS = ("pg", "il", "sq", "dl")         # lab key prefixes whose play bar and views the style sheet scales
SHORTCUTS = {"play": "P", "step_batch": "S", "step_epoch": "E", "reset": "0"}
KEYS_HELP = ("Keys while presenting: P play/pause, S step one batch, E step one epoch, "
             "0 reset. They wait while a text field, select box or switch has the focus "
             "(click an empty spot first), so typing never triggers them.")
MAP_ROWS = 6                    # feature maps per column while presenting (8 otherwise): the
                                # larger tiles then fit a 720-pixel-high screen


def parse_present(values: Sequence[str]) -> tuple[bool, str | None]:
    """Whether a link's `present=` values turn the mode on, and a note when the last value is
    neither on nor off (it then stays off). Pure, so tests need no page."""
    if not values:
        return False, None
    value = str(values[-1]).strip().lower()
    if value in ON:
        return True, None
    if value in OFF:
        return False, None
    shown = value if len(value) <= 40 else value[:40] + "…"
    return False, (f"The link's present value “{shown}” is not 1 or 0, so presentation mode "
                   "stays off (switch it on in the sidebar).")


def start() -> bool:
    """Read the link once per session (the switch owns the mode after that); returns whether
    the mode is on. Called by app.py on every run, before the page config."""
    if _READ not in st.session_state:
        st.session_state[_READ] = True
        params, _ = read_link()               # a too-long link: the lab says so
        on, note = parse_present(params.get(KEY, []))
        st.session_state[ON_KEY] = on
        if note:
            st.session_state[_NOTE] = note
    return presenting()


def presenting() -> bool:
    """Whether this session presents (views and the play bar ask; one mode for every lab)."""
    return bool(st.session_state.get(ON_KEY, False))


def _switched() -> None:
    """The switch moved: the mode follows (before app.py sets the page config)."""
    st.session_state[ON_KEY] = bool(st.session_state[KEY])


def sidebar_state(on: bool) -> str:
    """For st.set_page_config: collapsed while presenting, Streamlit's default otherwise."""
    return "collapsed" if on else "auto"


def view_scale() -> float:
    """How much larger the live views draw (1 when not presenting)."""
    return SCALE if presenting() else 1.0


def map_rows(default: int) -> int:
    """Feature maps per column in the image lab (`default` when not presenting)."""
    return MAP_ROWS if presenting() else default


def shortcut(name: str) -> str | None:
    """The key bound to a play-bar button while presenting (None otherwise)."""
    return SHORTCUTS.get(name) if presenting() else None


def key_hint(name: str) -> str:
    """' (key S)' for a help text while presenting, else ''."""
    key = shortcut(name)
    return f" (key {key})" if key else ""


def link_params() -> dict[str, str]:
    """What the address bar adds for the mode (present=1), so a reload keeps it."""
    return {KEY: "1"} if presenting() else {}


def hides_inside(lab: LabSession) -> bool:
    """Whether the lab leaves out the inside-the-network panel (`hide=inside`, from a
    classroom link or the checkbox here): one set of hidden parts per lab, not two."""
    return INSIDE in st.session_state.get(lab.key("hidden"), ())


def _hidden_from_link() -> set[str]:
    params, _ = read_link()
    return {INSIDE} & {h for raw in params.get(HIDE_KEY, []) for h in raw.split(",")}


def _set_inside(lab: LabSession) -> None:
    hidden = set(st.session_state.get(lab.key("hidden"), ()))
    if st.session_state[lab.key("present_hide_inside")]:
        hidden.add(INSIDE)
    else:
        hidden.discard(INSIDE)
    st.session_state[lab.key("hidden")] = hidden


def presentation_box(lab: LabSession) -> None:
    """A lab's one call: the switch at the top of the sidebar (and, while presenting, whether
    to hide the inside-the-network panel); a note on a `present=` value not understood joins
    the lab's link notes. The lab's hidden parts default to the link's `hide=inside`."""
    st.session_state.setdefault(lab.key("hidden"), _hidden_from_link())
    note = st.session_state.pop(_NOTE, None)
    if note:
        st.session_state[lab.key("notes")] = [*lab.notes, note]
    st.session_state[KEY] = presenting()     # the switch shows the mode, on every page
    with st.sidebar:
        st.toggle("Presentation mode", key=KEY, on_change=_switched,
                  help="For a projector: larger type, views and play bar, sidebar folded "
                       "away (open it again with the arrow at the top left). The link keeps "
                       f"it (present=1). {KEYS_HELP}")
        if presenting():
            st.session_state[lab.key("present_hide_inside")] = hides_inside(lab)
            st.checkbox("Hide the inside panel", key=lab.key("present_hide_inside"),
                        on_change=_set_inside, args=(lab,),
                        help="Leave out the inside-the-network panel (diagnostics and layer "
                             "charts): fewer things on the screen. The link keeps it "
                             "(hide=inside).")


def style(on: bool) -> None:
    """The presentation style sheet, sent only while the mode is on (gone with it)."""
    if on:
        st.html(f"<style>{style_sheet()}</style>")


def _each(template: str) -> str:
    return ", ".join(template.format(p=p) for p in LABS)


def style_sheet() -> str:
    """Rules scoped by Streamlit's test ids and our container keys (`st-key-<key>`), never by
    its generated class names. The root font size scales every rem-based size (text and
    widgets); SVG views and pixelated maps get CSS zoom (crisp); the painter draws larger
    itself (a zoomed canvas would blur)."""
    return "\n".join([
        f"html {{ font-size: {ROOT_PX}px; }}",
        # with the sidebar open (changing a setting) the page is ~300 px narrower: normal type
        # then, so wide rows such as the image lab's layer editor are never cut
        'html:has([data-testid="stSidebar"][data-collapsed="false"]) { font-size: 16px; }',
        '[data-testid="stMainBlockContainer"] { padding: 3.2rem 1.5rem 2rem; max-width: none; }',
        # the play bar: taller, bolder buttons that still fit one row beside Speed at 1280 px
        _each(".st-key-{p}_bar button") + " { min-height: 2.6rem; padding: 0.25rem 0.8rem; }",
        _each(".st-key-{p}_bar button p") + " { font-size: 1.05rem; font-weight: 600; }",
        _each(".st-key-{p}_epoch p") + " { font-size: 1.1rem; }",
        _each(".st-key-{p}_loss_curve svg, .st-key-{p}_acc_curve svg") + f" {{ zoom: {SCALE}; }}",
        f".st-key-il_input, .st-key-il_probs svg, .st-key-il_maps {{ zoom: {SCALE}; }}",
        ".nnpg-caption { font-size: 1rem; }",
        # Streamlit frames the page in grey once keys are used; on a projector that reads as
        # a fault, and the keys here are the point
        '[data-testid="stMain"]::before { box-shadow: none !important; }',
    ])
