"""Draw your own 2D data in headless Chromium: a click on the output map adds a point of the
chosen colour (the count and the link follow), a shift-click removes it, Undo brings it back."""
import pytest
from playwright.sync_api import expect

from datasets.drawn import DEFAULT_DRAWN
from tests.browser.app_page import wait_for_app

pytestmark = pytest.mark.browser
N = len(DEFAULT_DRAWN.split(";"))


def click_plane(page, fx, fy, shift=False):
    """Click the big map at a fraction of its width and height (y down)."""
    box = page.locator(".nnpg-boundary canvas").bounding_box()
    page.locator(".nnpg-boundary canvas").click(
        position={"x": fx * box["width"], "y": fy * box["height"]},
        modifiers=["Shift"] if shift else [])


def test_clicks_on_the_map_add_and_remove_points(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(f"{server}/?ds=draw")
    wait_for_app(page)
    page.wait_for_function("() => document.querySelector('.nnpg-boundary canvas.drawing')"
                           "?.dataset.frame > 0", timeout=30000)
    caption = page.get_by_text("Your drawing:", exact=False)
    expect(caption).to_contain_text(f"{N} points", timeout=15000)
    click_plane(page, 0.875, 0.125)                    # (4.5, 4.5): an orange point
    expect(caption).to_contain_text(f"{N + 1} points", timeout=20000)
    page.wait_for_function(                            # the link holds it: x, y near 4.5
        """() => { const d = new URLSearchParams(location.search).get('draw') || '';
                   const rows = d.split(';'), last = rows[rows.length - 1].split(',');
                   return rows.length === %d && Math.abs(last[0] - 4.5) < 0.2
                          && Math.abs(last[1] - 4.5) < 0.2 && last[2] === '0'; }""" % (N + 1),
        timeout=15000)
    page.locator(".st-key-pg_draw_mode label").filter(has_text="Blue").click()
    click_plane(page, 0.125, 0.875)                    # (-4.5, -4.5): a blue one
    expect(caption).to_contain_text(f"{N + 2} points", timeout=20000)
    page.screenshot(path=str(tmp_path / "drawn.png"), full_page=True)
    click_plane(page, 0.88, 0.13, shift=True)          # shift-click: the nearest goes
    expect(caption).to_contain_text(f"{N + 1} points", timeout=20000)
    page.get_by_role("button", name="Undo", exact=True).click()
    expect(caption).to_contain_text(f"{N + 2} points", timeout=20000)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
