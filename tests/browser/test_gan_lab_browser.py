"""The GAN lab in headless Chromium: Play trains, and the fake points move between two
screenshots of the plane."""
import io

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STEPS = """() => { const m = document.querySelector('.gnb-numbers');
  const e = m && m.innerText.match(/Step\\s+([0-9,]+)/);
  return e && parseInt(e[1].replace(/,/g, '')) >= %d; }"""


def changed_share(a: bytes, b: bytes) -> float:
    """The share of pixels that differ visibly between two screenshots of one size."""
    x, y = (np.asarray(Image.open(io.BytesIO(v)).convert("L"), dtype=int) for v in (a, b))
    if x.shape != y.shape:
        return 1.0
    return float((np.abs(x - y) > 24).mean())


def test_play_moves_the_fake_points(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    page.goto(server)             # the router runs once, so /gan is a page of the app
    page.get_by_role("link", name="GAN lab", exact=True).wait_for(timeout=60000)
    page.goto(f"{server}/gan?t=ring&seed=2")
    board = page.locator(".st-key-gn_plane")           # the live frame: one element
    expect(board.locator("canvas")).to_have_count(3, timeout=60000)   # plane, graph, curves
    plane = board.locator(".gnb-plane")
    page.wait_for_timeout(1000)
    first = plane.screenshot(path=str(tmp_path / "plane_1.png"))          # untrained
    page.locator(".st-key-gn_play label").click()
    page.wait_for_function(STEPS % 300, timeout=60000)
    page.locator(".st-key-gn_play label").click()      # pause: a still frame to compare
    page.wait_for_timeout(1500)
    second = plane.screenshot(path=str(tmp_path / "plane_2.png"))
    assert changed_share(first, second) > 0.02, "the fakes (and D's map) move while training"
    page.screenshot(path=str(tmp_path / "gan_lab.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert "t=ring" in page.url and "seed=2" in page.url
    page.close()
