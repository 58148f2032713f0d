"""AppTest of augmentation in the image lab: the toggles change the running network without a
rebuild, the strip shows what the network sees, the link carries the settings, and digits can
never be mirrored."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from engine.spec.presets import preset_experiment

PAGE = "labs/image_lab.py"


def open_lab(app_path, **params):
    at = AppTest.from_file(app_path, default_timeout=60)
    at.query_params.update(params)
    at.run()
    at.query_params.update(params)
    return at.switch_page(PAGE).run()


def strip_html(at) -> str:
    return " ".join(h.proto.body for h in at.get_by_key("il_augment").get("html"))


def test_turning_augmentation_on_trains_live_and_shows_the_strip(app_path):
    at = open_lab(app_path)
    assert not at.exception
    assert "random versions" in strip_html(at)       # off: the versions are the images as stored
    assert at.checkbox(key="il_train_aug_flip").disabled          # digits are never mirrored
    at.button(key="il_step_epoch").click().run()
    t = at.session_state["il_trainer"]
    at.slider(key="il_train_aug_rotate").set_value(15.0).run()
    at.slider(key="il_train_aug_cutout").set_value(0.25).run()
    at.button(key="il_step_epoch").click().run()
    assert not at.exception and not at.error
    assert at.session_state["il_trainer"] is t and t.epoch == 2     # live: same weights
    assert t.spec.aug_rotate == 15.0 and t.spec.aug_cutout == 0.25 and t.spec.aug_flip == 0
    assert strip_html(at).count("<img") == 10                       # 5 images, 5 strips
    assert any("augmented training images" in e.label for e in at.expander)
    assert at.query_params["arot"] in ("15.0", ["15.0"])
    at.button(key="il_reset").click().run()                        # the runs table says how
    assert at.session_state["il_runs"][0]["augmentation"] == "turn 15°, cutout 0.25"
    for widget in ("il_train_aug_shift", "il_train_aug_rotate", "il_train_aug_scale",
                   "il_train_aug_noise", "il_train_aug_cutout"):
        assert at.slider(key=widget).help
    at.slider(key="il_train_aug_rotate").set_value(0.0).run()
    assert "arot" not in at.query_params and at.query_params["acut"] in ("0.25", ["0.25"])


def test_shapes_may_be_mirrored_and_the_link_reopens_the_augmentation(app_path):
    exp = preset_experiment("mlp", "shapes").replace("train", aug_flip=1, aug_shift=0.1)
    at = open_lab(app_path, **exp.to_query(), ntr="200")
    assert not at.exception and not at.warning
    t = at.session_state["il_trainer"]
    assert t.experiment == exp and t.flips_allowed
    assert not at.checkbox(key="il_train_aug_flip").disabled
    assert at.checkbox(key="il_train_aug_flip").value is True
    at.selectbox(key="il_dataset").set_value("digits").run()      # digits: mirror goes off
    assert not at.exception
    assert at.session_state["il_trainer"].spec.aug_flip == 0
    assert at.session_state["il_trainer"].spec.aug_shift == 0.1


def test_a_link_that_mirrors_digits_opens_without_mirroring_and_says_why(app_path):
    at = open_lab(app_path, ds="digits", aflip="1", anoise="0.1")
    assert not at.exception
    assert "mirrored" in " ".join(w.value for w in at.warning)
    spec = at.session_state["il_trainer"].spec
    assert spec.aug_flip == 0 and spec.aug_noise == 0.1
