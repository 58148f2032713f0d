"""AppTest of presentation mode: `present=1` opens both labs in it, the address bar keeps it,
the sidebar switch turns it on and off, and `hide=inside` hides the inside-the-network panel."""
import pytest

from tests.pages.apps import open_2d, open_images

INSIDE_TITLE = "Inside the network"


def _query(at, key):
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def _style(at) -> str:
    return "".join(h.proto.body for h in at.get("html") if "<style>" in h.proto.body)


def _has_inside(at) -> bool:
    return any(e.label.startswith(INSIDE_TITLE) for e in at.expander)


@pytest.mark.parametrize("lab,opener", [("pg", open_2d), ("il", open_images)])
def test_present_link_opens_the_lab_in_presentation_mode(app_path, lab, opener):
    at = opener(app_path, present="1")
    assert not at.exception
    assert at.session_state["present_on"] is True
    assert "font-size: 20px" in _style(at) and f".st-key-{lab}_bar" in _style(at)
    assert at.button(key=f"{lab}_play_button").label == "Play"     # a button, with a key
    assert f"{lab}_play" not in [t.key for t in at.toggle]
    assert _query(at, "present") == "1"
    assert _has_inside(at)                     # shown unless asked to hide it


@pytest.mark.parametrize("lab,opener", [("pg", open_2d), ("il", open_images)])
def test_present_with_hide_inside_hides_the_panel(app_path, lab, opener):
    at = opener(app_path, present="1", hide="inside")
    assert not at.exception
    assert not _has_inside(at)
    assert at.checkbox(key=f"{lab}_present_hide_inside").value is True
    assert _query(at, "hide") == "inside" and _query(at, "present") == "1"
    at.checkbox(key=f"{lab}_present_hide_inside").uncheck().run()
    assert _has_inside(at) and _query(at, "hide") is None


def test_play_button_plays_and_pauses(app_path):
    at = open_2d(app_path, present="1")
    at.button(key="pg_play_button").click().run()
    assert at.session_state["pg_play"] is True
    assert at.button(key="pg_play_button").label == "Pause"
    at.button(key="pg_play_button").click().run()
    assert at.session_state["pg_play"] is False
    steps = at.session_state["pg_trainer"].steps
    at.button(key="pg_step_batch").click().run()
    assert at.session_state["pg_trainer"].steps == steps + 1
    assert not at.exception


def test_the_address_bar_keeps_present_through_changes(app_path):
    at = open_2d(app_path, present="1")
    at.slider(key="pg_data_noise").set_value(0.2).run()
    assert _query(at, "present") == "1"
    assert at.session_state["pg_trainer"].experiment.data.noise == pytest.approx(0.2)
    at = open_images(app_path, present="1")
    at.select_slider(key="il_train_lr").set_value(0.01).run()
    assert _query(at, "present") == "1" and _query(at, "ds") == "digits"


def test_the_sidebar_switch_turns_it_on_and_off(app_path):
    at = open_2d(app_path)
    assert _style(at) == "" and _query(at, "present") is None
    assert at.toggle(key="pg_play")                       # normal mode: Play is a switch
    at.toggle(key="present").set_value(True).run()
    assert "font-size: 20px" in _style(at) and _query(at, "present") == "1"
    assert at.button(key="pg_play_button")
    at.toggle(key="present").set_value(False).run()
    assert _style(at) == "" and _query(at, "present") is None
    assert not at.exception


def test_playing_goes_on_when_the_mode_changes(app_path):
    at = open_2d(app_path)
    at.toggle(key="pg_play").set_value(True).run()
    at.toggle(key="present").set_value(True).run()
    assert at.session_state["pg_play"] is True
    at.toggle(key="present").set_value(False).run()
    assert at.toggle(key="pg_play").value is True
    at.toggle(key="pg_play").set_value(False).run()
    assert not at.exception


@pytest.mark.parametrize("value", ["banana", "[x](https://evil.example)", "2" * 3000])
def test_a_present_value_not_understood_opens_normally_with_a_note(app_path, value):
    at = open_2d(app_path, present=value)
    assert not at.exception
    assert at.session_state["present_on"] is False and _style(at) == ""
    notes = [w.value for w in at.warning if "presentation mode stays off" in w.value]
    assert len(notes) == 1
    assert "](" not in notes[0]                         # shown literally, never as a link


def test_present_0_is_off_without_a_note(app_path):
    at = open_2d(app_path, present="0")
    assert at.session_state["present_on"] is False
    assert not [w for w in at.warning if "presentation" in w.value]
