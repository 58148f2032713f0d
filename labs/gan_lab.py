"""The generative lab: a GAN learning a 2D distribution, every step of the game visible.

Reads as a table of contents: a GanSession (the shared LabSession with a GAN trainer) follows
the sidebar and the two layer editors, the shared play bar and live fragment train on the
background thread and draw, and this page adds GAN Lab's step modes (D only, G only, both) and
its views (ui.views.gan): the plane with D's opinion, the fakes and their arrows, the manifold,
the model overview with the losses, the curves, and the diagnoses in plain words.
"""
from __future__ import annotations

import streamlit as st

from engine.inspect.gan_compare import capture_gan_pair
from engine.gan.spec import DIGITS, DRAWN, GanSpec, parse_points
from engine.inspect.gan import capture_gan
from engine.inspect.gan_digits import capture_digits
from ui.controls.gan import (LAB, LESSON_LAB, add_point, editor, k, read_url, rerun_if_asked,
                             restore_missing, seed_controls, sidebar_controls, spec_from_state,
                             write_url)
from ui.compare import compare_link
from ui.compare_page import compare_section, compare_switch
from ui.controls.gan_compare import CMP, gan_b_controls
from ui.controls.layer_editor import layer_editor
from ui.lessons import lesson_changed
from ui.live import live_view, play_bar
from ui.messages import show_error, show_info, show_warning
from ui.views.gan import Layers, draw_gan_frame
from ui.views.gan_compare import draw_gan_pair
from ui.views.gan_digits import draw_digits_frame
from ui.views.lesson_bar import lesson_bar

TICK = 0.19           # seconds between live frames: 5.2 a second, so at least 5 arrive


def _first_visit() -> None:
    """Open the experiment the link describes, noting anything that had to be repaired."""
    spec, notes, (compare, overrides) = read_url()
    LAB.open(notes)
    CMP.open_link(overrides)
    st.session_state[k("compare")] = compare
    st.session_state[k("spec")] = spec
    seed_controls(spec)


def _networks(spec: GanSpec) -> None:
    """The two layer editors, one tab each (the shared editor, dense layers only), drawn only
    while the student has them open: every element on the page costs the browser work on
    each live frame (closed, the editors' ~40 widgets took 0.16 of Chromium's 0.56 cores),
    and the stacks live in session state, not in the widgets."""
    box = st.expander("Networks: the generator and the discriminator", expanded=False,
                      icon=":material/layers:", key=k("networks_open"), on_change="rerun")
    if not box.open:
        return
    with box:
        tabs = st.tabs(["Generator", "Discriminator"])
        for tab, net, shape, outputs in ((tabs[0], "g", (spec.noise_dim,), 2),
                                         (tabs[1], "d", (2,), 1)):
            with tab:
                layer_editor(shape, outputs, spec.batch_size, editor(net))


def _step_buttons(plane: bool) -> Layers:
    """GAN Lab's step modes, and which layers of the plane to show."""
    cols = st.columns([1, 1, 1, 1, 1, 1], vertical_alignment="center")
    cols[0].button("Step D only", key=k("step_d"), on_click=LAB.step_net, args=("d",),
                   help="One discriminator update, the generator frozen: watch the "
                        "background (D's opinion) shift toward the real points.")
    cols[1].button("Step G only", key=k("step_g"), on_click=LAB.step_net, args=("g",),
                   help="One generator update, D frozen: every fake point moves along its "
                        "orange arrow.")
    cols[2].button("Step both", key=k("step_both"), on_click=LAB.step_net, args=("both",),
                   help="One round of the game: D's steps (see 'D steps per G step'), then "
                        "one G step.")
    if not plane:
        return Layers()
    return _layer_switches(cols[3:])


def _layer_switches(cols) -> Layers:
    """Which layers of the plane to show (three columns)."""
    heat = cols[0].checkbox("D's opinion", True, key=k("show_heat"),
                            help="Show the discriminator's output over the plane.")
    mesh = cols[1].checkbox("Manifold", True, key=k("show_mesh"),
                            help="Show a grid of noise mapped through the generator: where "
                                 "it stretches, the fakes are sparse; where it folds, dense.")
    arrows = cols[2].checkbox("Gradients", True, key=k("show_arrows"),
                              help="Show an arrow on each fake point: minus the gradient of "
                                   "its generator loss, the way G's next update moves it.")
    return Layers(heat, mesh, arrows)


def _page() -> None:
    current: GanSpec = st.session_state[k("spec")]
    restore_missing(current)
    st.markdown("#### Generative lab: a generator learns to fool a discriminator")
    comparing = bool(st.session_state.get(k("compare")))
    lesson = lesson_bar(LAB, follow=CMP if comparing else None)
    with st.sidebar:
        st.subheader("The game")
        sidebar_controls()
    for note in LAB.notes:
        show_warning(note)
    spec, errors = spec_from_state(current)
    _networks(spec)
    for error in errors:
        show_error(error)
    compare_switch(LAB)
    if comparing:
        _compare(spec, lesson)
        return
    CMP.stop()
    trainer = LAB.sync(spec)
    if trainer is None:
        return
    st.session_state[k("spec")] = trainer.spec
    write_url(trainer.spec)
    play_bar(LAB, hidden={"timeline"}, what="real points")
    layers = _step_buttons(plane=not trainer.images)
    if trainer.images:                 # 8×8 digits: images instead of the plane
        live_view(LAB, capture=lambda t, _recorder: capture_digits(t), draw=draw_digits_frame,
                  tick=TICK, after=lesson)
        return
    drawn = parse_points(trainer.spec.points) if trainer.spec.target == DRAWN else None
    live_view(LAB, capture=lambda t, _recorder: capture_gan(t),
              draw=lambda frame: draw_gan_frame(frame, layers, drawn=drawn, on_point=add_point),
              tick=TICK, before=rerun_if_asked, after=lesson)


def _compare(spec: GanSpec, lesson) -> None:
    """Compare mode: run A (the sidebar and the networks above) and run B (A plus what B
    changes) on the same target and seed, side by side (2D targets: the digits have no plane
    to compare)."""
    if spec.target == DIGITS:
        show_info("Compare mode shows two games on the plane: pick a 2D target in the sidebar "
                  "(or switch compare mode off for the digits).", icon=":material/compare:")
        return
    view = {}

    def options() -> dict:
        view["layers"] = _layer_switches(st.columns(3))
        return {}

    compare_section(LAB, CMP, spec, tick=TICK, what="real points", lesson=lesson,
                    b_controls=lambda: gan_b_controls(spec), capture=capture_gan_pair,
                    options=options,
                    draw=lambda frame, _pair, _opts: draw_gan_pair(
                        frame, playing=CMP.playing, layers=view["layers"]),
                    write_link=lambda _pair: write_url(spec, compare_link(CMP)))


def gan_lab() -> None:
    LAB.run_page(_first_visit, _page, reopen=lesson_changed(LAB, LESSON_LAB))


gan_lab()
