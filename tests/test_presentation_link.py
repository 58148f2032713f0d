"""Presentation mode's link value and style sheet (no page needed)."""
import pytest

from ui.presentation import (LABS, ROOT_PX, SHORTCUTS, parse_present, sidebar_state,
                             style_sheet)


@pytest.mark.parametrize("values", [["1"], ["true"], ["ON"], [" yes "], ["0", "1"]])
def test_present_on(values):
    assert parse_present(values) == (True, None)


@pytest.mark.parametrize("values", [[], ["0"], ["false"], ["off"], [""], ["1", "0"]])
def test_present_off_without_a_note(values):
    assert parse_present(values) == (False, None)


@pytest.mark.parametrize("value", ["2", "banana", "<b>x</b>", "[a](https://evil.example)",
                                   "1;drop", "x" * 5000, "\u202e1"])
def test_a_value_not_understood_stays_off_with_a_short_note(value):
    on, note = parse_present([value])
    assert on is False
    assert "presentation mode stays off" in note
    assert len(note) < 200                      # a huge value is cut, not echoed whole


def test_sidebar_folds_only_while_presenting():
    assert sidebar_state(True) == "collapsed"
    assert sidebar_state(False) == "auto"       # Streamlit's own default: normal mode unchanged


def test_style_sheet_scopes_every_lab_and_uses_no_generated_class():
    css = style_sheet()
    assert f"font-size: {ROOT_PX}px" in css
    for prefix in LABS:
        assert f".st-key-{prefix}_bar button" in css
        assert f".st-key-{prefix}_loss_curve svg" in css
    assert "st-emotion-cache" not in css and "<" not in css


def test_shortcut_keys_are_ones_streamlit_accepts():
    from streamlit.elements.lib.shortcut_utils import normalize_shortcut
    keys = list(SHORTCUTS.values())
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert normalize_shortcut(key) == key.lower()   # single keys; not R or C (Streamlit's)
