"""Compare mode's curves: A solid and B dashed, test strong and train faint."""
import numpy as np

from viz.pair_curves import A_COLOUR, B_COLOUR, DASH, pair_curves_svg


def history(n, start):
    e = np.arange(1, n + 1, dtype=float)
    return {"epoch": e, "train_loss": start / e, "test_loss": start / e + 0.1,
            "train_acc": 1 - 0.5 / e, "test_acc": 1 - 0.6 / e}


def test_both_runs_are_drawn_a_solid_b_dashed():
    svg = pair_curves_svg(history(50, 1.0), history(30, 2.0), "loss")
    lines = svg.split("<polyline")[1:]
    assert len(lines) == 4
    a_lines = [x for x in lines if A_COLOUR in x]
    b_lines = [x for x in lines if B_COLOUR in x]
    assert len(a_lines) == len(b_lines) == 2
    assert all(DASH in x for x in b_lines) and not any("dasharray" in x for x in a_lines)
    assert "epoch 50" in svg                   # the axis spans the longer run
    assert 'stroke-width="2.0"' in svg and 'stroke-opacity="0.45"' in svg


def test_accuracy_axis_is_zero_to_one_and_empty_history_draws_no_line():
    svg = pair_curves_svg(history(10, 1.0), history(10, 1.0), "acc")
    assert ">1<" in svg and ">0<" in svg
    empty = {"epoch": np.array([])}
    assert "<polyline" not in pair_curves_svg(empty, empty, "loss")
