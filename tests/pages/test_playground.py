"""AppTest of the 2D playground page: play, step, live settings, URL round-trip, bad links."""
import base64
import json
import time

from streamlit.testing.v1 import AppTest

from ui.views.inside import TITLES

from engine.spec import Experiment
from tests.painter_frames import painter_frame
from tests.shown import shown


def open_page(app_path, **params):
    at = AppTest.from_file(app_path, default_timeout=60)
    at.query_params.update(params)
    return at.run()


def recorder(at):
    return at.session_state["pg_recorder"]


def trainer(at):
    return at.session_state["pg_trainer"]


def test_play_advances_epochs_and_draws(app_path):
    at = open_page(app_path)
    assert not at.exception
    assert trainer(at).epoch == 0
    at.toggle(key="pg_play").set_value(True).run()
    deadline = time.time() + 20           # full speed trains on a background thread between frames
    while trainer(at).epoch == 0 and time.time() < deadline:
        time.sleep(0.1)
        at.run()                          # each run is one frame and renews the thread's lease
    assert not at.exception
    assert trainer(at).epoch > 0
    assert any("Epoch" in m.value and "Training" in m.value for m in at.markdown)
    painter = at.get("bidi_component")
    assert painter, "the live painter is mounted"
    moving = json.loads(painter[0].proto.bytes)
    assert "still" not in moving and moving["sid"], "still parts are not sent every frame"
    payload = painter_frame(at)
    assert payload["sid"] == moving["sid"]
    columns = payload["net"]["columns"]
    assert [len(c["labels"]) for c in columns] == [7, 4, 2, 1]      # inputs, L1, L2, output
    assert len(payload["inactive"]) == 5                            # 2 of 7 inputs are on
    assert len(base64.b64decode(payload["maps"])) == payload["rs"] ** 2 * (4 + 2)
    assert len(base64.b64decode(payload["imaps"])) == payload["rs"] ** 2 * 7   # kept in the
    assert columns[0]["maps"] == [-2, -3, -4, -5, -6, -7, -8]               # browser
    at.toggle(key="pg_play").set_value(False).run()
    stopped = trainer(at).steps
    time.sleep(0.3)
    assert trainer(at).steps == stopped, "Pause stops the background thread at once"
    assert any("Paused" in m.value for m in at.markdown)


def test_png_renderer_draws_map_and_network(app_path):
    at = open_page(app_path, view="png")
    at.button(key="pg_step_epoch").click().run()
    assert not at.exception
    assert at.get("image"), "the output map is drawn"
    assert any("<svg" in m.value for m in at.markdown)
    assert at.query_params["view"] in ("png", ["png"])


def test_step_buttons_and_pause(app_path):
    at = open_page(app_path)
    at.button(key="pg_step_batch").click().run()
    t = trainer(at)
    assert (t.epoch, t.batch_in_epoch, t.steps) == (0, 1, 1)
    at.button(key="pg_step_epoch").click().run()
    assert trainer(at).epoch == 1 and trainer(at).batch_in_epoch == 0
    at.run()                                         # paused: nothing trains
    assert trainer(at).steps == 25


def test_live_lr_change_keeps_weights_and_reaches_url(app_path):
    at = open_page(app_path)
    at.button(key="pg_step_epoch").click().run()
    before = [p.clone() for p in trainer(at).model.parameters()]
    at.select_slider(key="pg_train_lr").set_value(0.3).run()
    t = trainer(at)
    assert t.lr == 0.3 and all((a == b).all() for a, b in zip(before, t.model.parameters()))
    assert at.query_params["lr"] in ("0.3", ["0.3"])
    at.number_input(key="pg_units_0").set_value(6).run()      # the network changed: rebuild
    assert trainer(at).epoch == 0 and trainer(at).model.L1.out_features == 6
    assert "dense:6:tanh" in str(at.query_params["net"])


def test_url_round_trip_reopens_the_same_experiment(app_path):
    exp, _ = Experiment.from_query({"ds": "xor", "noise": "0.2", "feat": "x1,x2,x1x2",
                                    "net": "dense:6:relu,batchnorm,dropout:0.2,dense:3:relu",
                                    "opt": "adam", "lr": "0.01", "bs": "20"})
    at = open_page(app_path, **exp.to_query())
    assert not at.exception and not at.warning
    assert trainer(at).experiment == exp
    link = {key: at.query_params[key] for key in at.query_params}
    again = open_page(app_path, **{key: v if isinstance(v, str) else v[-1] for key, v in link.items()})
    assert trainer(again).experiment == exp


def test_hostile_url_gives_messages_not_tracebacks(app_path):
    at = open_page(app_path, lr="1e99", bs="-1", noise="nan", ds="mnist", net="conv2d:8,lstm:4",
                   feat="evil", opt="<script>alert(1)</script>", n="9" * 500)
    assert not at.exception
    text = " ".join(shown(w.value) for w in at.warning)
    assert "Learning rate" in text and "Optimizer" in text and "2D dataset" in text
    assert "left out" in text
    t = trainer(at)
    assert t.experiment.data.dataset == "circle" and t.experiment.train.lr == 10.0


def test_impossible_settings_are_explained_and_repaired(app_path):
    # the loss picker offers only the losses the task can use; a link may still ask for another
    at = open_page(app_path, ds="reg_plane", loss="cross_entropy")
    assert not at.exception
    assert any("Cross-entropy needs classes" in shown(w.value) and "Automatic" in w.value
               for w in at.warning)
    assert "Cross-entropy" not in at.selectbox(key="pg_train_loss").options
    assert trainer(at).experiment.train.loss == "auto"


def test_classroom_link_hides_controls(app_path):
    at = open_page(app_path, hide="lr,optimizer,network")
    assert not at.exception
    keys = {w.key for w in at.select_slider} | {w.key for w in at.selectbox}
    assert "pg_train_lr" not in keys and "pg_train_optimizer" not in keys
    assert at.query_params["hide"] in ("lr,network,optimizer", ["lr,network,optimizer"])


def test_thumbnail_picks_dataset_and_problem_type_switches_task(app_path):
    at = open_page(app_path)
    at.button(key="pg_pick_spiral").click().run()
    assert not at.exception
    assert trainer(at).experiment.data.dataset == "spiral"
    assert at.query_params["ds"] in ("spiral", ["spiral"])
    at.button_group(key="pg_problem").set_value("regression").run()
    assert not at.exception
    assert trainer(at).dataset.task == "regression"
    assert at.button(key="pg_pick_reg_gauss"), "regression thumbnails are offered"


def test_timeline_scrubs_back_and_step_branches_from_there(app_path):
    import torch
    at = open_page(app_path)
    for _ in range(6):
        at.button(key="pg_step_epoch").click().run()
    t = trainer(at)
    assert t.epoch == 6 and not at.exception
    past = recorder(at).timeline.at_epoch(2)
    assert past is not None, "an early moment was recorded"
    at.select_slider(key="pg_timeline").set_value(past.steps).run()
    assert not at.exception
    t = trainer(at)
    assert recorder(at).rewound and t.epoch == past.epoch
    assert all(torch.equal(a, b) for a, b in zip(t.model.state_dict().values(),
                                                  past.state["model"].values()))
    assert any("Epoch " + str(past.epoch) in m.value for m in at.markdown), "views show then"
    at.button(key="pg_step_epoch").click().run()             # training from the past forks
    t = trainer(at)
    assert not recorder(at).rewound and t.epoch == past.epoch + 1 and recorder(at).branches
    assert any("stroke-dasharray" in m.value for m in at.markdown), "curves mark the branch"


def test_inside_panel_shows_diagnostics_and_charts(app_path):
    at = open_page(app_path)
    at.toggle(key="pg_play").set_value(True).run()
    deadline = time.time() + 30
    while len(recorder(at).layers) < 3 and time.time() < deadline:
        time.sleep(0.1)
        at.run()
    at.toggle(key="pg_play").set_value(False).run()
    assert not at.exception and len(recorder(at).layers) >= 3
    assert at.get("plotly_chart"), "a per-layer chart is drawn"
    texts = [shown(e.value) for e in (*at.error, *at.warning, *at.success)]
    known = ("No problems spotted", *TITLES.values())      # a verdict, in words we wrote
    assert any(word in text for text in texts for word in known), texts
    at.radio(key="pg_inside_view").set_value("Gradients").run()
    assert not at.exception and at.get("plotly_chart")
