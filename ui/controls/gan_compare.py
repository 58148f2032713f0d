"""Compare mode in the generative lab: the shared CompareSession with GAN runs, and the widgets
that change run B (the game's settings and both networks; never the target or the seed)."""
from __future__ import annotations

import dataclasses

import streamlit as st

from engine.gan.compare import GAN_KIND
from engine.gan.spec import FIELDS, LOSSES, OPTIMIZERS, GanSpec, needs_rebuild
from engine.gan.trainer import GanTrainer
from engine.spec.layers import layers_to_text
from engine.spec.overrides import overrides_between
from ui.compare import CompareSession
from ui.controls.gan import BATCH_CHOICES, LR_CHOICES


class GanCompareSession(CompareSession):
    """Runs A and B of the GAN lab: GanTrainers, rebuilt and changed live by the GAN rules."""

    kind = GAN_KIND

    def build_run(self, spec: GanSpec, data) -> GanTrainer:
        return GanTrainer(spec)

    def rebuilds(self, old: GanSpec, new: GanSpec) -> bool:
        return needs_rebuild(old, new)

    def apply_live(self, run: GanTrainer, spec: GanSpec) -> None:
        if run.spec != spec:
            run.apply(spec)

    def on_a_network(self, spec_b: GanSpec, spec_a: GanSpec) -> GanSpec:
        return dataclasses.replace(spec_b, g_layers=spec_a.g_layers, d_layers=spec_a.d_layers,
                                   noise_dim=spec_a.noise_dim)


CMP = GanCompareSession("gnc", chunk=0.03)
# (spec field, widget) pairs of run B: the same choices as the sidebar's widgets for run A
CHOICES = {"loss": list(LOSSES), "g_opt": list(OPTIMIZERS), "d_opt": list(OPTIMIZERS),
           "batch_size": list(BATCH_CHOICES), "g_lr": list(LR_CHOICES),
           "d_lr": list(LR_CHOICES)}
NAMES = {"loss": LOSSES, "g_opt": OPTIMIZERS, "d_opt": OPTIMIZERS}
LABELS = {"loss": "B: loss", "d_steps": "B: D steps per G step", "batch_size": "B: batch size",
          "noise_dim": "B: noise dimensions", "g_opt": "B: generator optimizer",
          "g_lr": "B: generator learning rate", "d_opt": "B: discriminator optimizer",
          "d_lr": "B: discriminator learning rate"}
ROWS = (("loss", "d_steps", "batch_size", "noise_dim"), ("g_opt", "g_lr", "d_opt", "d_lr"))
GAN_KEYS = {f.name: f.key for f in FIELDS}          # a setting's key in a link


def _key(name: str) -> str:
    return CMP.key("b_" + name)


def _seed(spec_b: GanSpec) -> None:
    for row in ROWS:
        for name in row:
            st.session_state[_key(name)] = getattr(spec_b, name)
    st.session_state[_key("g")] = layers_to_text(spec_b.g_layers)
    st.session_state[_key("d")] = layers_to_text(spec_b.d_layers)


def gan_b_controls(spec_a: GanSpec) -> tuple[GanSpec, list[str]]:
    """Run B's settings (seeded from A plus B's overrides; reseeded when A changes), then
    run B as the widgets say (a value the link reader repairs comes back as a note)."""
    spec_b, notes = CMP.follow_a(spec_a, _seed)
    st.caption("Run B starts as a copy of run A (the sidebar and the networks above): same "
               "target, same seed. Change what you want to compare here; everything you leave "
               "alone follows A.")
    for row in ROWS:
        cols = st.columns(len(row))
        for col, name in zip(cols, row):
            if name in CHOICES:
                options = sorted({*CHOICES[name], st.session_state[_key(name)]},
                                 key=lambda v: (str(type(v)), v))
                names = NAMES.get(name)
                col.selectbox(LABELS[name], options, key=_key(name),
                              format_func=(names.get if names else lambda v: f"{v:g}"))
            else:
                high = 5 if name == "d_steps" else 16
                col.number_input(LABELS[name], 1, high, key=_key(name))
    cols = st.columns(2)
    cols[0].text_input("B: generator layers", key=_key("g"), max_chars=300,
                       help="Run B's generator as text: dense:64:relu,dense:64:relu.")
    cols[1].text_input("B: discriminator layers", key=_key("d"), max_chars=300,
                       help="Run B's discriminator as text: dense:64:relu,dense:64:relu.")
    params = spec_a.to_query()
    params.update({GAN_KEYS[name]: str(st.session_state[_key(name)])
                   for row in ROWS for name in row})
    params.update({"g": st.session_state[_key("g")], "d": st.session_state[_key("d")]})
    spec_b, repairs = GanSpec.from_query(params)
    spec_b = dataclasses.replace(spec_b, points=spec_a.points)
    CMP.set_overrides(overrides_between(spec_a, spec_b, GAN_KIND))
    said = notes + [f"Run B: {note}" for note in repairs]
    return spec_b, list(dict.fromkeys(said))          # each note once

