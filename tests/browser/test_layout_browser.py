"""Readable at classroom widths: no widget text cut or split mid-word at 1280 and 1400 px."""
import pytest
from playwright.sync_api import expect

from tests.browser.app_page import wait_for_app

pytestmark = pytest.mark.browser

# Words of a label that the browser broke across two lines (e.g. "neur-ons"), by Range rects.
SPLIT_WORDS_JS = """sel => { const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /\\S+/g; let m;
      while ((m = re.exec(node.textContent))) {
        const r = document.createRange(); r.setStart(node, m.index);
        r.setEnd(node, m.index + m[0].length);
        const lines = new Set([...r.getClientRects()].map(b => Math.round(b.top)));
        if (lines.size > 1) out.push(m[0]);
      } } }
  return out; }"""
# Select boxes whose shown value is cut off (text wider than its box), as "3×:" was.
CLIPPED_JS = """sel => [...document.querySelectorAll(sel + ' input[role=combobox]')]
  .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.value)"""
# Buttons, toggles and radio labels whose text is cut to "Step ba…".
CUT_LABELS_JS = """sel => [...document.querySelectorAll(sel)]
  .flatMap(el => [...el.querySelectorAll('.stMarkdownEllipsis, button p, label p')])
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth).map(e => e.innerText)"""
VALUES_JS = """sel => [...document.querySelectorAll(sel + ' input[role=combobox]')].map(el => el.value)"""



@pytest.mark.parametrize("width", [1280, 1400])
def test_2d_sidebar_labels_are_whole_words(server, browser, width, tmp_path):
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(f"{server}/?net=dense:4:leaky_relu,batchnorm,dropout:0.2,dense:2:tanh")
    wait_for_app(page)
    expect(page.locator(".st-key-pg_epoch")).to_contain_text("Epoch", timeout=30000)
    sidebar = "[data-testid='stSidebar'] [data-testid='stWidgetLabel']"
    page.wait_for_selector(sidebar, timeout=30000)
    assert page.evaluate(SPLIT_WORDS_JS, sidebar) == []
    assert page.evaluate(CLIPPED_JS, "[data-testid='stSidebar']") == []
    assert page.evaluate(CUT_LABELS_JS, "[data-testid='stSidebarUserContent'], [data-testid='stMain']") == []
    page.screenshot(path=str(tmp_path / f"playground_{width}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("width", [1280, 1400])
def test_image_lab_editor_shows_every_value(server, browser, width, tmp_path):
    page = browser.new_page(viewport={"width": width, "height": 1100})
    page.goto(f"{server}/images")
    wait_for_app(page)
    expect(page.locator(".st-key-il_epoch")).to_contain_text("Epoch", timeout=60000)
    rows = "[class*='st-key-il_row']"
    page.wait_for_function(f"() => ({VALUES_JS})({rows!r}).includes('Max pooling')",
                           timeout=30000)
    values = page.evaluate(VALUES_JS, rows)
    assert "Max pooling" in values and "3×3" in values and "1" in values   # stride, padding
    assert page.evaluate(CLIPPED_JS, "[class*='st-key-il_row']") == []
    assert page.evaluate(CUT_LABELS_JS, "[data-testid='stMain']") == []
    # the saliency figure does not cover the probabilities caption
    img = page.locator(".st-key-il_input img").last.bounding_box()
    cap = page.locator(".st-key-il_probs [data-testid='stCaptionContainer']").bounding_box()
    assert img["x"] + img["width"] <= cap["x"] + 1 or img["y"] + img["height"] <= cap["y"] + 1
    page.screenshot(path=str(tmp_path / f"image_lab_{width}.png"), full_page=True)
    page.close()
