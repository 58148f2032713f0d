"""The 2D page in headless Chromium: Play trains, the epoch counter and the boundary move."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def wait_for_app(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']",
                           state="attached", timeout=30000)


def test_play_trains_and_boundary_changes(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/?ds=spiral&net=dense:8:tanh,dense:8:tanh&opt=adam&lr=0.01&bs=32")
    wait_for_app(page)
    epoch = page.locator(".st-key-pg_epoch")
    expect(epoch).to_contain_text("Epoch 0", timeout=30000)
    image = page.locator(".st-key-pg_boundary img")
    before = image.get_attribute("src")
    page.locator(".st-key-pg_play label").click()
    expect(epoch).not_to_contain_text("Epoch 0 ", timeout=15000)
    page.wait_for_function(
        "([sel, old]) => { const i = document.querySelector(sel); return i && i.src !== old; }",
        arg=[".st-key-pg_boundary img", before], timeout=15000)
    expect(page.locator(".st-key-pg_network svg")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "playground.png"), full_page=True)
    assert (tmp_path / "playground.png").stat().st_size > 10_000
    page.locator(".st-key-pg_play label").click()           # pause: the counter stops
    page.wait_for_timeout(600)
    frozen = epoch.inner_text()
    page.wait_for_timeout(800)
    assert epoch.inner_text() == frozen
    page.close()


def test_hostile_link_shows_message_not_traceback(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/?lr=1e99&net=conv2d:8&ds=<b>x</b>")
    wait_for_app(page)
    expect(page.locator(".st-key-pg_epoch")).to_contain_text("Epoch", timeout=30000)
    expect(page.get_by_text("Learning rate")).not_to_have_count(0)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
