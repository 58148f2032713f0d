"""Compare mode, shared by the labs: run A and run B side by side on the same data and seed.

A lab keeps its own controls for run A; this module adds run B as A plus the settings B
changes (engine.spec.overrides), a CompareSession whose trainer is a RunPair (so the shared
play bar, live fragment, lease and scheduler drive both runs with no second controller), the
widgets that change B, the table of differences, and the link keys (`cmp=1`, `b_…`).
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Mapping

import streamlit as st

from engine.spec import Experiment, SpecError
from engine.spec.fields import ACTIVATION_NAMES, FIELDS_BY_NAME, friendly
from engine.spec.layers import LAYER_PARAMS, layers_from_text, layers_to_text
from engine.spec.overrides import (EXPERIMENT, SpecKind, differences, link_params, overrides_between,
                                   read_overrides, with_overrides)
from engine.train import Trainer, needs_rebuild
from engine.train.pair import RunPair
from engine.data import DatasetError
from ui.controls.fields import field_widget
from ui.messages import show_error, show_warning
from ui.session import LabSession

COMPARE_KEY = "cmp"              # cmp=1 in a link opens compare mode
B_FIELDS = (("lr", "optimizer", "batch_size"), ("l1", "l2", "seed"))
MIXED = "as in the layers"       # the activation picker when B's layers use several


class CompareSession(LabSession):
    """A LabSession whose trainer is a RunPair; run B's overrides live under its prefix.

    The hooks below say how a lab's runs are built, which changes rebuild them and how live
    settings apply: an Experiment's Trainer here, a GanSpec's GanTrainer in the GAN lab."""

    kind = EXPERIMENT

    def build_run(self, exp, data):
        return Trainer(exp, dataset=data(exp) if data else None, device="cpu")

    def rebuilds(self, old, new) -> bool:
        return needs_rebuild(old, new)

    def apply_live(self, run, exp) -> None:
        if run.spec != exp.train:
            run.apply(exp.train)

    def on_a_network(self, exp_b, exp_a):
        """Run B's training settings on run A's network and data (B's fallback)."""
        return dataclasses.replace(exp_b, model=exp_a.model, data=exp_a.data)

    def sync_pair(self, exp_a, exp_b, *, data=None, rebuild_key: object = None) -> RunPair | None:
        """Follow both experiments: new runs when either needs a rebuild (both restart, so
        they stay level), else each run's live settings applied in place. `data(exp)` gives a
        lab's own dataset for an experiment (default: the experiment's DataSpec), and a new
        `rebuild_key` (e.g. the image lab's training-set size) rebuilds too. A change
        that B cannot build is said (on every run, until it is fixed) while B trains A's
        network, so the page never loses both runs to one typo."""
        pair = self.trainer
        with self.lock:
            wanted_b = self._get("wanted_b")        # B as asked (it may train A's network)
            if (pair is None or wanted_b is None or self.rebuilds(pair.a.experiment, exp_a)
                    or self.rebuilds(wanted_b, exp_b)
                    or self._get("rebuild_key") != rebuild_key):
                try:
                    new, problem = self._build_pair(exp_a, exp_b, data)
                except (SpecError, DatasetError) as exc:
                    show_error(f"Run A: {exc}")
                    return pair
                runner = self._get("runner")
                if runner is not None:
                    runner.stop(wait=False)        # the lock is held: no chunk is running
                st.session_state.update({self.key("trainer"): new, self.key("wanted_b"): exp_b,
                                         self.key("b_problem"): problem,
                                         self.key("rebuild_key"): rebuild_key,
                                         self.key("run_id"): self.run_id + 1})
                pair = new
            else:
                for name, run, exp in (("A", pair.a, exp_a), ("B", pair.b, exp_b)):
                    try:
                        self.apply_live(run, exp)
                    except (SpecError, ValueError) as exc:
                        show_error(f"Run {name}: {exc}")
        if self._get("b_problem"):
            show_warning(self._get("b_problem"), icon=":material/build:")
        return pair

    def _build_pair(self, exp_a, exp_b, data) -> tuple[RunPair, str | None]:
        """Both runs, or A and (when B's change cannot be built) B on A's network and,
        failing that, a copy of A; with the problem in words. Raises when A cannot be built."""
        first = self.build_run(exp_a, data)
        try:
            return RunPair(first, self.build_run(exp_b, data)), None
        except (SpecError, DatasetError) as exc:
            problem = f"Run B: {exc}"
        try:
            fallback = self.build_run(self.on_a_network(exp_b, exp_a), data)
            said = "run A's network with B's training settings"
        except (SpecError, DatasetError):
            fallback, said = self.build_run(exp_a, data), "a copy of run A"
        return RunPair(first, fallback), f"{problem} Until you change that, run B trains {said}."

    def open_link(self, overrides: Mapping[str, str]) -> None:
        """The lab opened by a link: no pair yet, run B as the link says."""
        self.open([])
        self.set_overrides(overrides)
        st.session_state.pop(self.key("synced_a"), None)   # B's widgets follow the link

    # ---- run B as overrides of A ---------------------------------------------------------
    @property
    def overrides(self) -> dict[str, str]:
        return dict(self._get("overrides", {}))

    def set_overrides(self, overrides: Mapping[str, str]) -> None:
        st.session_state[self.key("overrides")] = dict(overrides)

    def run_b(self, exp_a):
        return with_overrides(exp_a, self.overrides, self.kind)

    def follow_a(self, exp_a, seed_widgets: Callable[[object], None]):
        """Run B now (and notes), with B's widgets set from it whenever run A has changed
        since they were last set, so a setting B leaves alone follows A's."""
        exp_b, notes = self.run_b(exp_a)
        if st.session_state.get(self.key("synced_a")) != exp_a.to_query():
            seed_widgets(exp_b)
            st.session_state[self.key("synced_a")] = exp_a.to_query()
        return exp_b, notes


def read_compare(params: Mapping[str, list[str]]) -> tuple[bool, dict[str, str]]:
    """Compare mode and run B's overrides from a link's parameters."""
    on = (params.get(COMPARE_KEY) or ["0"])[-1] == "1"
    return on, read_overrides(params) if on else {}


def compare_link(lab: CompareSession) -> dict[str, str]:
    """The link keys of compare mode (empty when it is off)."""
    return {COMPARE_KEY: "1", **link_params(lab.overrides)}


# ---- the widgets that change run B -----------------------------------------------------------
def _activated(layer) -> bool:
    return "activation" in LAYER_PARAMS[layer.kind]


def _uniform_activation(layers) -> str:
    """The one activation every layer that has one uses, or MIXED."""
    acts = {layer.activation for layer in layers if _activated(layer)}
    return acts.pop() if len(acts) == 1 else MIXED


def _seed_widgets(lab: CompareSession, exp_b: Experiment, rows) -> None:
    for row in rows:
        for name in row:
            st.session_state[lab.key("b_" + name)] = getattr(exp_b.train, name)
    st.session_state[lab.key("b_net")] = layers_to_text(exp_b.model.layers)
    st.session_state[lab.key("b_act")] = _uniform_activation(exp_b.model.layers)
    st.session_state[lab.key("b_feat")] = list(exp_b.data.features)


def run_b_controls(lab: CompareSession, exp_a: Experiment, *, features: tuple[str, ...] = (),
                   more: tuple[tuple[str, ...], ...] = ()) -> tuple[Experiment, list[str]]:
    """Run B's settings (seeded from A plus B's overrides; reseeded when A changes), then
    run B as the widgets now say. `features`: the inputs this lab offers (none: no picker);
    `more`: rows of further training fields the lab offers (the image lab's augmentation)."""
    rows = B_FIELDS + more
    exp_b, notes = lab.follow_a(exp_a, lambda b: _seed_widgets(lab, b, rows))
    st.caption("Run B starts as a copy of run A (the settings in the sidebar and above): same "
               "data, same seed. Change what you want to compare here; everything you leave "
               "alone follows A.")
    for row in rows:
        cols = st.columns(len(row))
        for col, name in zip(cols, row):
            field_widget("train", name, lab.key("b_" + name), where=col,
                         label="B: " + FIELDS_BY_NAME[("train", name)].label,
                         slider=name != "seed")
    cols = st.columns([1, 2])
    if any(_activated(layer) for layer in exp_b.model.layers):   # an LSTM stack has none
        cols[0].selectbox("B: activation (every layer)", [MIXED, *ACTIVATION_NAMES],
                          key=lab.key("b_act"), on_change=_activation_picked, args=(lab,),
                          format_func=lambda a: a if a == MIXED else friendly(a),
                          help="Use one activation in every hidden layer of run B, e.g. ReLU "
                               "against A's tanh.")
    cols[1].text_input("B: hidden layers", key=lab.key("b_net"), max_chars=300,
                       on_change=_layers_typed, args=(lab,),
                       help="Run B's stack as text, as in the link: dense:8:relu,dense:8:relu "
                            "(units, activation); dropout:0.2 and batchnorm also work.")
    if features:
        st.multiselect("B: input features", features, key=lab.key("b_feat"),
                       help="The inputs run B reads (the same points as A).")
    return _exp_b_from_widgets(lab, exp_a, notes, rows)


def _exp_b_from_widgets(lab: CompareSession, exp_a: Experiment, notes: list[str],
                        rows) -> tuple[Experiment, list[str]]:
    s = st.session_state
    train = {name: s[lab.key("b_" + name)] for row in rows for name in row}
    try:
        layers = layers_from_text(s[lab.key("b_net")])
    except SpecError as exc:
        notes = notes + [f"Run B's hidden layers: {exc} Keeping A's."]
        layers = exp_a.model.layers
    features = tuple(s.get(lab.key("b_feat")) or exp_a.data.features)
    candidate = exp_a.replace("train", **train).replace("data", features=features)
    candidate = dataclasses.replace(candidate, model=dataclasses.replace(exp_a.model,
                                                                         layers=layers))
    try:
        exp_b = candidate.validated()
    except SpecError as exc:
        return lab.run_b(exp_a)[0], notes + [f"Run B: {exc} Keeping B's last settings."]
    lab.set_overrides(overrides_between(exp_a, exp_b))
    return exp_b, notes


def _activation_picked(lab: CompareSession) -> None:
    """The activation picker rewrites B's layers text (which stays the one source of B's
    network), every dense layer at once."""
    act, key = st.session_state[lab.key("b_act")], lab.key("b_net")
    try:
        layers = layers_from_text(st.session_state[key])
    except SpecError:
        return                                    # the text's own message shows on this run
    if act != MIXED:
        st.session_state[key] = layers_to_text(tuple(
            dataclasses.replace(layer, activation=act) if _activated(layer) else layer
            for layer in layers))


def _layers_typed(lab: CompareSession) -> None:
    """Typed layers: the picker shows their one activation, or that they mix several."""
    try:
        layers = layers_from_text(st.session_state[lab.key("b_net")])
    except SpecError:
        return
    st.session_state[lab.key("b_act")] = _uniform_activation(layers)


def differences_table(exp_a, exp_b, kind: SpecKind = EXPERIMENT) -> None:
    """What run B changes, one row per setting (the link's spelling of each value)."""
    rows = differences(exp_a, exp_b, kind)
    if not rows:
        st.caption("Run B has the same settings as run A: the two runs train identically "
                   "(change something above to compare).")
        return
    st.dataframe({"Setting": [r[0] for r in rows], "Run A": [r[1] for r in rows],
                  "Run B": [r[2] for r in rows]}, hide_index=True, width="content")
