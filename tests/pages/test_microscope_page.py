"""AppTest of the 2D page's microscope: pick a point, step backward, apply an update, edit."""
import json

import pytest

from engine.inspect.microscope import point_loss
from tests.pages.apps import open_2d
from ui.controls.microscope import read_click


def trainer(at):
    return at.session_state["pg_trainer"]


def painter_payload(at) -> dict:
    """The latest frame's moving parts (what the microscope changes: maps, net, micro)."""
    return json.loads(at.get("bidi_component")[0].proto.bytes)


def button(at, key):
    return at.button(key=key)


def test_microscope_follows_a_point_backward_updates_and_edits(app_path):
    at = open_2d(app_path, ds="circle", net="dense:3:tanh,dense:2:tanh", loss="tfp_squared",
                 lr="0.1")
    assert not at.exception
    at.toggle(key="pg_micro").set_value(True).run()
    assert not at.exception
    assert at.session_state["pg_micro_point"] is not None        # a point is followed at once
    micro = painter_payload(at)["micro"]
    assert micro["stage"] == "forward" and micro["marker"] is not None
    assert micro["lines"]["L1 #1"][0].startswith("z ")           # every drawn neuron: z and a
    assert [c["labels"] for c in painter_payload(at)["net"]["columns"]][-1] == ["output"]

    button(at, "pg_micro_random").click().run()                  # another point, at random
    first = at.session_state["pg_micro_point"]
    button(at, "pg_micro_random").click().run()
    assert not at.exception and at.session_state["pg_micro_point"] is not None
    assert first is not None

    for step in (1, 2, 3):                                       # output → L2 → L1
        button(at, "pg_micro_back").click().run()
        assert not at.exception
        micro = painter_payload(at)["micro"]
        assert micro["stage"] == "backward"
        assert [g is not None for g in micro["grads"]] == [j >= 3 - step for j in range(3)]
    assert "∂L/∂z" in micro["lines"]["L1 #1"][2]
    assert button(at, "pg_micro_back").disabled                  # nothing left to reach
    assert any("∂L/∂w = ∂L/∂a · ∂a/∂z · x =" in c.value for c in at.code)

    t = trainer(at)
    i = at.session_state["pg_micro_point"]
    x, y = t.dataset.x_train[i].copy(), t.dataset.y_train[i]
    before = point_loss(t, x, y)
    steps = t.steps
    button(at, "pg_micro_apply").click().run()
    assert not at.exception
    update = at.session_state["pg_micro_update"]
    assert update.loss_before == pytest.approx(before, rel=1e-5)
    assert update.loss_after < update.loss_before                 # it went down
    assert point_loss(trainer(at), x, y) == pytest.approx(update.loss_after, rel=1e-5)
    assert trainer(at).steps == steps
    assert at.dataframe, "the before → after table"
    assert any("went down" in m.value for m in at.markdown)

    # edit a weight by hand: choose L1's first weight, type a value, the map follows
    at.selectbox(key="pg_micro_layer").set_value(0).run()
    at.selectbox(key="pg_micro_into").set_value(1).run()
    at.selectbox(key="pg_micro_from").set_value(0).run()
    assert at.session_state["pg_micro_sel"] == (0, 1, 0)
    output_before = painter_payload(at)["output"]
    at.number_input(key="pg_micro_value").set_value(2.5).run()
    assert not at.exception
    assert float(trainer(at).model.L1.weight[1, 0].detach()) == 2.5
    assert painter_payload(at)["output"] != output_before         # the output map changed
    # ... and a bias
    at.selectbox(key="pg_micro_from").set_value(-1).run()          # the bias
    at.number_input(key="pg_micro_value").set_value(-0.75).run()
    assert float(trainer(at).model.L1.bias[1].detach()) == -0.75
    assert not at.exception


def test_two_classes_show_two_logits_and_clicks_choose_points_and_weights(app_path):
    at = open_2d(app_path, ds="xor", net="dense:4:relu")           # two logits (cross-entropy)
    at.toggle(key="pg_micro").set_value(True).run()
    assert not at.exception
    payload = painter_payload(at)
    assert payload["net"]["columns"][-1]["labels"] == ["output: orange", "output: blue"]
    assert len(payload["net"]["weights"][-1]) == 2                 # each logit's own weights
    t = trainer(at)
    layout = at.session_state["pg_micro_layout"]
    active = [0, 1]                                                # X₁, X₂ of the 7 offered
    near = t.dataset.points_train[7] + 1e-4
    assert read_click({"point": near.tolist()}, t.dataset.points_train, layout, active) == {
        "point": 7}
    assert read_click({"edge": [0, 2, 1]}, t.dataset.points_train, layout, active) == {
        "sel": (0, 2, 1)}
    assert read_click({"edge": [0, 2, 5]}, t.dataset.points_train, layout, active) == {}  # off
    assert read_click({"edge": [1, 1, 3]}, t.dataset.points_train, layout, active) == {
        "sel": (1, 1, 3)}
    assert read_click({"neuron": "output: blue"}, t.dataset.points_train, layout, active) == {
        "sel": (1, 1, None)}
    assert read_click({"neuron": "L1 #3"}, t.dataset.points_train, layout, active) == {
        "sel": (0, 2, None)}
    assert read_click({"point": ["x", 1], "edge": "1,2", "neuron": 3},
                      t.dataset.points_train, layout, active) == {}


def test_microscope_is_off_while_playing(app_path):
    at = open_2d(app_path, ds="circle")
    at.toggle(key="pg_micro").set_value(True).run()
    assert "micro" in painter_payload(at)
    at.toggle(key="pg_play").set_value(True).run()
    assert not at.exception
    assert "micro" not in painter_payload(at)
    assert at.toggle(key="pg_micro").disabled
    at.toggle(key="pg_play").set_value(False).run()
    assert "micro" in painter_payload(at)


def test_regression_with_batch_norm_and_dropout_says_eval_mode(app_path):
    at = open_2d(app_path, ds="reg_plane", net="dense:4:relu,batchnorm,dropout:0.2,dense:2:tanh",
                 l2="0.01")
    at.button(key="pg_step_epoch").click().run()
    at.toggle(key="pg_micro").set_value(True).run()
    for _ in range(3):                                       # head, L2, L1
        at.button(key="pg_micro_back").click().run()
    at.button(key="pg_micro_apply").click().run()
    assert not at.exception
    notes = " ".join(c.value for c in at.caption)
    assert "evaluation mode" in notes and "penalty" in notes
    assert "L = (a − t)²" in notes                           # the regression loss, with numbers


def test_png_view_offers_no_microscope(app_path):
    at = open_2d(app_path, view="png")
    assert at.toggle(key="pg_micro").disabled
    assert not at.exception
