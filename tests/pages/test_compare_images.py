"""Compare mode in the image lab (AppTest): augmentation on in run B only, the same training
images for both runs, Play trains both, the link round-trips, the training-set size rebuilds."""
import time

from tests.pages.apps import open_images


def link(at) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def test_run_b_with_augmentation_trains_beside_run_a_on_the_same_images(app_path):
    at = open_images(app_path, ds="digits", ntr="60", cmp="1", b_ashift="0.125")
    assert not at.exception
    pair = at.session_state["ilc_trainer"]
    assert (pair.a.experiment.train.aug_shift, pair.b.experiment.train.aug_shift) == (0, 0.125)
    assert (pair.a.dataset.x_train == pair.b.dataset.x_train).all()
    assert len(pair.a.dataset.x_train) == 60
    at.toggle(key="ilc_play").set_value(True).run()
    deadline = time.time() + 30
    while min(pair.a.epoch, pair.b.epoch) < 5 and time.time() < deadline:
        time.sleep(0.2)
        at.run()
    at.toggle(key="ilc_play").set_value(False).run()
    assert not at.exception and pair.a.epoch >= 5
    assert any("did better" in i.body or "tie" in i.body for i in at.info)
    assert link(at)["b_ashift"] == "0.125" and link(at)["cmp"] == "1"
    again = open_images(app_path, **link(at))
    twin = again.session_state["ilc_trainer"]
    assert twin.b.experiment == pair.b.experiment and twin.a.experiment == pair.a.experiment


def test_a_new_training_set_size_restarts_both_runs(app_path):
    at = open_images(app_path, ds="digits", ntr="60", cmp="1")
    first = at.session_state["ilc_trainer"]
    at.slider(key="il_train_size").set_value(100).run()
    pair = at.session_state["ilc_trainer"]
    assert pair is not first
    assert len(pair.a.dataset.x_train) == len(pair.b.dataset.x_train) == 100
