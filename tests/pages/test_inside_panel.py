"""AppTest of the inside-the-network panel and the timeline, on a real Trainer."""
import torch
from streamlit.testing.v1 import AppTest


def panel_app():
    """A minimal page: Play toggle, timeline, panel (as the real pages wire them)."""
    import threading

    import streamlit as st

    from engine.layerspec import make_layer
    from engine.recording import Recording
    from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec
    from engine.train import Trainer
    from ui.inside_panel import inside_panel
    from ui.timeline_control import timeline_control

    if "trainer" not in st.session_state:
        exp = Experiment(DataSpec("circle", n_samples=100),
                         ModelSpec((make_layer("dense", units=6, activation="relu"),
                                    make_layer("dense", units=4, activation="tanh"))),
                         TrainSpec(optimizer="adam", lr=0.03, batch_size=10))
        t = Trainer(exp, device="cpu", recording=Recording(layer_every_steps=1))
        t.step(12 * t.batches_per_epoch + 2)          # pause mid-epoch 13
        st.session_state.trainer, st.session_state.lock = t, threading.Lock()
    t, lock = st.session_state.trainer, st.session_state.lock
    playing = st.toggle("Play", key="t_play")
    timeline_control(t, key_prefix="t", lock=lock, playing=playing)
    if playing:
        with lock:
            t.step_epoch()
    inside_panel(t, key_prefix="t", lock=lock)


def weights(t):
    return [v.clone() for v in t.model.state_dict().values()]


def test_scrub_view_and_branch():
    at = AppTest.from_function(panel_app, default_timeout=60).run()
    assert not at.exception
    t = at.session_state.trainer
    latest, latest_steps = weights(t), t.steps
    slider = at.select_slider(key="t_timeline")
    assert slider.options[-1] == "epoch 12 + 2/5 batches"      # the paused moment itself
    assert at.get("plotly_chart") and (at.success or at.warning or at.error)

    past = t.timeline.at_epoch(5)
    at.select_slider(key="t_timeline").set_value(past.steps).run()
    assert not at.exception
    t = at.session_state.trainer
    assert t.rewound and (t.epoch, t.steps) == (5, past.steps)
    assert all(torch.equal(a, b) for a, b in zip(weights(t), past.model_state.values()))
    assert any("Viewing epoch 5" in c.value for c in at.caption)

    for view in ("Gradients", "Updates", "Weights", "Dead / saturated"):
        at.radio(key="t_inside_view").set_value(view).run()
        assert not at.exception and at.get("plotly_chart")

    at.select_slider(key="t_timeline").set_value(latest_steps).run()   # back to the latest
    t = at.session_state.trainer
    assert not t.rewound and t.steps == latest_steps
    assert all(torch.equal(a, b) for a, b in zip(weights(t), latest))

    at.select_slider(key="t_timeline").set_value(past.steps).run()
    at.toggle(key="t_play").set_value(True).run()                      # Play from epoch 5
    assert not at.exception
    t = at.session_state.trainer
    assert t.branches == [5.0] and t.epoch == 6 and not t.rewound
    assert t.history.column("epoch")[-1] == 6
    assert max(c.epoch for c in t.timeline.checkpoints) == 6
