"""The sequence lab in headless Chromium: the tiny Transformer on Reverse, Play, and the
attention map appears and changes while it trains."""
import io

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TRANSFORMER = "embedding:32,positional,transformer:4:64:1,transformer:4:64:1"


def changed_share(a: bytes, b: bytes) -> float:
    """The share of pixels that differ visibly between two screenshots of one size."""
    x, y = (np.asarray(Image.open(io.BytesIO(v)).convert("L"), dtype=int) for v in (a, b))
    if x.shape != y.shape:
        return 1.0
    return float((np.abs(x - y) > 24).mean())


def test_play_shows_attention_that_changes(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    page.goto(server)             # the router runs once, so /sequences is a page of the app
    page.get_by_role("link", name="Sequence lab", exact=True).wait_for(timeout=60000)
    page.goto(f"{server}/sequences?ds=reverse&net={TRANSFORMER}&lr=0.003")
    epoch = page.locator(".st-key-sq_epoch")
    expect(epoch).to_contain_text("Epoch 0 ", timeout=60000)
    attention = page.locator(".st-key-sq_attention")
    expect(attention.locator(".js-plotly-plot")).to_have_count(1, timeout=30000)
    expect(page.get_by_text("head 4")).to_be_visible()
    page.wait_for_timeout(1000)
    first = attention.screenshot(path=str(tmp_path / "attention_1.png"))    # untrained
    page.locator(".st-key-sq_play label").click()
    page.wait_for_function(                  # two epochs: the reversal is learnt by then
        "() => { const m = document.querySelector('.st-key-sq_epoch');"
        " const e = m && m.innerText.match(/Epoch ([0-9,]+)/);"
        " return e && parseInt(e[1].replace(',', '')) >= 2; }", timeout=60000)
    for _ in range(15):                      # the maps have a slower view of their own
        page.wait_for_timeout(1000)          # (every 3 s while playing)
        second = attention.screenshot(path=str(tmp_path / "attention_2.png"))
        if changed_share(first, second) > 0.02:
            break
    assert changed_share(first, second) > 0.02, "the attention map changes while training"
    page.screenshot(path=str(tmp_path / "sequence_lab.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    page.locator(".st-key-sq_play label").click()
    page.close()
