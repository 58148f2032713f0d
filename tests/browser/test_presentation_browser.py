"""Presentation mode in a real browser at a projector's 1280×720: sidebar folded, larger type,
the play bar on one row with its keys, no label cut, and the keys drive training."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_layout_browser import CLIPPED_JS, CUT_LABELS_JS, wait_for_app

pytestmark = pytest.mark.browser
PROJECTOR = {"width": 1280, "height": 720}
# The rows the play bar's buttons take (one distinct top edge: one row), leaving out the
# zero-size copies Streamlit keeps to measure a label.
BAR_ROWS_JS = """sel => new Set([...document.querySelectorAll(sel + ' button')]
  .map(b => b.getBoundingClientRect()).filter(r => r.width > 0)
  .map(r => Math.round(r.top))).size"""


def _sidebar_folded(page) -> bool:
    return page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "true"


def _root_px(page) -> str:
    return page.evaluate("() => getComputedStyle(document.documentElement).fontSize")


@pytest.mark.parametrize("path,lab", [("/", "pg"), ("/images", "il")])
def test_present_link_is_a_projector_view(server, browser, path, lab, tmp_path):
    page = browser.new_page(viewport=PROJECTOR)
    page.goto(f"{server}{path}?present=1")
    wait_for_app(page)
    expect(page.locator(f".st-key-{lab}_epoch")).to_contain_text("Epoch", timeout=60000)
    play = page.locator(f".st-key-{lab}_play_button button").first   # (and a hidden copy
    expect(play).to_contain_text("Play")                               # Streamlit measures)
    expect(play.locator("kbd")).to_have_text("P")
    assert _sidebar_folded(page)
    assert _root_px(page) == "20px"
    assert page.evaluate(BAR_ROWS_JS, f".st-key-{lab}_bar") == 1
    assert page.evaluate(CUT_LABELS_JS, "[data-testid='stMain']") == []
    page.screenshot(path=str(tmp_path / f"present_{lab}.png"))
    page.close()


def test_keys_play_pause_step_and_reset(server, browser):
    page = browser.new_page(viewport=PROJECTOR)
    page.goto(f"{server}/?present=1")
    wait_for_app(page)
    numbers = page.locator(".st-key-pg_epoch")
    expect(numbers).to_contain_text("Epoch 0", timeout=60000)
    expect(page.locator(".st-key-pg_play_button kbd").first).to_have_text("P")
    page.keyboard.press("p")
    expect(numbers).to_contain_text("Training", timeout=20000)
    expect(numbers).not_to_contain_text("Epoch 0 ", timeout=20000)
    page.keyboard.press("p")
    expect(numbers).to_contain_text("Paused", timeout=20000)
    page.keyboard.press("0")
    expect(numbers).to_contain_text("Epoch 0 · batch 0/", timeout=20000)
    page.keyboard.press("s")
    expect(numbers).to_contain_text("batch 1/", timeout=20000)
    page.keyboard.press("e")
    expect(numbers).to_contain_text("Epoch 1 · batch 0/", timeout=20000)
    page.close()


def test_typing_in_a_field_presses_no_key(server, browser):
    page = browser.new_page(viewport=PROJECTOR)
    page.goto(f"{server}/?present=1")
    wait_for_app(page)
    numbers = page.locator(".st-key-pg_epoch")
    expect(numbers).to_contain_text("Epoch 0 · batch 0/", timeout=60000)
    page.get_by_test_id("stExpandSidebarButton").click()
    field = page.locator(".st-key-pg_data_seed input")
    field.click()
    field.press_sequentially("0s0e")                  # not a number: the field refuses it
    page.wait_for_timeout(1500)
    expect(numbers).to_contain_text("Epoch 0 · batch 0/")
    page.close()


def test_switch_folds_and_unfolds_the_sidebar(server, browser):
    page = browser.new_page(viewport=PROJECTOR)
    page.goto(f"{server}/")
    wait_for_app(page)
    expect(page.locator(".st-key-pg_epoch")).to_contain_text("Epoch", timeout=60000)
    assert not _sidebar_folded(page) and _root_px(page) == "16px"
    page.locator(".st-key-present label").click()
    expect(page.locator(".st-key-pg_play_button")).to_be_visible(timeout=20000)
    page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize == '20px'")
    expect(page).to_have_url(re.compile(r"[?&]present=1"))
    page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]')"
                           ".getAttribute('data-collapsed') == 'true'")
    page.get_by_test_id("stExpandSidebarButton").click()
    page.locator(".st-key-present label").click()
    expect(page.locator(".st-key-pg_play")).to_be_visible(timeout=20000)   # the switch again
    page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize == '16px'")
    assert not _sidebar_folded(page)
    expect(page).not_to_have_url(re.compile(r"present="))
    page.close()


def test_the_mode_stays_on_across_labs(server, browser):
    """Streamlit drops a widget's state when another page opens: the mode must not go with it."""
    page = browser.new_page(viewport=PROJECTOR)
    page.goto(f"{server}/?present=1")
    wait_for_app(page)
    expect(page.locator(".st-key-pg_epoch")).to_contain_text("Epoch", timeout=60000)
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_role("link", name="Image lab").click()
    expect(page.locator(".st-key-il_play_button")).to_be_visible(timeout=60000)
    assert _root_px(page) == "16px"          # normal type while the sidebar is open...
    expect(page).to_have_url(re.compile(r"/images\?.*present=1"), timeout=20000)
    rows = "[class*='st-key-il_row']"          # ...so the layer editor's values are never cut
    page.wait_for_function(f"() => document.querySelectorAll({rows!r}).length > 0")
    assert page.evaluate(CLIPPED_JS, rows) == []
    page.get_by_test_id("stSidebarCollapseButton").click()
    page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize == '20px'")
    # close only once the lab's first frame is drawn: a run cut off mid-way can keep the
    # server from stopping in time on a loaded machine
    expect(page.locator(".st-key-il_epoch")).to_contain_text("Epoch", timeout=60000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           state="attached", timeout=60000)
    page.close()
