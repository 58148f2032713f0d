"""Compare mode in headless Chromium: both maps and both curves move while playing, Pause
gives the verdict, and the address carries run B."""
import pytest
from playwright.sync_api import expect

from tests.browser.app_page import wait_for_app

pytestmark = pytest.mark.browser


def test_compare_mode_trains_both_runs_and_gives_a_verdict(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.goto(f"{server}/?ds=spiral&net=dense:8:tanh,dense:8:tanh&opt=sgd&cmp=1&b_opt=adam")
    wait_for_app(page)
    maps = page.locator(".st-key-cmp_maps [data-testid='stImage'] img")
    expect(maps).to_have_count(2, timeout=30000)
    before = [maps.nth(i).get_attribute("src") for i in range(2)]
    page.locator(".st-key-pgc_play label").click()
    expect(page.get_by_text("Training both runs")).to_be_visible(timeout=15000)
    page.wait_for_function(                     # both maps are redrawn as the runs learn
        "old => { const m = [...document.querySelectorAll(\".st-key-cmp_maps [data-testid='stImage'] img\")];"
        " return m.length === 2 && m.every((img, i) => img.src !== old[i]); }",
        arg=before, timeout=20000)
    expect(page.locator(".st-key-cmp_curves polyline[stroke-dasharray]").first).to_be_attached()
    page.wait_for_function(                     # both runs past epoch 2 (a cold server's first
        "() => { const t = document.querySelector('.st-key-cmp_maps');"   # epochs can be slow)
        " const e = t ? [...t.innerText.matchAll(/epoch ([0-9,]+)/g)] : [];"
        " return e.length === 2 && e.every(m => parseInt(m[1].replace(/,/g, '')) >= 2); }",
        timeout=60000)
    page.locator(".st-key-pgc_play label").click()
    verdict = page.locator(".st-key-cmp_verdict")
    expect(verdict).to_contain_text("did better", timeout=15000)
    assert "b_opt=adam" in page.url and "cmp=1" in page.url
    expect(page.get_by_text("Optimizer", exact=True).first).to_be_visible()   # the table
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    page.close()
