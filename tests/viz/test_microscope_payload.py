"""The microscope's payload and text from a synthetic trace (numpy only, no torch)."""
import json
from types import SimpleNamespace

import numpy as np

from engine.snapshot import DenseTrace, NetworkLayout, PointTrace
from viz.microscope import (chain_rule_legend, chain_rule_text, edge_param, fmt, head_labels,
                            loss_text, micro_layout, micro_payload, reached)


def dense(name, n_out, n_in, act="tanh", feeds_next=True, seed=0):
    rng = np.random.default_rng(seed)
    r = lambda *s: rng.normal(size=s).astype(np.float32)   # noqa: E731
    return DenseTrace(name, act, r(n_in), r(n_out, n_in), r(n_out), r(n_out), r(n_out),
                      r(n_out), r(n_out), r(n_out), r(n_out, n_in), r(n_out), feeds_next)


def trace_and_layout():
    """Inputs X₁, X₂ of 3 offered (the middle one off), L1 of 3 with 2 drawn, a 2-logit head."""
    layers = (dense("L1", 3, 2, seed=1), dense("head", 2, 3, act="linear", feeds_next=False))
    trace = PointTrace(x=layers[0].x, label=1.0, target=np.array([1.0], np.float32),
                       output=layers[1].a, prediction=np.array([0.3, 0.7], np.float32),
                       loss=0.357, loss_name="cross_entropy", layers=layers)
    nan = np.nan
    layout = NetworkLayout(("inputs", "L1 · 3 tanh", "output"),
                           (("X₁", "X₂", "X₁²"), ("L1 #1", "L1 #2"), ("output",)),
                           (np.array([[1.0, nan, 2.0], [3.0, nan, 4.0]]),
                            np.array([[0.5, 0.6]])), (0, 1, 0))
    return trace, layout


ACTIVE = [0, 2]          # the offered inputs that feed the network (X₁ and X₁²)


def test_layout_shows_each_logit_with_its_own_weights():
    trace, layout = trace_and_layout()
    head = head_labels(2, ("orange", "blue"))
    assert head == ("output: orange", "output: blue") and head_labels(1, ()) == ("output",)
    micro = micro_layout(layout, trace, head, ACTIVE)
    assert micro.labels[-1] == head
    assert np.array_equal(micro.weights[-1], trace.layers[1].weight[:, :2])   # drawn L1 only
    assert micro.weights[0] is layout.weights[0]


def test_payload_reaches_layers_backward_and_marks_the_choice():
    trace, layout = trace_and_layout()
    layout = micro_layout(layout, trace, head_labels(2, ("orange", "blue")), ACTIVE)
    kw = dict(active=ACTIVE, point=(0.0, 5.0), extent=(-6.0, 6.0, -6.0, 6.0))
    forward = micro_payload(trace, layout, cursor=0, selected=(0, 1, 1), **kw)
    assert forward["stage"] == "forward" and forward["grads"] == [None, None]
    assert forward["edge"] == [0, 1, 2]                    # input 1 of the network is X₁² (col 2)
    assert np.allclose(forward["marker"], [0.5, 1 / 12])   # fractions of the map, y down
    assert forward["lines"]["X₁"] == [f"x {fmt(trace.x[0])}"] and "X₂" not in forward["lines"]
    assert forward["lines"]["L1 #2"] == [f"z {fmt(trace.layers[0].z[1])}",
                                         f"a {fmt(trace.layers[0].a[1])}"]
    assert "L1 #3" not in forward["lines"]                 # not drawn: no numbers
    one = micro_payload(trace, layout, cursor=1, selected=(1, 0, None), **kw)
    assert one["grads"][0] is None and len(one["grads"][1]) == 2
    assert one["neuron"] == "output: orange" and one["edge"] is None
    assert one["lines"]["output: blue"][2].startswith("∂L/∂z ")
    assert len(one["lines"]["L1 #1"]) == 2
    both = micro_payload(trace, layout, cursor=2, selected=None, **kw)
    g = np.array(both["grads"][0], dtype=float)            # (2 drawn, 3 offered), NaN: no edge
    assert np.isnan(g[:, 1]).all() and both["grads"][0][0][1] is None
    assert np.allclose(g[:, [0, 2]], trace.layers[0].grad_w[:2], atol=1e-6)
    json.dumps(both)                                       # JSON all the way down
    assert reached(3, 1) == [False, False, True]


def test_edge_param_turns_a_drawn_edge_into_the_layers_indices():
    assert edge_param(0, 1, 2, ACTIVE) == (0, 1, 1)
    assert edge_param(1, 0, 1, ACTIVE) == (1, 0, 1)


def test_chain_rule_line_writes_the_actual_numbers():
    rule = SimpleNamespace(inp=0, grad_a=0.31, slope=0.82, x=-1.2, product=0.31 * 0.82 * -1.2,
                           autograd=-0.30504, sources=((0, 0.5, 0.4), (1, -0.1, -0.9)))
    lines = chain_rule_text(rule, next_labels=("L2 #1", "L2 #2"))
    assert lines[0] == "∂L/∂w = ∂L/∂a · ∂a/∂z · x = 0.31 · 0.82 · (-1.2) = -0.305"
    assert lines[1] == "∂L/∂a = Σ ∂L/∂z · w over L2 #1, L2 #2 = 0.5 · 0.4 + (-0.1) · (-0.9) = 0.29"
    assert lines[-1] == "(torch autograd: -0.30504)"
    bias = SimpleNamespace(inp=None, grad_a=0.5, slope=1.0, x=1.0, product=0.5, autograd=0.5,
                           sources=())
    assert chain_rule_text(bias)[0] == "∂L/∂b = ∂L/∂a · ∂a/∂z · 1 = 0.5 · 1 · 1 = 0.5"
    assert "X₁" in chain_rule_legend(rule, into="L1 #1", source="X₁", activation="tanh")
    assert fmt(-0.0001234) == "-0.000123" and fmt(float("nan")) == "nan" and fmt(-0.0) == "0"


def test_loss_lines_for_each_objective():
    trace, _ = trace_and_layout()
    ce = loss_text(trace, ("orange", "blue"))
    assert ce[1] == "L = −log p[blue] = −log 0.7 = 0.357"
    tfp = PointTrace(trace.x, 1.0, np.array([1.0]), np.array([0.5]), np.array([0.25, 0.75]),
                     0.125, "tfp_squared",
                     (trace.layers[0],
                      DenseTrace("head", "tanh", x=np.zeros(1), weight=np.zeros((1, 1)),
                                 bias=np.zeros(1), z=np.zeros(1), a=np.array([0.5]),
                                 slope=np.ones(1), grad_a=np.array([-0.5]), grad_z=np.zeros(1),
                                 grad_w=np.zeros((1, 1)), grad_b=np.zeros(1), feeds_next=False)))
    assert loss_text(tfp, ("output",)) == ["L = ½(a − t)² = ½(0.5 − 1)² = 0.125",
                                           "∂L/∂a = a − t = -0.5"]
