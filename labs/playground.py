"""The 2D playground: TF Playground's experience on a live PyTorch model.

Reads as a table of contents: the shared LabSession follows the sidebar's Experiment, the shared
play bar and live fragment train and draw, and this page adds only its own views: the output
map, the network of neuron maps (click a neuron to enlarge it, an input to switch it) and a link
for class.
"""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from datasets import FEATURE_LABELS, FEATURES
from engine.inspect.playground import OUTPUT, capture_playground, neuron_labels
from engine.spec import SpecError
from engine.train import Trainer
from ui.controls.playground import (HIDABLE, HIDE_KEY, LAB, VIEW_KEY, experiment_from_state, k,
                                    read_url, seed_state, sidebar, write_url)
from ui.live import inside_view, live_view, play_bar
from ui.session import show_error
from ui.views.playground import RENDERERS, draw
from ui.views.summary import model_summary

TICK = 0.1            # seconds between live frames (10 updates/s)


def _first_visit() -> None:
    """Open the experiment the link describes, noting anything that had to be repaired."""
    exp, notes, hide = read_url()
    notes += seed_state(exp)
    view = st.query_params.get(VIEW_KEY, RENDERERS[0])
    LAB.open(notes)
    st.session_state.update({k("experiment"): exp, k("hidden"): hide, k("speed"): "full speed",
                             k("selected"): OUTPUT, k("serial"): 0,
                             k("renderer"): view if view in RENDERERS else RENDERERS[0]})


def _painter_event() -> dict:
    result = st.session_state.get(k("painter"))
    return dict(result) if hasattr(result, "keys") else {}


def _select_neuron() -> None:
    """A click on a neuron shows its map large; a click on the big map goes back. The picker
    outside the live fragment follows on the full rerun that the fragment then asks for."""
    label = _painter_event().get("select")
    if isinstance(label, str) and label != st.session_state.get(k("selected")):
        st.session_state[k("selected")] = label
        st.session_state[k("rerun")] = True


def _toggle_feature() -> None:
    """A click on an input neuron switches that input (once per click id; never the last)."""
    event = _painter_event().get("feature")
    if "features" in st.session_state[k("hidden")] or not isinstance(event, dict):
        return
    if event.get("id") == st.session_state.get(k("last_click")):
        return
    st.session_state[k("last_click")] = event.get("id")
    name = next((f for f, label in FEATURE_LABELS.items() if label == event.get("label")), None)
    on = [f for f in FEATURES if st.session_state.get(k("feat_" + f))]
    if name is not None and not (name in on and len(on) == 1):
        st.session_state[k("feat_" + name)] = name not in on
        st.session_state[k("rerun")] = True


def _rerun_if_asked() -> None:
    if st.session_state.pop(k("rerun"), False):
        st.rerun(scope="app")


def _view_options(cols, trainer: Trainer) -> None:
    options = [OUTPUT, *neuron_labels(trainer)]
    if st.session_state.get(k("selected")) not in options:
        st.session_state[k("selected")] = OUTPUT
    st.session_state[k("large")] = st.session_state[k("selected")]
    cols[0].selectbox("Large view", options, key=k("large"),
                      on_change=lambda: st.session_state.update({k("selected"):
                                                                 st.session_state[k("large")]}),
                      help="Show the network output, or any neuron's own map, in the big view. "
                           "Clicking a neuron in the network does the same.")


def _share(hidden: set[str]) -> None:
    with st.expander("Share this experiment · classroom mode", icon=":material/share:"):
        st.caption("The address bar always holds this exact experiment: copy it to share. For "
                   "class, pick controls to hide and share the link below.")
        hide = st.multiselect("Hide these controls", list(HIDABLE), key=k("classroom_hide"),
                              format_func=HIDABLE.get, default=sorted(hidden))
        params = st.session_state[k("experiment")].to_query()
        if hide:
            params[HIDE_KEY] = ",".join(hide)
        base = str(st.context.url).split("?")[0] if st.context.url else ""
        st.code(f"{base}?{urlencode(params)}", language=None, wrap_lines=True)


def _page() -> None:
    hidden: set[str] = st.session_state[k("hidden")]
    st.markdown("#### 2D playground: watch a network learn to separate points")
    with st.expander("First time here? Press **Play**, then try…", expanded=True,
                     icon=":material/lightbulb:"):
        st.markdown("Press **Play** and watch the output map bend around the points. Then try "
                    "the spiral with no hidden layer (it cannot), add layers and neurons, turn "
                    "on X₁² and X₂², or raise the learning rate until the loss explodes.")
    first = LAB.trainer is None       # the sidebar first, so its widgets fit the link's values
    if first:
        sidebar(hidden)
    for note in LAB.notes:
        st.warning(note, icon=":material/link:")
    try:
        exp = experiment_from_state(st.session_state[k("experiment")]).validated()
    except SpecError as exc:
        show_error(str(exc))
        exp = st.session_state[k("experiment")]
    trainer = LAB.sync(exp, lambda e: Trainer(e, device="cpu"))
    if trainer is None:
        if not first:
            sidebar(hidden)           # the controls stay, so the student can fix what failed
        return
    st.session_state[k("experiment")] = trainer.experiment
    write_url(trainer.experiment, hidden, st.session_state[k("renderer")])
    play_bar(LAB, hidden=hidden, extra=lambda cols: _view_options(cols, trainer))
    view = st.columns(3)
    show_test = view[0].toggle("Show test data", key=k("show_test"),
                               help="Draw the held-out test points as rings.")
    discretize = view[1].toggle("Discretize output", key=k("discretize"),
                                help="Show hard class decisions instead of confidence.")

    def draw_frame(snapshot) -> None:
        st.session_state[k("serial")] += 1
        draw(snapshot, LAB.trainer.dataset, show_test=show_test, discretize=discretize,
             large=st.session_state.get(k("selected"), OUTPUT), playing=LAB.playing,
             renderer=st.session_state[k("renderer")], serial=st.session_state[k("serial")],
             on_select=_select_neuron, on_feature=_toggle_feature)

    live_view(LAB, capture=capture_playground, draw=draw_frame, tick=TICK,
              before=_rerun_if_asked)
    if not first:
        sidebar(hidden)
    if "inside" not in hidden:
        inside_view(LAB)
    model_summary(trainer)
    _share(hidden)


def playground() -> None:
    if not LAB.opened:
        _first_visit()
    if not LAB.playing:
        LAB.stop()                    # Pause takes effect before anything else is drawn
    with LAB.frame():                 # a full run (a click) goes before training, like a frame
        _page()


playground()
