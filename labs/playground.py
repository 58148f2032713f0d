"""The 2D playground: TF Playground's experience on a live PyTorch model.

Reads as a table of contents: the shared LabSession follows the sidebar's Experiment, the shared
play bar and live fragment train and draw, and this page adds only its own views: the output
map, the network of neuron maps (click a neuron to enlarge it, an input to switch it), the
microscope while paused (ui.controls.microscope: one point forward and backward) and a link for
class.
"""
from __future__ import annotations

import streamlit as st

from engine.inspect.playground import OUTPUT, capture_playground
from engine.spec import SpecError
from ui.controls.drawing import (drawing_controls, drawing_on, on_draw, pending_points,
                                 take_click)
from ui.controls.microscope import microscope_frame, microscope_toggle, on_painter_event
from datasets import FEATURES
from ui.compare_page import compare_section, compare_switch
from ui.controls.playground import (CMP, LAB, LESSON_LAB, VIEW_KEY, experiment_from_state, k,
                                    large_view_picker, read_url, rerun_if_asked, seed_state,
                                    select_neuron, sidebar, toggle_feature, write_url)
from ui.lessons import lesson_changed
from ui.live import inside_view, live_view, play_bar
from ui.messages import show_error, show_warning
from ui.presentation import presentation_box
from ui.views.lesson_bar import lesson_bar
from ui.views.microscope import microscope_panel
from ui.views.playground import RENDERERS, draw
from ui.views.classic2d import classic_panel
from ui.views.export import export_panel
from ui.views.share import share_box
from ui.views.summary import model_summary

TICK = 0.1            # seconds between live frames (10 updates/s)
COMPARE_TICK = 0.2    # compare mode: two maps per frame


def _first_visit() -> None:
    """Open the experiment the link describes, noting anything that had to be repaired."""
    exp, notes, hide, (compare, overrides) = read_url()
    notes += seed_state(exp)
    view = st.query_params.get(VIEW_KEY, RENDERERS[0])
    LAB.open(notes)
    CMP.open_link(overrides)
    st.session_state.update({k("experiment"): exp, k("hidden"): hide,
                             k("selected"): OUTPUT, k("serial"): 0, k("compare"): compare,
                             k("renderer"): view if view in RENDERERS else RENDERERS[0]})


def _page() -> None:
    presentation_box(LAB)
    hidden: set[str] = st.session_state[k("hidden")]
    st.markdown("#### 2D playground: watch a network learn to separate points")
    comparing = bool(st.session_state.get(k("compare")))
    lesson = lesson_bar(LAB, follow=CMP if comparing else None)   # its goal is checked live
    if lesson is None:                # a lesson says what to try; without one, this does
        with st.expander("First time here? Press **Play**, then try…", expanded=True,
                         icon=":material/lightbulb:"):
            st.markdown("Press **Play** and watch the output map bend around the points. Then "
                        "try the spiral with no hidden layer (it cannot), add layers and "
                        "neurons, turn on X₁² and X₂², or raise the learning rate until the "
                        "loss explodes.")
    first = LAB.trainer is None       # the sidebar first, so its widgets fit the link's values
    if first:
        sidebar(hidden)
    for note in LAB.notes:
        show_warning(note)
    if "data" not in hidden:
        take_click()                  # a click on the map drawn since (applied once)
    try:
        exp = experiment_from_state(st.session_state[k("experiment")]).validated()
    except SpecError as exc:
        show_error(str(exc))
        exp = st.session_state[k("experiment")]
    if comparing:
        _compare_page(exp, hidden, first, lesson)
        return
    CMP.stop()
    trainer = LAB.sync(exp)
    if trainer is None:
        if not first:
            sidebar(hidden)           # the controls stay, so the student can fix what failed
        return
    st.session_state[k("experiment")] = trainer.experiment
    write_url(trainer.experiment, hidden, st.session_state[k("renderer")])
    play_bar(LAB, hidden=hidden, extra=lambda cols: large_view_picker(cols, trainer))
    view = st.columns(4)
    compare_switch(LAB, view[3])
    drawing = drawing_on()
    if drawing:                      # every point drawn stays in sight: test ones as rings
        show_test = view[0].toggle("Show test data", value=True, disabled=True,
                                   key=k("show_test_drawn"),
                                   help="Your drawing shows all its points: the held-out "
                                        "test points are the rings.")
    else:
        show_test = view[0].toggle("Show test data", key=k("show_test"),
                                   help="Draw the held-out test points as rings.")
    discretize = view[1].toggle("Discretize output", key=k("discretize"),
                                help="Show hard class decisions instead of confidence.")
    micro_on = microscope_toggle(view[2], playing=LAB.playing,
                                 renderer=st.session_state[k("renderer")])
    can_draw = drawing and "data" not in hidden
    if can_draw and st.session_state[k("renderer")] != "canvas":
        st.caption("Clicks on the map draw in the default view (the canvas, not `view=png`).")
    if can_draw:
        ds = trainer.dataset
        same = ds.name == st.session_state[k("data_dataset")]
        drawing_controls(len(ds.x_train) if same else 0, len(ds.x_test) if same else 0)
    pending = pending_points()

    def draw_frame(snapshot) -> None:
        st.session_state[k("serial")] += 1
        micro = microscope_frame(snapshot) if micro_on else None
        draw(snapshot, LAB.trainer.dataset, show_test=show_test, discretize=discretize,
             large=st.session_state.get(k("selected"), OUTPUT), playing=LAB.playing,
             renderer=st.session_state[k("renderer")], serial=st.session_state[k("serial")],
             on_select=select_neuron, on_feature=toggle_feature, micro=micro,
             on_micro=on_painter_event, panel=microscope_panel,
             on_draw=on_draw if can_draw else None, pending=pending)

    live_view(LAB, capture=capture_playground, draw=draw_frame, tick=TICK,
              before=rerun_if_asked, after=lesson)
    if not first:
        sidebar(hidden)
    if "inside" not in hidden:
        inside_view(LAB)
    with st.expander("Classic machine learning on these points", icon=":material/grid_view:"):
        classic_panel(LAB, trainer)
    model_summary(trainer)
    share_box(hidden)
    export_panel(LAB, trainer)


def _compare_page(exp_a, hidden: set[str], first: bool, lesson) -> None:
    """Compare mode: run A (the sidebar) and run B (A plus what B changes) side by side."""
    def options() -> dict:
        view = st.columns(4)
        compare_switch(LAB, view[3])
        return {"show_test": view[0].toggle("Show test data", key=k("show_test"),
                                            help="Draw the held-out test points as rings."),
                "discretize": view[1].toggle("Discretize output", key=k("discretize"),
                                             help="Show hard class decisions instead of "
                                                  "confidence.")}

    compare_section(LAB, CMP, exp_a, tick=COMPARE_TICK, features=FEATURES, hidden=hidden,
                    options=options, lesson=lesson,
                    write_link=lambda _pair: write_url(exp_a, hidden,
                                                       st.session_state[k("renderer")],
                                                       compare=True))
    if not first:
        sidebar(hidden)
    st.sidebar.caption(":material/compare: Compare mode: the sidebar sets **run A**; run B "
                       "follows it except where *Run B: what it changes* says otherwise.")
    share_box(hidden)


def playground() -> None:
    LAB.run_page(_first_visit, _page, reopen=lesson_changed(LAB, LESSON_LAB))


playground()
