"""AppTest of the inside-the-network panel and the timeline, on a real Trainer."""
import torch
from streamlit.testing.v1 import AppTest


def panel_app():
    """A minimal page: Play toggle, timeline, panel (as the real pages wire them)."""

    import streamlit as st

    from engine.record.recorder import Recorder, Recording
    from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
    from engine.spec.layers import make_layer
    from engine.train import Trainer
    from ui.session import LabSession
    from ui.views.inside import inside_panel
    from ui.views.timeline import timeline_control

    lab = LabSession("t")
    if not lab.opened:
        exp = Experiment(DataSpec("circle", n_samples=100),
                         ModelSpec((make_layer("dense", units=6, activation="relu"),
                                    make_layer("dense", units=4, activation="tanh"))),
                         TrainSpec(optimizer="adam", lr=0.03, batch_size=10))
        lab.open([])
        t = Trainer(exp, device="cpu")
        st.session_state["t_trainer"] = t
        st.session_state["t_recorder"] = Recorder(t, Recording(layer_every_steps=1))
        t.step(12 * t.batches_per_epoch + 2)          # pause mid-epoch 13
    t = lab.trainer
    playing = st.toggle("Play", key="t_play")
    timeline_control(lab, playing=playing)
    if playing:
        with lab.lock:
            t.step_epoch()
    inside_panel(lab)


def weights(t):
    return [v.clone() for v in t.model.state_dict().values()]


def test_scrub_view_and_branch():
    at = AppTest.from_function(panel_app, default_timeout=60).run()
    assert not at.exception
    t = at.session_state["t_trainer"]
    latest, latest_steps = weights(t), t.steps
    slider = at.select_slider(key="t_timeline")
    assert slider.options[-1] == "epoch 12 + 2/5 batches"      # the paused moment itself
    assert at.get("plotly_chart") and (at.success or at.warning or at.error)

    past = at.session_state["t_recorder"].timeline.at_epoch(5)
    at.select_slider(key="t_timeline").set_value(past.steps).run()
    assert not at.exception
    t = at.session_state["t_trainer"]
    assert at.session_state["t_recorder"].rewound and (t.epoch, t.steps) == (5, past.steps)
    assert all(torch.equal(a, b) for a, b in zip(weights(t), past.state["model"].values()))
    assert any("Viewing epoch 5" in c.value for c in at.caption)

    for view in ("Gradients", "Updates", "Weights", "Dead / saturated"):
        at.radio(key="t_inside_view").set_value(view).run()
        assert not at.exception and at.get("plotly_chart")

    at.select_slider(key="t_timeline").set_value(latest_steps).run()   # back to the latest
    t = at.session_state["t_trainer"]
    assert not at.session_state["t_recorder"].rewound and t.steps == latest_steps
    assert all(torch.equal(a, b) for a, b in zip(weights(t), latest))

    at.select_slider(key="t_timeline").set_value(past.steps).run()
    at.toggle(key="t_play").set_value(True).run()                      # Play from epoch 5
    assert not at.exception
    t = at.session_state["t_trainer"]
    assert at.session_state["t_recorder"].branches == [5.0] and t.epoch == 6 and not at.session_state["t_recorder"].rewound
    assert t.history.column("epoch")[-1] == 6
    assert max(c.epoch for c in at.session_state["t_recorder"].timeline.checkpoints) == 6
