"""The microscope's panel under the network view: the point, the stage, the chain rule for the
chosen weight, its value to edit, and the last one-point update (before → after)."""
from __future__ import annotations

import streamlit as st

from ui.controls.microscope import (BIAS, MicroFrame, apply_update, backward_step, error_note,
                                    forward_pass, pick_param, pick_random, set_value)
from ui.controls.playground import k
from ui.messages import show_info
from viz.microscope import chain_rule_legend, chain_rule_text, fmt, loss_text
from engine.inspect.microscope import chain_rule

VALUE_LIMIT = 1000.0     # a typed weight stays within ±this (the field's bounds)


def _layer_name(m: MicroFrame, j: int) -> str:
    return "output" if m.trace.layers[j].name == "head" else m.trace.layers[j].name


def _source(m: MicroFrame, j: int, i: int | None) -> str:
    if i is None:
        return "bias"
    return m.layout.labels[0][m.active[i]] if j == 0 else m.layout.labels[j][i]


def _param_name(m: MicroFrame, j: int, o: int, i: int | None) -> str:
    into = m.layout.labels[j + 1][o]
    return f"bias of {into}" if i is None else f"{_source(m, j, i)} → {into}"


def _prediction(m: MicroFrame) -> str:
    t = m.trace
    if t.loss_name == "tfp_squared":
        return (f"output **{t.output[0]:.3f}** (−1 orange … +1 blue) · target "
                f"**{t.target[0]:+.0f}**")
    if m.class_names:
        probs = " · ".join(f"p({name}) {p:.3f}" for name, p in zip(m.class_names, t.prediction))
        return f"{probs} · target **{m.class_names[int(t.label)]}**"
    return f"prediction **{t.prediction[0]:.3f}** · target **{t.target[0]:.3f}**"


def _stage(m: MicroFrame) -> str:
    n = len(m.trace.layers)
    if m.cursor == 0:
        return ("**Forward pass**: each neuron shows z = w·x + b (its weighted sum) and a, its "
                "activation of z; edges are the weights. Press **Backward step** to send the "
                "error back from the output.")
    reached = _layer_name(m, n - m.cursor)
    more = ("" if m.cursor == n else
            f" Press **Backward step** again to reach {_layer_name(m, n - m.cursor - 1)}.")
    return (f"**Backward pass**, step {m.cursor} of {n}: it has reached {reached}. Neurons "
            "there and after show ∂L/∂z; their edges show ∂L/∂w (blue +, orange −, width = "
            "size): the direction that would raise this point's loss." + more)


def _update_rows(m: MicroFrame) -> dict[str, list]:
    """Before → after of every drawn weight and bias."""
    u, rows = m.update, {"parameter": [], "before": [], "after": [], "change": []}
    for j, ((w0, b0), (w1, b1)) in enumerate(zip(u.before, u.after)):
        n_in = len(m.active) if j == 0 else len(m.layout.labels[j])
        for o in range(len(m.layout.labels[j + 1])):
            cells = [(i, w0[o, i], w1[o, i]) for i in range(n_in)] + [(None, b0[o], b1[o])]
            for i, before, after in cells:
                rows["parameter"].append(_param_name(m, j, o, i))
                rows["before"].append(float(before))
                rows["after"].append(float(after))
                rows["change"].append(float(after - before))
    return rows


def _pickers(m: MicroFrame) -> float:
    """Layer / neuron / input pickers for the chosen weight; returns its value."""
    j, o, i = m.selected
    st.session_state.update({k("micro_layer"): j, k("micro_into"): o,
                             k("micro_from"): BIAS if i is None else i})
    n_in = len(m.active) if j == 0 else len(m.layout.labels[j])
    c = st.columns(3)
    c[0].selectbox("Layer", list(range(len(m.trace.layers))), key=k("micro_layer"),
                   format_func=lambda v: _layer_name(m, v), on_change=pick_param)
    c[1].selectbox("Into", list(range(len(m.layout.labels[j + 1]))), key=k("micro_into"),
                   format_func=lambda v: m.layout.labels[j + 1][v].removeprefix("output: "),
                   on_change=pick_param)
    c[2].selectbox("From", [BIAS, *range(n_in)], key=k("micro_from"),
                   format_func=lambda v: _source(m, j, None if v == BIAS else v),
                   on_change=pick_param,
                   help="The input this weight multiplies, or the neuron's bias.")
    layer = m.trace.layers[j]
    return float(layer.bias[o] if i is None else layer.weight[o, i])


def microscope_panel(m: MicroFrame) -> None:
    """Draw the panel (inside the live fragment, right under the network view)."""
    t, n = m.trace, len(m.trace.layers)
    with st.container(border=True, key=k("micro_panel")):
        st.markdown(f"**Microscope** · training point #{m.index + 1} at ({m.point[0]:.2f}, "
                    f"{m.point[1]:.2f}) · {_prediction(m)} · loss **{fmt(t.loss)}**")
        with st.container(horizontal=True, vertical_alignment="center"):
            st.button("Pick a random training point", key=k("micro_random"),
                      on_click=pick_random, icon=":material/casino:",
                      help="Or click a point on the big map.")
            st.button("Forward pass", key=k("micro_forward"), on_click=forward_pass,
                      disabled=m.cursor == 0, help="Back to the values alone.")
            st.button("Backward step", key=k("micro_back"), on_click=backward_step,
                      disabled=m.cursor >= n, type="primary",
                      help="Move the backward pass one layer towards the inputs.")
            st.button("Apply this update", key=k("micro_apply"), on_click=apply_update,
                      help=f"One plain SGD step on this point alone: every weight moves by "
                           f"−learning rate × ∂L/∂w (learning rate {m.lr:g}). The optimizer's "
                           "memory (momentum, Adam) and the epoch count stay as they were.")
        st.markdown(_stage(m))
        for note in m.notes:
            st.caption(note)
        error_note()
        left, right = st.columns([1, 1.3])
        with left:
            st.markdown("**Chosen weight** (or click an edge; a neuron for its bias)")
            value = _pickers(m)
            st.session_state[k("micro_value")] = max(-VALUE_LIMIT, min(VALUE_LIMIT, value))
            st.number_input("Its value: type a new one", -VALUE_LIMIT, VALUE_LIMIT, step=0.1,
                            format="%.4f", key=k("micro_value"), on_change=set_value,
                            help="Edit a weight by hand, as in TF Playground: the maps and "
                                 "the loss follow at once, training goes on from here.")
        with right:
            j, o, i = m.selected
            st.markdown(f"**Chain rule** for {_param_name(m, j, o, i)}")
            if m.cursor >= n - j:
                rule = chain_rule(t, j, o, i)
                nxt = m.layout.labels[j + 2] if j + 2 < len(m.layout.labels) else ()
                lines = chain_rule_text(rule, next_labels=nxt)
                st.code("\n".join(lines), language=None, wrap_lines=True)
                st.caption(chain_rule_legend(rule, into=m.layout.labels[j + 1][o],
                                             source=_source(m, j, i),
                                             activation=t.layers[j].activation))
                st.caption("At the output: " + " · ".join(loss_text(t, m.class_names or m.head)))
            else:
                st.caption(f"Press Backward step until the backward pass reaches "
                           f"{_layer_name(m, j)} to see ∂L/∂w for this weight.")
        if m.update is not None:
            u = m.update
            went = "down" if u.loss_after < u.loss_before else "up"
            st.markdown(f"**Update applied** (learning rate {u.lr:g}): this point's loss went "
                        f"{went}, **{u.loss_before:.4f} → {u.loss_after:.4f}**.")
            if went == "up":
                show_info("The step overshot: with this learning rate the update went past "
                          "the lowest loss for this point. A smaller learning rate takes a "
                          "smaller step.")
            st.dataframe(_update_rows(m), hide_index=True, height=240,
                         column_config={c: st.column_config.NumberColumn(format="%.5f")
                                        for c in ("before", "after", "change")})
