"""The image lab's transfer panel in headless Chromium: open it, compare fine-tuned with
from-scratch, and see the curves, the locks and the filters (screenshots at two widths)."""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.app_page import start_job
from tests.browser.test_image_lab_browser import open_image_lab

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 1400])
def test_transfer_panel_compares_and_draws(server, browser, tmp_path, width):
    shots = Path(os.environ.get("TRANSFER_SHOTS") or tmp_path)
    page = open_image_lab(server, browser)
    page.set_viewport_size({"width": width, "height": 1800})
    panel = page.get_by_test_id("stExpander").filter(has_text="Transfer learning: reuse")
    panel.locator("summary").click()
    locks = panel.locator("table [aria-label='lock icon']")
    opened = panel.locator("table [aria-label='lock_open icon']")
    expect(opened).to_have_count(4, timeout=10000)               # every layer trainable
    playing = width == 1280                  # once with the live lab training meanwhile
    if playing:
        page.locator(".st-key-il_play label").click()
        expect(page.locator(".st-key-il_epoch")).not_to_contain_text("Epoch 0 ", timeout=20000)
    result = page.locator(".st-key-il_tr_result")
    start_job(panel, panel.get_by_role("button", name="Fine-tune vs. from scratch"))
    try:
        expect(result.locator(".js-plotly-plot")).to_have_count(1, timeout=180000)
    except AssertionError as exc:        # say what the panel showed instead
        raise AssertionError(f"no comparison after 180 s; the panel read: "
                             f"{panel.inner_text()[-600:]!r}") from exc
    expect(result.locator("[data-testid='stImage'] img")).to_have_count(3)   # three filter rows
    expect(page.locator(".st-key-il_tr_maps img")).to_have_count(5)   # input + 4 layers' maps
    expect(result).to_contain_text("fine-tuned")
    if playing:
        page.locator(".st-key-il_play label").click()
    if width == 1400:                                            # and the sweep, once
        sweep = page.locator(".st-key-il_tr_sweep_result")
        start_job(panel, panel.get_by_role("button", name="Sweep 5, 10, 20, 50 per class"))
        expect(sweep.locator(".js-plotly-plot")).to_have_count(1, timeout=240000)
        expect(sweep).to_contain_text("Gap (fine-tuned minus scratch")
    page.mouse.move(0, 0)                                        # no hover toolbar in the shot
    page.wait_for_timeout(800)                                   # plotly's first paint
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(shots / f"transfer_{width}.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    panel.locator(".st-key-il_tr_frozen_L1 label").click()      # freeze L1: a lock in its row
    expect(opened).to_have_count(3, timeout=10000)
    expect(locks).to_have_count(1)
    page.close()
