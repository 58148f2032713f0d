"""Compare mode in the image lab (AppTest): augmentation on in run B only, the same training
images for both runs, Play trains both, the link round-trips, the training-set size rebuilds."""
from tests.pages.apps import address, open_images, play_pair_until


def test_run_b_with_augmentation_trains_beside_run_a_on_the_same_images(app_path):
    at = open_images(app_path, ds="digits", ntr="60", cmp="1", b_ashift="0.125")
    assert not at.exception
    pair = at.session_state["ilc_trainer"]
    assert (pair.a.experiment.train.aug_shift, pair.b.experiment.train.aug_shift) == (0, 0.125)
    assert (pair.a.dataset.x_train == pair.b.dataset.x_train).all()
    assert len(pair.a.dataset.x_train) == 60
    play_pair_until(at, "ilc", lambda p: min(p.a.epoch, p.b.epoch) >= 5)
    assert not at.exception and pair.a.epoch >= 5
    assert any("did better" in i.body or "tie" in i.body for i in at.info)
    assert address(at)["b_ashift"] == "0.125" and address(at)["cmp"] == "1"
    again = open_images(app_path, **address(at))
    twin = again.session_state["ilc_trainer"]
    assert twin.b.experiment == pair.b.experiment and twin.a.experiment == pair.a.experiment


def test_a_new_training_set_size_restarts_both_runs(app_path):
    at = open_images(app_path, ds="digits", ntr="60", cmp="1")
    first = at.session_state["ilc_trainer"]
    at.slider(key="il_train_size").set_value(100).run()
    pair = at.session_state["ilc_trainer"]
    assert pair is not first
    assert len(pair.a.dataset.x_train) == len(pair.b.dataset.x_train) == 100
