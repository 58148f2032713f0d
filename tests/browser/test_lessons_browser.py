"""Lessons in headless Chromium: the list opens a lesson, and the lesson bar turns to 'Goal
met' while the network trains (no reload), then offers the next lesson."""
import pytest
from playwright.sync_api import expect

from tests.browser.app_page import wait_for_app

pytestmark = pytest.mark.browser


def test_a_lesson_from_the_list_to_goal_met(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{server}/lessons")
    wait_for_app(page)
    card = page.locator(".st-key-lesson_xor-feature-cross")
    expect(card).to_contain_text("XOR without a hidden layer", timeout=30000)
    expect(page.locator("[data-testid='stHeading']").filter(
        has_text="Images and convolutions")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "lessons.png"), full_page=True)
    card.get_by_role("link", name="Open lesson").click()
    bar = page.locator(".st-key-pg_lesson_bar")
    expect(bar).to_contain_text("Lesson 3", timeout=30000)
    status = page.locator(".st-key-pg_lesson_status")
    expect(status).to_contain_text("Test accuracy ≥ 95% (now", timeout=30000)
    page.wait_for_function("() => location.search.includes('lesson=xor-feature-cross')",
                           timeout=15000)
    bar.get_by_role("button", name="Next hint (2 left)").first.click()
    expect(bar).to_contain_text("Hint 1.", timeout=15000)
    expect(bar).not_to_contain_text("Hint 2.")
    page.locator(".st-key-pg_feat_x1x2 label").click()            # the feature cross
    expect(page.locator(".nnpg-network g.input[opacity='1']")).to_have_count(3, timeout=15000)
    page.locator(".st-key-pg_play label").click()
    expect(status).to_contain_text("Goal met", timeout=30000)
    expect(bar).to_contain_text("What to notice", timeout=15000)
    expect(bar.get_by_role("link", name="Next: lesson 4")).to_be_visible()
    page.wait_for_function("() => location.search.includes('done=xor-feature-cross')",
                           timeout=15000)
    page.screenshot(path=str(tmp_path / "lesson_met.png"), full_page=True)
    page.locator(".st-key-pg_play label").click()
    bar.get_by_role("link", name="Next: lesson 4").click()       # on to the spiral
    expect(bar).to_contain_text("Lesson 4", timeout=30000)
    expect(page.locator(".st-key-pg_epoch")).to_contain_text("Epoch 0", timeout=30000)
    page.close()
