"""The 2D page in headless Chromium: Play trains, the epoch counter and the boundary move."""
import pytest
from playwright.sync_api import expect

from tests.browser.app_page import wait_for_app

pytestmark = pytest.mark.browser


def test_play_trains_and_boundary_changes(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/?ds=spiral&net=dense:8:tanh,dense:8:tanh&opt=adam&lr=0.01&bs=32")
    wait_for_app(page)
    epoch = page.locator(".st-key-pg_epoch")
    expect(epoch).to_contain_text("Epoch 0", timeout=30000)
    canvas = ".nnpg-boundary canvas"
    page.wait_for_function(f"() => document.querySelector('{canvas}')?.dataset.frame > 0",
                           timeout=30000)
    before = page.evaluate(f"() => document.querySelector('{canvas}').toDataURL()")
    page.locator(".st-key-pg_play label").click()
    expect(epoch).not_to_contain_text("Epoch 0 ", timeout=15000)
    page.wait_for_function(                       # the painted pixels change as it learns
        "([sel, old]) => document.querySelector(sel).toDataURL() !== old",
        arg=[canvas, before], timeout=15000)
    expect(page.locator(".nnpg-network svg")).to_have_count(1)
    expect(page.locator(".nnpg-network g.neuron")).to_have_count(7 + 8 + 8 + 1)  # all 7 inputs
    page.screenshot(path=str(tmp_path / "playground.png"), full_page=True)
    assert (tmp_path / "playground.png").stat().st_size > 10_000
    page.locator(".st-key-pg_play label").click()           # pause: the counter stops
    page.wait_for_timeout(600)
    frozen = epoch.inner_text()
    page.wait_for_timeout(800)
    assert epoch.inner_text() == frozen
    page.close()


def test_clicking_a_neuron_shows_its_map_large(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/?ds=xor&net=dense:3:relu")
    wait_for_app(page)
    page.wait_for_selector(".nnpg-network g.neuron", timeout=30000)
    caption = page.locator(".nnpg-caption")
    expect(caption).to_contain_text("Network output")
    box = page.locator(".nnpg-network g.neuron[data-label='L1 #2'] rect").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(caption).to_contain_text("L1 #2", timeout=15000)
    # the "Large view" picker outside the live view follows the click
    expect(page.locator(".st-key-pg_large input")).to_have_value("L1 #2", timeout=15000)
    page.locator(".nnpg-boundary canvas").click()            # the big map goes back to the output
    expect(caption).to_contain_text("Network output", timeout=15000)
    page.close()


def click_neuron(page, label):
    box = page.locator(f".nnpg-network g.neuron[data-label='{label}'] rect").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_clicking_an_input_neuron_switches_that_input(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/?ds=circle&net=dense:3:tanh")
    wait_for_app(page)
    page.wait_for_selector(".nnpg-network g.neuron.input", timeout=30000)
    expect(page.locator(".nnpg-network g.input[opacity='1']")).to_have_count(2)
    click_neuron(page, "X₁²")                       # switched off → on
    expect(page.locator(".nnpg-network g.input[opacity='1']")).to_have_count(3, timeout=15000)
    page.wait_for_function("() => location.search.includes('x1_sq')", timeout=15000)
    expect(page.locator(".st-key-pg_feat_x1_sq input")).to_be_checked()
    click_neuron(page, "X₁²")                       # and back off
    expect(page.locator(".nnpg-network g.input[opacity='1']")).to_have_count(2, timeout=15000)
    page.close()


def test_png_renderer_still_works(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/?ds=circle&view=png")
    wait_for_app(page)
    expect(page.locator(".st-key-pg_boundary img")).to_have_count(1, timeout=30000)
    expect(page.locator(".st-key-pg_network svg")).to_have_count(1)
    page.close()


def test_hostile_link_shows_message_not_traceback(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/?lr=1e99&net=conv2d:8&ds=<b>x</b>")
    wait_for_app(page)
    expect(page.locator(".st-key-pg_epoch")).to_contain_text("Epoch", timeout=30000)
    expect(page.get_by_text("Learning rate")).not_to_have_count(0)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


EDGE_MIDDLE = """(sel) => {            // the middle of an edge's curve, in page coordinates
  const p = document.querySelector(sel), m = p.getPointAtLength(p.getTotalLength() / 2);
  const box = p.ownerSVGElement.getBoundingClientRect();
  return [box.left + m.x, box.top + m.y];
}"""


def test_microscope_point_backward_chain_rule_update_and_edit(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{server}/?ds=circle&net=dense:3:tanh&loss=tfp_squared&lr=0.1")
    wait_for_app(page)
    page.wait_for_selector(".nnpg-network g.neuron", timeout=30000)
    page.locator(".st-key-pg_micro label").click()
    expect(page.locator(".nnpg-network text.val[data-label='L1 #1']")).to_contain_text(
        "z ", timeout=30000)
    panel = page.locator(".st-key-pg_micro_panel")
    expect(panel).to_contain_text("Forward pass", timeout=15000)
    followed = panel.locator("p").first.inner_text()
    canvas = page.locator(".nnpg-boundary canvas").bounding_box()   # a point in the outer ring
    page.mouse.click(canvas["x"] + canvas["width"] * 0.5, canvas["y"] + canvas["height"] * 0.12)
    expect(panel.locator("p").first).not_to_have_text(followed, timeout=15000)
    for _ in range(2):                                # output, then L1: every edge has ∂L/∂w
        page.get_by_role("button", name="Backward step").click()
        page.wait_for_timeout(300)
    expect(panel).to_contain_text("step 2 of 2", timeout=15000)
    x, y = page.evaluate(EDGE_MIDDLE, ".nnpg-network path[data-hit='1,0,1']")
    page.mouse.click(x, y)                            # the edge L1 #2 → output
    expect(panel).to_contain_text("Chain rule for L1 #2 → output", timeout=15000)
    expect(panel.locator("[data-testid='stCode']")).to_contain_text("∂L/∂w = ∂L/∂a · ∂a/∂z · x =")
    expect(page.locator(".nnpg-network path.halo")).not_to_have_attribute("d", "")
    page.get_by_role("button", name="Apply this update").click()
    expect(panel).to_contain_text("went down", timeout=15000)
    before = page.evaluate("() => document.querySelector('.nnpg-boundary canvas').toDataURL()")
    value = page.locator(".st-key-pg_micro_value input")
    value.fill("4")
    value.press("Enter")                              # a weight edited by hand: the map follows
    page.wait_for_function(
        "(old) => document.querySelector('.nnpg-boundary canvas').toDataURL() !== old",
        arg=before, timeout=15000)
    page.screenshot(path=str(tmp_path / "microscope.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
