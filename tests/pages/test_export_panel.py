"""The 'Download or open an experiment' panel on both labs (AppTest): four downloads that do
not rerun the page, and an uploader that reopens an experiment on the lab that shows its
data, loads weights that fit, and explains every file it refuses."""
from __future__ import annotations

import io
import os

import torch

from engine.export.files import weights_bytes
from engine.export.opening import MAX_EXPERIMENT_BYTES
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec, layers_from_text
from engine.spec.presets import preset_experiment
from tests.pages.apps import open_2d, open_images
from ui.views.export import _builder

SPIRAL = Experiment(DataSpec("spiral", noise=0.2),
                    ModelSpec(layers_from_text("dense:8:relu,dense:6:relu")),
                    TrainSpec(optimizer="adam", lr=0.01, batch_size=16))


def downloads(at, prefix):
    return {b.proto.label: b.proto for b in at.get("download_button")
            if b.proto.id.endswith(tuple(f"{prefix}_download_{e}" for e in
                                         ("json", "pt", "csv", "zip")))}


def upload(at, prefix, name, data):
    uploader = next(u for u in at.get("file_uploader") if u.proto.id.endswith(f"{prefix}_open_file"))
    uploader.set_value((name, data, "application/octet-stream"))
    return at.run()


def messages(at, kind):
    return " ".join(e.value.replace("\\", "") for e in getattr(at, kind))


def test_both_labs_offer_the_four_downloads_without_a_rerun(app_path):
    at = open_2d(app_path)
    assert not at.exception
    buttons = downloads(at, "pg")
    assert list(buttons) == ["Experiment (.json)", "Weights (.pt)", "Metrics (.csv)",
                             "PyTorch script (.zip)"]
    assert all(b.ignore_rerun for b in buttons.values())
    images = open_images(app_path)
    assert not images.exception and len(downloads(images, "il")) == 4


def test_download_builders_hold_the_lock_and_return_bytes():
    import threading

    lock = threading.Lock()
    seen = []
    data = _builder(lambda: seen.append(lock.locked()) or "text", lock)
    assert data() == b"text" and seen == [True] and not lock.locked()


def test_a_2d_experiment_file_reopens_the_2d_page(app_path):
    at = open_2d(app_path)
    upload(at, "pg", "spiral.json", SPIRAL.to_json().encode())
    assert not at.exception
    assert at.session_state["pg_experiment"] == SPIRAL
    assert at.session_state["pg_trainer"].experiment == SPIRAL
    assert at.query_params["ds"] in ("spiral", ["spiral"])
    assert "Opened 'spiral.json' on the 2D playground page" in messages(at, "toast")


def test_an_image_experiment_file_opens_the_image_lab(app_path):
    exp = preset_experiment("mlp")
    at = open_2d(app_path)
    upload(at, "pg", "mlp.json", exp.to_json().encode())
    assert not at.exception
    assert at.session_state["il_trainer"].experiment == exp
    assert "Opened 'mlp.json' on the Image lab page" in messages(at, "toast")


def test_an_image_experiment_with_other_data_settings_says_what_it_left_out(app_path):
    exp = preset_experiment("mlp")
    exp = exp.replace("data", seed=7)
    at = open_images(app_path)
    upload(at, "il", "seed7.json", exp.to_json().encode())
    assert not at.exception
    assert "other data settings in 'seed7.json' were left out" in messages(at, "warning")
    assert at.session_state["il_trainer"].experiment.data.seed == 1


def test_bad_experiment_files_get_a_message_and_change_nothing(app_path):
    at = open_2d(app_path)
    before = at.session_state["pg_experiment"]
    cases = {"broken.json": (b"{not json", "not valid JSON"),
             "lr.json": (b'{"train": {"lr": 99}}', "Learning rate"),
             "huge.json": (b" " * (MAX_EXPERIMENT_BYTES + 10), "at most 1,000,000"),
             "iris.json": (b'{"data": {"dataset": "iris"}}', "cannot open from a file yet")}
    for name, (data, words) in cases.items():
        upload(at, "pg", name, data)
        assert not at.exception, name
        shown = messages(at, "error")
        assert words in shown and f"Cannot open '{name}'" in shown, (name, shown)
        assert at.session_state["pg_experiment"] == before


def test_weights_that_fit_load_and_others_are_explained(app_path):
    from engine.train import Trainer

    at = open_2d(app_path)
    trainer = at.session_state["pg_trainer"]
    other = Trainer(trainer.experiment, device="cpu")
    other.step(30)
    upload(at, "pg", "good.pt", weights_bytes(other))
    assert "Loaded the weights in 'good.pt'" in messages(at, "info")
    live = at.session_state["pg_trainer"]
    assert live is trainer and all(torch.equal(v, other.model.state_dict()[k])
                                   for k, v in live.model.state_dict().items())

    wide = Trainer(SPIRAL, device="cpu")
    upload(at, "pg", "wide.pt", weights_bytes(wide))
    assert "another network" in messages(at, "error")

    class Bomb:
        def __reduce__(self):
            return os.system, ("echo pwned > /tmp/nnpg-panel-pwned",)
    buffer = io.BytesIO()
    torch.save({"L1.weight": Bomb()}, buffer)
    upload(at, "pg", "bomb.pt", buffer.getvalue())
    assert "not a weights file" in messages(at, "error")
    assert not os.path.exists("/tmp/nnpg-panel-pwned")
    assert not at.exception
