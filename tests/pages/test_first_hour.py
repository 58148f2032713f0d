"""What a new user hit in the first hour (issue: lab framework, part 3), one test each."""
import ast
import json
import re
import time
from pathlib import Path

import pytest
from tests.painter_frames import painter_frame
from tests.pages.apps import IMAGE_LAB, open_2d, open_images
from tests.shown import shown

ROOT = Path(__file__).resolve().parents[2]


def errors(at) -> list[str]:
    return [shown(e.value) for e in at.error]


# 1. any text in the compact form gives a message or a working stack, never a crash
@pytest.mark.parametrize("text", ["flatten,self_attention:2", "lstm:8,dense:4", "conv2d:x",
                                  "dense:4:nosuch", ":::", "residual:0", "," * 40,
                                  "conv2d:8:3:1:1:relu," * 40])
def test_compact_form_never_crashes_the_page(app_path, text):
    at = open_images(app_path)
    at.text_input(key="il_net_text").set_value(text).run()
    assert not at.exception
    at.run()                                   # and the page keeps working afterwards
    assert not at.exception
    at.button(key="il_step_batch").click().run()
    assert not at.exception and at.session_state["il_trainer"].steps == 1


def test_a_sequence_layer_in_the_image_lab_is_named_and_refused(app_path):
    at = open_images(app_path)
    before = at.session_state["il_trainer"].experiment.model
    at.text_input(key="il_net_text").set_value("flatten,self_attention:2").run()
    (message,) = errors(at)
    assert "L2 (self_attention)" in message and "not a layer of the image lab" in message
    assert at.session_state["il_trainer"].experiment.model == before


# 7. every problem of a typed stack at once, and only the newest error on screen
def test_pool_window_and_stride_both_reported_and_old_error_goes(app_path):
    at = open_images(app_path)
    at.text_input(key="il_net_text").set_value("maxpool2d:9:1").run()
    assert len(errors(at)) == 1 and "9×9 window" in errors(at)[0]
    at.text_input(key="il_net_text").set_value("maxpool2d:9:9").run()
    (message,) = errors(at)                    # not the previous one beside it
    assert "stride must be" in message and "9×9 window" in message and "8×8" in message


# 5. one layer naming everywhere
def test_layer_names_agree_in_sidebar_network_view_and_summary(app_path):
    at = open_2d(app_path, net="dense:4:relu,batchnorm,dropout:0.2,dense:3:tanh")
    labels = [n.label for n in at.number_input if n.key.startswith("pg_units_")]
    assert labels == ["L1 neurons", "L2 neurons"]
    painter = painter_frame(at)
    titles = [c["title"] for c in painter["net"]["columns"]]
    assert titles[1].startswith("L1 ") and titles[2].startswith("L2 ")
    summary = list(at.dataframe[-1].value["layer"])
    assert summary == ["input", "L1", "L1_bn", "L1_drop", "L2", "head"]
    labels = {s.label for s in at.select_slider}
    assert {"L1 penalty", "L2 penalty"} <= labels and "L1" not in labels


# 8. Step batch, then Play: no false branch
def test_step_batch_then_play_does_not_fork_a_branch(app_path):
    at = open_2d(app_path)
    at.button(key="pg_step_batch").click().run()
    at.button(key="pg_step_batch").click().run()
    at.toggle(key="pg_play").set_value(True).run()
    time.sleep(0.3)
    at.run()
    at.toggle(key="pg_play").set_value(False).run()
    assert not at.exception
    assert at.session_state["pg_recorder"].branches == []
    assert not any("stroke-dasharray" in m.value for m in at.markdown)


# 9. reaching the epoch limit turns Play off
def test_epoch_limit_turns_the_play_switch_off(app_path):
    at = open_2d(app_path, ep="3")
    at.toggle(key="pg_play").set_value(True).run()
    deadline = time.time() + 30
    while at.session_state["pg_trainer"].epoch < 3 and time.time() < deadline:
        time.sleep(0.1)
        at.run()
    at.run()
    assert not at.exception and at.session_state["pg_trainer"].epoch == 3
    assert at.toggle(key="pg_play").value is False
    assert any("epoch limit" in shown(i.value) for i in at.info)


# 10. friendly names, and only the settings that apply
def test_friendly_option_names_and_momentum_only_where_it_applies(app_path):
    at = open_2d(app_path, opt="sgd")
    assert "SGD" in at.selectbox(key="pg_train_optimizer").options
    assert "sgd" not in at.selectbox(key="pg_train_optimizer").options
    assert "Cross-entropy" in at.selectbox(key="pg_train_loss").options
    assert "Squared error (TF Playground)" in at.selectbox(key="pg_train_loss").options
    assert "Tanh" in at.selectbox(key="pg_act_0").options
    assert not [s for s in at.slider if s.key == "pg_train_momentum"]
    at.selectbox(key="pg_train_optimizer").set_value("adam").run()
    assert [s for s in at.slider if s.key == "pg_train_momentum"]


# 11. a title and a first step
def test_default_page_has_a_title_and_a_first_hint(app_path):
    at = open_2d(app_path)
    assert at.markdown[0].value.startswith("#### 2D playground")
    assert any("Press **Play**" in e.label for e in at.expander)


# 12. icons are Material symbols, never emoji (empty boxes without an emoji font)
def _icon_strings():
    files = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").rglob("*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg in ("icon", "page_icon"):
                value = node.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    yield path.name, value.value
                elif isinstance(value, ast.IfExp):
                    for part in (value.body, value.orelse):
                        if isinstance(part, ast.Constant):
                            yield path.name, part.value


def test_every_icon_is_a_material_symbol():
    icons = list(_icon_strings())
    assert len(icons) > 10
    bad = [(f, i) for f, i in icons if not re.fullmatch(r":material/[a-z0-9_]+:", i)]
    assert bad == []


def test_a_lab_opens_at_full_speed_and_keeps_it_after_another_page(app_path):
    at = open_images(app_path)
    assert at.select_slider(key="il_speed").value == "full speed"
    at.switch_page("labs/playground.py").run()
    assert at.select_slider(key="pg_speed").value == "full speed"
    at.switch_page(IMAGE_LAB).run()
    assert not at.exception and at.select_slider(key="il_speed").value == "full speed"
