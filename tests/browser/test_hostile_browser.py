"""Hostile links in headless Chromium (issue #10): outside text stays text, pages stay alive.

AppTest sees only the Markdown source; this checks what a browser really renders: no link or
image from a link's value ever appears, the value is readable as typed, and a classroom link
with nonsense in `hide=` opens a page whose Pause answers.
"""
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PLAY = ".st-key-pg_play"
EVIL = ["[Log in again](https://evil.example/login)", "![t](https://evil.example/t.png)",
        "<img src=https://evil.example/x.png>", "visit www.evil.example now"]


@pytest.mark.parametrize("value", EVIL)
def test_a_links_text_is_shown_literally_never_as_a_link_or_image(server, browser, value):
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{server}/?ds={quote(value)}")
    alert = page.locator("[data-testid='stAlert']").filter(has_text="Dataset")
    expect(alert.first).to_be_visible(timeout=30000)
    assert value in alert.first.inner_text().replace("\u200b", "")   # readable as typed
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("img[src*='evil.example']").count() == 0
    assert not [url for url in requests if "evil" in (urlsplit(url).hostname or "")]
    page.close()


def test_a_classroom_link_with_nonsense_in_hide_opens_and_pauses(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/?hide={quote('<b>x</b>,bogus,lr,,')}&n=70000&bs=1024&lr=5")
    page.wait_for_selector(PLAY, timeout=30000)
    assert page.locator("[data-testid='stException']").count() == 0
    expect(page.locator("[data-testid='stAlert']").filter(has_text="Samples was 70000")
           ).to_have_count(1, timeout=30000)
    epoch = page.locator(".st-key-pg_epoch")
    expect(epoch).to_contain_text("Epoch 0", timeout=30000)
    page.locator(f"{PLAY} label").click()
    expect(epoch).not_to_contain_text("Epoch 0 ", timeout=30000)
    page.locator(f"{PLAY} label").click()                     # pause: the counter stops
    page.wait_for_timeout(1000)
    frozen = epoch.inner_text()
    page.wait_for_timeout(800)
    assert epoch.inner_text() == frozen
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
