"""The generative lab's controls: its session (a LabSession whose trainer is a GanTrainer),
the sidebar settings, the two layer editors (generator and discriminator), and spec <-> link.

LabSession.sync builds a classifier Trainer from an Experiment; a GAN has its own spec and
trainer, so GanSession overrides only `sync` (new networks when the target, noise, stacks or
seed change; the other settings applied live) and keeps every other verb of the shared
controller: the lock, the background runner, Play/Step/Reset, the keys under one prefix.
"""
from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import streamlit as st

from engine.data import GAN_TARGETS
from engine.gan.spec import (DEFAULT_POINTS, DIGITS, DRAWN, FIELDS, LOSSES, MAX_POINTS, OPTIMIZERS,
                             GanSpec, SpecError, check_stack, needs_rebuild, parse_points,
                             points_text)
from engine.gan.trainer import GanTrainer
from engine.spec.layers import LayerSpec, layers_from_text
from ui.address import set_address
from ui.compare import read_compare
from ui.controls.layer_editor import Editor, seed_stack, stack_from_state
from ui.lessons import with_lesson
from ui.links import read_link
from ui.messages import show_error
from ui.session import LabSession

EXTRA_TARGETS = {DRAWN: "Draw your own", DIGITS: "8×8 digits (images)"}
LR_CHOICES = (0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
BATCH_CHOICES = (8, 16, 32, 64, 128, 256, 512)
NET_PRESETS = {
    "default": SimpleNamespace(title="2 × 64 ReLU", description="two hidden layers of 64 "
                               "ReLU units: learns every target here in under a minute",
                               layers="dense:64:relu,dense:64:relu"),
    "small": SimpleNamespace(title="1 × 16 tanh", description="one small tanh layer: a "
                             "weak network, easy to overpower", layers="dense:16:tanh"),
    "deep": SimpleNamespace(title="3 × 64 leaky ReLU", description="three layers: more "
                            "capacity, slower steps", layers="dense:64:leaky_relu,"
                            "dense:64:leaky_relu,dense:64:leaky_relu"),
}


class GanSession(LabSession):
    """LabSession for a GanTrainer (no recorder: the GAN keeps its own bounded history)."""

    def sync(self, spec: GanSpec) -> GanTrainer | None:   # type: ignore[override]
        trainer = self.trainer
        with self.lock:
            if trainer is None or needs_rebuild(trainer.spec, spec):
                try:
                    new = GanTrainer(spec)
                except SpecError as exc:
                    show_error(str(exc))
                    return trainer
                runner = self._get("runner")
                if runner is not None:
                    runner.stop(wait=False)        # the lock is held: no chunk is running
                st.session_state[self.key("trainer")] = new
                st.session_state[self.key("run_id")] = self.run_id + 1
                return new
            if trainer.spec != spec:
                trainer.apply(spec)
        return trainer

    def step_net(self, mode: str) -> None:
        """One round for D only, G only, or both (a Step pauses a playing run)."""
        trainer = self.trainer
        if trainer is None:
            return
        self.stop()
        self.stop_playing()
        with self.lock:
            trainer.step(1, mode)


LAB = GanSession("gn", chunk=0.03)
k = LAB.key
LESSON_LAB = "gan"        # what a lesson file's `lab` names this page


def _net_key(net: str):
    return lambda name: k(f"{net}_{name}")


def editor(net: str) -> Editor:
    """The shared layer editor for one of the two networks (dense layers only)."""
    title = "Generator" if net == "g" else "Discriminator"
    return Editor(
        key=_net_key(net), kinds=("dense",),
        columns=(("size", "units", ("units",)), ("activation", "activation", ("activation",))),
        presets=NET_PRESETS,
        preset_layers=lambda name: layers_from_text(NET_PRESETS[name].layers),
        input_text="Noise z" if net == "g" else "A point (x, y) or a digit's 64 pixels",
        output_text=("a point (x, y), or a digit's 64 pixels, added for you" if net == "g"
                     else "one score: real or fake, added for you"),
        lab_name=f"the {title.lower()}",
        foreign_note="The generative lab builds dense layers only.",
        text_help="The same stack as text, as in the page link: dense:units:activation, "
                  "e.g. dense:64:relu,dense:64:relu.",
        column_widths=(1.2, 1.6))


# ---- spec <-> controls <-> link ------------------------------------------------------------------
def _control_values(spec: GanSpec) -> dict:
    return {**{k(f.name): getattr(spec, f.name) for f in FIELDS}, k("points"): spec.points}


def seed_controls(spec: GanSpec) -> None:
    """Set every control, and both stacks, to `spec` (the lab opened by a link)."""
    st.session_state.update(_control_values(spec))
    seed_stack(spec.g_layers, editor("g"))
    seed_stack(spec.d_layers, editor("d"))


def restore_missing(spec: GanSpec) -> None:
    """Put back values Streamlit forgot while another page was open."""
    for key, value in _control_values(spec).items():
        st.session_state.setdefault(key, value)


def read_url() -> tuple[GanSpec, list[str], tuple[bool, dict[str, str]]]:
    """The spec a link describes, one note per value it repaired, and compare mode (on, run
    B's overrides); never raises. A `lesson=` in it opens that lesson with its link."""
    params, notes = read_link()
    params, lesson_notes = with_lesson(params, LAB, LESSON_LAB)
    notes = notes + lesson_notes
    if not any(f.key in params for f in FIELDS) and "g" not in params and "d" not in params:
        return GanSpec(), notes, read_compare(params)   # another lab's link, or none
    spec, more = GanSpec.from_query(params)
    return spec, notes + more, read_compare(params)


def write_url(spec: GanSpec, compare: dict[str, str] | None = None) -> None:
    """Make the address bar a link to this exact GAN experiment (`compare`: compare mode's
    keys, run B's changes included)."""
    set_address(LAB, {**spec.to_query(), **(compare or {})})


def spec_from_state(current: GanSpec) -> tuple[GanSpec, list[str]]:
    """The spec the controls describe; a stack this lab cannot build keeps the current one and
    returns the message."""
    values = {f.name: st.session_state.get(k(f.name), getattr(current, f.name)) for f in FIELDS}
    values["points"] = st.session_state.get(k("points"), current.points)
    errors = []
    for net, name, title in (("g", "g_layers", "Generator"), ("d", "d_layers", "Discriminator")):
        layers: tuple[LayerSpec, ...] = stack_from_state(editor(net))
        try:
            values[name] = check_stack(layers, title)
        except SpecError as exc:
            values[name] = getattr(current, name)
            errors.append(str(exc))
    return dataclasses.replace(current, **values), errors


# ---- draw your own ---------------------------------------------------------------------------
def add_point() -> None:
    """A click on the plane (target "drawn") adds a point, once per click id; the page then
    reruns in full so the new target is trained (new networks)."""
    event = (st.session_state.get(k("plane")) or {}).get("point")
    if not isinstance(event, dict) or event.get("id") == st.session_state.get(k("point_id")):
        return
    st.session_state[k("point_id")] = event.get("id")
    xy = event.get("xy")
    points = parse_points(st.session_state.get(k("points"), ""))
    if not (isinstance(xy, list) and len(xy) == 2) or len(points) >= MAX_POINTS:
        return
    new = parse_points(f"{xy[0]},{xy[1]}")
    if len(new):
        st.session_state[k("points")] = points_text([*points, *new])
        st.session_state[k("rerun")] = True


def rerun_if_asked() -> None:
    """In the live fragment: a click changed the drawing, so the whole page runs again."""
    if st.session_state.pop(k("rerun"), False):
        st.rerun(scope="app")


def _set_points(text: str) -> None:
    st.session_state[k("points")] = text


def drawing_controls() -> None:
    """Undo / clear / start again, shown while the target is the student's drawing."""
    points = parse_points(st.session_state.get(k("points"), ""))
    st.caption(f"Your target: {len(points)} points (at most {MAX_POINTS}). Click on the "
               "plane to add points; each change trains new networks.")
    cols = st.columns(3)
    cols[0].button("Undo", key=k("undo_point"), on_click=_set_points,
                   args=(points_text(points[:-1]),), disabled=not len(points),
                   help="Remove the last point you drew.")
    cols[1].button("Clear", key=k("clear_points"), on_click=_set_points, args=("",),
                   help="Remove every point, then draw your own shape from scratch.")
    cols[2].button("Smile", key=k("smile_points"), on_click=_set_points,
                   args=(DEFAULT_POINTS,), help="Start again from the example drawing.")


# ---- widgets -------------------------------------------------------------------------------------
def _options(choices: tuple, value) -> list:
    return sorted({*choices, value})


def sidebar_controls() -> None:
    """The target, the game's settings and each network's optimizer (every one with help)."""
    st.selectbox("Target distribution", [*GAN_TARGETS, DRAWN, DIGITS], key=k("target"),
                 format_func=lambda n: GAN_TARGETS[n].title if n in GAN_TARGETS else
                 EXTRA_TARGETS[n],
                 help="The real points the generator learns to imitate. " + " ".join(
                     f"{t.title}: {t.description}" for t in GAN_TARGETS.values())
                 + " Draw your own: click on the plane to place points. 8×8 digits: "
                 "handwritten digits, 64 pixels each (try 8 or more noise dimensions).")
    if st.session_state[k("target")] == DRAWN:
        drawing_controls()
    st.selectbox("Loss", list(LOSSES), key=k("loss"), format_func=LOSSES.get,
                 help="Minimax: the original game, whose generator gradient vanishes when D "
                      "is sure. Non-saturating: G maximises log D(fake) instead (steep where "
                      "minimax is flat). Least squares: D scores 1 for real, 0 for fake. "
                      "Wasserstein + gradient penalty: D becomes a critic whose score gap "
                      "estimates the distance between the two clouds. Changes live.")
    st.number_input("Noise dimensions", 1, 16, key=k("noise_dim"),
                    help="Size of the random vector z the generator turns into a point. With "
                         "1 the generator can only draw a curve; with 2 or more the manifold "
                         "view shows a slice of z's first two dimensions. New networks.")
    st.select_slider("Batch size", _options(BATCH_CHOICES, st.session_state[k("batch_size")]),
                     key=k("batch_size"),
                     help="Real and fake points in each update. Changes live.")
    st.number_input("D steps per G step", 1, 5, key=k("d_steps"),
                    help="Discriminator updates before each generator update (WGAN uses 5): "
                         "a stronger D gives G better directions, but one that wins outright "
                         "gives it none. Changes live.")
    st.number_input("Seed", 0, 99_999, key=k("seed"),
                    help="Picks the real points, the initial weights and the noise: the same "
                         "seed replays the same run. New networks.")
    for net, title in (("g", "Generator"), ("d", "Discriminator")):
        st.markdown(f"**{title}**")
        cols = st.columns(2)
        cols[0].selectbox("Optimizer", list(OPTIMIZERS), key=k(f"{net}_opt"),
                          format_func=OPTIMIZERS.get,
                          help=f"How the {title.lower()} updates its weights: Adam (β1 = 0.5, "
                               "usual for GANs) or plain SGD. Changes live.")
        cols[1].select_slider("Learning rate", _options(LR_CHOICES, st.session_state[k(
            f"{net}_lr")]), key=k(f"{net}_lr"), format_func=lambda v: f"{v:g}",
            help=f"Step size of the {title.lower()}'s updates. The balance between the two "
                 "rates decides who wins the game. Changes live.")
