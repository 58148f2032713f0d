"""A full server turns a newcomer away with a friendly page, and lets them in once a seat
frees up (NNPG_MAX_SESSIONS)."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import start_server

pytestmark = pytest.mark.browser
CONNECTED = "[data-testid=stApp][data-test-connection-state=CONNECTED]"


@pytest.fixture(scope="module")
def one_seat_server(tmp_path_factory):
    yield from start_server(tmp_path_factory, env={"NNPG_MAX_SESSIONS": "1"})


def test_a_newcomer_past_the_cap_gets_a_page_and_a_seat_once_one_frees(one_seat_server, browser):
    first = browser.new_page(viewport={"width": 1280, "height": 900})
    first.goto(one_seat_server + "/?ds=xor", wait_until="domcontentloaded")
    first.wait_for_selector(CONNECTED, timeout=60000)
    expect(first.locator(".st-key-pg_play")).to_be_visible(timeout=60000)   # admitted

    second = browser.new_page(viewport={"width": 1280, "height": 900})
    second.goto(one_seat_server + "/?ds=xor", wait_until="domcontentloaded")
    second.wait_for_selector(CONNECTED, timeout=60000)
    expect(second.get_by_text("This server is full right now")).to_be_visible(timeout=30000)
    expect(second.locator(".st-key-pg_play")).to_have_count(0)

    first.close()                                  # a student leaves: the seat frees at once
    second.get_by_role("button", name="Try again").click()
    expect(second.locator(".st-key-pg_play")).to_be_visible(timeout=60000)
    assert "ds=xor" in second.url                  # the link was kept
    second.close()
