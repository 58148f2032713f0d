"""The sequence lab's live views: the chosen example (forecast or tokens), memory (hidden
state, gates, cell state), gradients through time and attention maps; plus the memory sweep and
the free-run text generator, which run on a click.

`draw_run_view` draws the numbers and curves on every frame of the live view; the heatmaps
are the heavy part, so `draw_example_view` draws them in a slower fragment of their own, from a
SequenceSnapshot captured under the lock (`cached_example`), so the frames in between send the
browser nothing heavy to redraw.
"""
from __future__ import annotations

import time

import numpy as np
import streamlit as st

from engine.data import DATASETS, Dataset
from engine.inspect.attention_focus import FocusPoint, add_point, attention_focus, film
from engine.inspect.sequences import capture_sequence, generate_text, memory_sweep
from engine.snapshot import MemorySweep, RunState, SequenceSnapshot
from engine.spec.presets import SEQUENCE_PRESETS, sequence_preset_experiment
from engine.train import Trainer
from ui.messages import show_error, show_info
from ui.session import LabSession
from ui.views.run import curves, run_numbers, run_status
from viz.sequences import (attention_film, attention_map, class_bars, focus_figure,
                           forecast_figure, gate_means, gradient_through_time, sweep_figure,
                           token_strip, units_heatmap)

COMPARE = ("vanilla_rnn", "lstm", "tiny_transformer")   # the presets the comparison trains
COMPARE_SECONDS = 4.0    # training time per preset in a comparison (bounded: a shared server)


def cached_example(lab: LabSession, trainer: Trainer, index: int) -> SequenceSnapshot:
    """The chosen example, captured again once the weights changed (a step, a frame of the
    slow view while playing) or for a new run or example (call under the lock)."""
    snap = st.session_state.get(lab.key("example"))
    now = (lab.run_id, index, trainer.steps)
    if snap is None or st.session_state.get(lab.key("example_at")) != now:
        snap = st.session_state[lab.key("example")] = capture_sequence(trainer, index, "test")
        st.session_state[lab.key("example_at")] = now
        _remember_focus(lab, snap, trainer.position, now[:2])
    return snap


def _remember_focus(lab: LabSession, snap: SequenceSnapshot, epoch: float, run: tuple) -> None:
    """Add this capture's attention maps to the run's history (per layer), from which the
    attention view draws how the maps sharpened; a new run or example starts it again."""
    kept = st.session_state.get(lab.key("focus"))
    history = kept[1] if kept and kept[0] == run else {}
    st.session_state[lab.key("focus")] = (run, {
        a.name: add_point(history.get(a.name, ()),
                          FocusPoint(epoch, attention_focus(a.weights, a.causal), a.weights))
        for a in snap.attention})


def _chart(snap: SequenceSnapshot, name: str, build, key: str) -> None:
    """Draw a figure of this snapshot, built once per snapshot: while playing, the frames
    between two captures redraw the same figures (building one costs ~15 ms; a frame draws
    up to seven)."""
    cache = st.session_state.setdefault("sq_figures", {})
    if cache.get("snap") is not snap:
        cache.clear()
        cache["snap"] = snap
    if name not in cache:
        cache[name] = build()
    st.plotly_chart(cache[name], key=key, width="stretch")


def _example_view(snap: SequenceSnapshot, ds: Dataset) -> None:
    if not ds.class_names:                                 # forecasting: values ahead
        _chart(snap, "forecast", lambda: forecast_figure(snap.inputs, snap.target, snap.output),
               "sq_forecast_chart")
        st.caption("Grey: the window the network reads. Black: what really comes next. "
                   "Orange dots: its forecast.")
    elif snap.output.ndim == 2:                            # an answer per step
        _chart(snap, "tokens", lambda: token_strip(snap.tokens, snap.target, snap.output,
                                                   ds.class_names), "sq_tokens_chart")
        st.caption("Each column is one step. Blue: the network gives the right answer a high "
                   "probability (the % it gives it: under the character, or on hover); "
                   "orange: a low one. Italic: no answer is due there (it is still reading), "
                   "so its guess is not scored.")
    else:                                                  # one answer for the sequence
        if snap.tokens:
            st.markdown("Input: " + " ".join(f"`{t}`" for t in snap.tokens))
        else:
            st.markdown("Input: " + " ".join(f"`{v:g}`" for v in snap.inputs[:, 0]))
        _chart(snap, "classes", lambda: class_bars(snap.output, ds.class_names,
                                                   int(snap.target)), "sq_classes_chart")
        st.caption("The probability the network gives each answer; the true one is black.")


def _memory_view(snap: SequenceSnapshot, layer: str | None) -> None:
    trace = next((r for r in snap.recurrent if r.name == layer), None)
    if trace is None:
        st.caption("This network has no recurrent layer (RNN, LSTM or GRU): nothing carries a "
                   "memory from step to step. Load the LSTM preset to see one.")
        return
    labels = snap.tokens
    tabs = st.tabs(["hidden state", *(["cell state"] if trace.cell is not None else []),
                    *(["gates"] if trace.gates else [])])
    with tabs[0]:
        _chart(snap, f"hidden {trace.name}", lambda: units_heatmap(
            trace.hidden, labels, f"{trace.name} {trace.kind}: h_t", zmin=-1, zmax=1,
            diverging=True), "sq_hidden_chart")
        st.caption("One row per unit, one column per step: the memory the layer carries "
                   "forward (blue positive, orange negative)."
                   + (" The first half of the rows reads forwards, the second backwards."
                      if trace.bidirectional else ""))
    at = 1
    if trace.cell is not None:
        with tabs[at]:
            top = max(float(np.abs(trace.cell).max()), 1e-6)
            _chart(snap, f"cell {trace.name}", lambda: units_heatmap(
                trace.cell, labels, "cell state c_t", zmin=-top, zmax=top, diverging=True),
                "sq_cell_chart")
            st.caption("The LSTM's long-term memory: what the forget gate keeps and the input "
                       "gate writes. A value that stays the same colour across the blank steps "
                       "is being remembered.")
        at += 1
    if trace.gates:
        with tabs[at]:
            _chart(snap, f"gates {trace.name}", lambda: gate_means(trace.gates),
                   "sq_gates_chart")
            gate = st.radio("Gate per unit", list(trace.gates), horizontal=True,
                            key="sq_gate_pick")
            _chart(snap, f"gate {trace.name} {gate}", lambda: units_heatmap(
                trace.gates[gate], labels, f"{gate} gate", zmin=0, zmax=1, diverging=False),
                "sq_gate_chart")
            st.caption("0 = closed, 1 = open. A forget gate near 1 keeps the cell's memory; "
                       "an input gate opens where something must be written.")


def _gradient_view(snap: SequenceSnapshot) -> None:
    if not snap.recurrent:
        st.caption("No recurrent layer: no gradient flows back through time steps here.")
        return
    _chart(snap, "gradients", lambda: gradient_through_time(
        {f"{r.name} {r.kind}": r.grad_norm for r in snap.recurrent}), "sq_grad_chart")
    st.caption("How strongly this example's loss pulls on the memory at each step (log "
               "scale). In a vanilla RNN it shrinks step by step going back from where the "
               "answers are due, so early inputs hardly learn; an LSTM keeps it alive.")


def _attention_view(snap: SequenceSnapshot, layer: str | None,
                    history: tuple[FocusPoint, ...] = ()) -> None:
    trace = next((a for a in snap.attention if a.name == layer), None)
    if trace is None:
        st.caption("This network has no attention layer. Load the tiny Transformer preset to "
                   "see where each step looks.")
        return
    heads = trace.weights.shape[0]
    if st.session_state.get("sq_head", 0) >= heads:
        st.session_state["sq_head"] = 0
    head = st.radio("Head", list(range(heads)), horizontal=True, key="sq_head",
                    format_func=lambda h: f"head {h + 1}") if heads > 1 else 0
    with st.container(key="sq_attention"):
        _chart(snap, f"attention {trace.name} {head}",
               lambda: attention_map(trace.weights[head], snap.tokens), "sq_attention_chart")
    st.caption(f"{trace.name} ({trace.kind}{', causal' if trace.causal else ''}): each row is "
               "a step reading; its colours show how much it reads from each step (a row "
               "sums to 1)." + (" Causal: no step may look ahead, so the upper right is empty."
                                if trace.causal else "")
               + " On Reverse, the answer steps learn to read the mirror position: an "
                 "anti-diagonal appears.")
    _sharpening_view(snap, trace.name, head, history)


def _sharpening_view(snap: SequenceSnapshot, layer: str, head: int,
                     history: tuple[FocusPoint, ...]) -> None:
    """How this layer's maps sharpened: focus per head over the run, and the chosen head's map
    at a few moments (a film strip), both from the maps the live view already captured."""
    if len(history) < 2:
        st.caption("Press Play: as the network trains, this place shows how each head's "
                   "attention sharpens, from reading every step evenly to reading the few "
                   "steps that matter.")
        return
    left, right = st.columns([1, 1.4])
    with left.container(key="sq_focus"):
        _chart(snap, f"focus {layer}", lambda: focus_figure(
            [p.epoch for p in history], np.stack([p.focus for p in history])),
            "sq_focus_chart")
        st.caption("Focus of each head: 0 = every step reads all steps evenly, 1 = each reads "
                   "exactly one. It rises as the heads learn where to look.")
    strip = film(history)
    with right.container(key="sq_film"):
        _chart(snap, f"film {layer} {head}", lambda: attention_film(
            [p.epoch for p in strip], [p.weights[head] for p in strip]), "sq_film_chart")
        st.caption(f"Head {head + 1}'s map at {len(strip)} moments of this run, first to "
                   "latest: watch the pattern form.")


def draw_run_view(run: RunState, playing: bool) -> None:
    """The numbers and curves: every frame of the live view."""
    with st.container(key="sq_epoch"):
        st.markdown(run_numbers(run, playing))
    run_status(run)
    curves(run, "sq")


def draw_example_view(snap: SequenceSnapshot, ds: Dataset, *, memory_layer: str | None,
                      attention_layer: str | None) -> None:
    """The chosen example, memory, gradients through time and attention (the slow view)."""
    with st.container(key="sq_example_view"):
        st.markdown(f"##### Test example {snap.index}: loss {snap.loss:.4f}")
        _example_view(snap, ds)
    left, right = st.columns(2)
    with left.container(key="sq_memory"):
        st.markdown("##### Memory")
        _memory_view(snap, memory_layer)
    with right.container(key="sq_gradients"):
        st.markdown("##### Gradients through time")
        _gradient_view(snap)
    st.markdown("##### Attention")
    kept = st.session_state.get("sq_focus")
    history = kept[1].get(attention_layer, ()) if kept else ()
    _attention_view(snap, attention_layer, history)


# ---- on a click: memory sweep, comparison, text ---------------------------------------------
def _sweep_current(lab: LabSession) -> None:
    lab.stop()
    lab.stop_playing()
    with lab.lock:
        sweep = memory_sweep(lab.trainer)
    st.session_state[lab.key("sweeps")] = {"this network": sweep}


def _compare(lab: LabSession) -> None:
    """Train the RNN, LSTM and Transformer presets briefly on the same task; sweep each."""
    lab.stop()
    lab.stop_playing()
    trainer = lab.trainer
    data = trainer.experiment.data
    sweeps: dict[str, MemorySweep] = {}
    with lab.lock:
        sweeps["this network"] = memory_sweep(trainer)
    for name in COMPARE:
        other = Trainer(sequence_preset_experiment(name, data), dataset=trainer.dataset,
                        device="cpu")
        end = time.monotonic() + COMPARE_SECONDS
        while time.monotonic() < end and not other.done:
            other.run_for(min(0.5, end - time.monotonic()))
        sweeps[f"{SEQUENCE_PRESETS[name].title} ({other.epoch} epochs)"] = memory_sweep(other)
    st.session_state[lab.key("sweeps")] = sweeps


def sweep_panel(lab: LabSession, trainer: Trainer) -> None:
    """The memory sweep: accuracy against delay (copy) or length, on a click."""
    setting = "delay" if "delay" in DATASETS[trainer.dataset.name].options else "length"
    st.caption(f"Score the network now on fresh examples with other {setting}s than it trained "
               "on: how far does its memory reach? Or train the RNN, LSTM and Transformer "
               f"presets on this task ({COMPARE_SECONDS:g} s each) and compare them.")
    cols = st.columns([1, 1.6, 2])
    cols[0].button("Memory sweep", key=lab.key("sweep"), on_click=_sweep_current, args=(lab,),
                   icon=":material/show_chart:", help="Pauses training, then scores the "
                   "network on fresh examples at each setting.")
    cols[1].button("Compare RNN, LSTM, Transformer", key=lab.key("compare_kinds"), on_click=_compare,
                   args=(lab,), icon=":material/compare_arrows:",
                   help=f"Pauses training, trains each preset {COMPARE_SECONDS:g} s from scratch "
                        "on this task, and sweeps all of them.")
    sweeps = st.session_state.get(lab.key("sweeps"))
    if sweeps:
        with st.container(key="sq_sweep_view"):
            st.plotly_chart(sweep_figure(sweeps), key="sq_sweep_chart", width="stretch")


def _generate(lab: LabSession) -> None:
    prompt = str(st.session_state.get(lab.key("prompt"), ""))
    try:
        with lab.lock:
            text = generate_text(lab.trainer, prompt, int(st.session_state[lab.key("n_chars")]),
                                 float(st.session_state[lab.key("temperature")]),
                                 seed=int(st.session_state.get(lab.key("gen_seed"), 0)))
    except ValueError as exc:
        st.session_state[lab.key("generated")] = ("error", str(exc))
        return
    st.session_state[lab.key("gen_seed")] = int(st.session_state.get(lab.key("gen_seed"), 0)) + 1
    st.session_state[lab.key("generated")] = ("text", prompt, text)


def generator_panel(lab: LabSession) -> None:
    """Free-run text: the model writes one character at a time from its own predictions."""
    cols = st.columns([2, 1.2, 1, 1], vertical_alignment="bottom")
    cols[0].text_input("Start with", key=lab.key("prompt"), max_chars=64,
                       help="The model continues this text (only characters it has seen).")
    cols[1].slider("Temperature", 0.1, 2.0, key=lab.key("temperature"), step=0.1,
                   help="Below 1: the model picks its likeliest characters (safe, repetitive); "
                        "above 1: it takes more chances (varied, more mistakes).")
    cols[2].number_input("Characters", 10, 400, key=lab.key("n_chars"), step=10)
    cols[3].button("Generate", key=lab.key("generate"), on_click=_generate, args=(lab,),
                   icon=":material/edit_note:")
    out = st.session_state.get(lab.key("generated"))
    if out and out[0] == "error":
        show_error(out[1])
    elif out:
        with st.container(key="sq_generated"):
            st.code(out[1] + out[2], language=None, wrap_lines=True)
    else:
        show_info("Press Generate to let the network write; train it first for something "
                  "better than random characters.")
