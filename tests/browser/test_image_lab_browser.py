"""The image lab in headless Chromium: pick digits, Play, the feature maps appear and change."""
import io

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def open_image_lab(server, browser):
    """Open the app, then the image lab from the sidebar, as a student would."""
    page = browser.new_page(viewport={"width": 1500, "height": 2400})
    page.goto(server)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']",
                           state="attached", timeout=30000)
    # Until app.py's st.navigation has run once, a fresh server shows the legacy pages/ links
    # ("image lab", lower case), which would run the page file without the app around it.
    link = page.get_by_role("link", name="Image lab", exact=True)
    link.wait_for(timeout=60000)
    link.click()
    page.wait_for_selector(".st-key-il_maps img", timeout=60000)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=30000)
    return page


def pick(page, key: str, option: str) -> None:
    page.locator(f".st-key-{key} input[role='combobox']").click()
    page.get_by_role("option", name=option).click()


def test_play_shows_feature_maps_that_change(server, browser, tmp_path):
    page = open_image_lab(server, browser)
    pick(page, "il_dataset", "Digits 8×8")
    epoch = page.locator(".st-key-il_epoch")
    expect(epoch).to_contain_text("Epoch 0 ", timeout=30000)
    maps = page.locator(".st-key-il_maps")
    expect(maps.locator("img")).to_have_count(5)          # input + 4 conv/pool layers
    page.locator(".st-key-il_play label").click()
    expect(epoch).not_to_contain_text("Epoch 0 ", timeout=20000)
    first = maps.screenshot(path=str(tmp_path / "maps_1.png"))
    src = maps.locator("img").nth(1).get_attribute("src")
    page.wait_for_function(
        "([sel, old]) => { const i = document.querySelectorAll(sel)[1];"
        " return i && i.src !== old; }", arg=[".st-key-il_maps img", src], timeout=15000)
    page.wait_for_timeout(1500)
    second = maps.screenshot(path=str(tmp_path / "maps_2.png"))
    assert first != second, "the feature maps change while training"
    expect(page.locator(".st-key-il_probs svg")).to_have_count(1)
    expect(page.locator(".st-key-il_confusion .js-plotly-plot")).to_have_count(1, timeout=15000)
    page.screenshot(path=str(tmp_path / "image_lab.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    page.locator(".st-key-il_play label").click()          # pause: the counter stops
    page.wait_for_timeout(900)
    frozen = epoch.inner_text()
    page.wait_for_timeout(900)
    assert epoch.inner_text() == frozen
    page.close()


def test_uploaded_picture_is_shown_as_the_network_sees_it(server, browser, tmp_path):
    page = open_image_lab(server, browser)
    page.locator(".st-key-il_source").get_by_text("My own picture").click()
    img = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(img).line((200, 40, 200, 260), fill="black", width=24)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    page.locator(".st-key-il_upload input[type='file']").set_input_files(
        files=[{"name": "my_one.png", "mimeType": "image/png", "buffer": buf.getvalue()}])
    preview = page.locator(".st-key-il_upload_preview img")
    expect(preview).to_have_count(2, timeout=20000)
    expect(page.locator(".st-key-il_input")).to_contain_text("what the network sees")
    page.locator(".st-key-il_upload_preview").screenshot(path=str(tmp_path / "upload.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
