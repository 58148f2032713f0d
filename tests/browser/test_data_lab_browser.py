"""The data lab in headless Chromium: upload a CSV, pick its target, train, then see the
classic models' table and the learning curve."""
import numpy as np
import pytest
from playwright.sync_api import expect

from tests.browser.app_page import start_job

pytestmark = pytest.mark.browser


def people_csv(path) -> str:
    """A small table with a text column, missing values and a label that depends on two
    columns (so every model learns something)."""
    rng = np.random.default_rng(0)
    rows = ["age,city,income,hours,label"]
    for i in range(300):
        income = rng.normal(50, 15)
        hours = rng.normal(38, 6)
        label = "high" if income + 0.3 * hours + rng.normal(0, 5) > 62 else "low"
        cell = "" if i % 17 == 0 else f"{income:.1f}"
        rows.append(f"{rng.integers(18, 80)},{rng.choice(['Paris', 'Lyon', 'Nice'])},"
                    f"{cell},{hours:.1f},{label}")
    path.write_text("\n".join(rows) + "\n")
    return str(path)


def test_upload_train_compare_and_learning_curve(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    page.goto(server)
    page.get_by_role("link", name="Data lab", exact=True).wait_for(timeout=60000)
    page.goto(f"{server}/data?ds=csv")
    upload = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    upload.wait_for(state="attached", timeout=60000)
    (tmp_path / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    upload.set_input_files(str(tmp_path / "photo.csv"))     # a hostile file first: a message
    expect(page.get_by_text("This looks like a binary file")).to_be_visible(timeout=30000)
    upload.set_input_files(people_csv(tmp_path / "people.csv"))
    epoch = page.locator(".st-key-dl_epoch")
    expect(epoch).to_contain_text("Epoch 0 ", timeout=60000)
    expect(page.get_by_text("missing input values were filled in")).to_be_visible()
    page.locator(".st-key-dl_play label").click()
    page.wait_for_function(
        "() => { const m = document.querySelector('.st-key-dl_epoch');"
        " const e = m && m.innerText.match(/Epoch ([0-9,]+)/);"
        " return e && parseInt(e[1].replace(',', '')) >= 5; }", timeout=60000)
    page.locator(".st-key-dl_play label").click()
    expect(epoch).to_contain_text("Paused", timeout=30000)
    start_job(page.locator("[data-testid='stMain']").first,
              page.get_by_role("button", name="Fit the classic models").first)
    table = page.locator(".st-key-dl_baselines")
    expect(table).to_be_visible(timeout=60000)
    page.get_by_text("Learning curve: how much data").click()
    start_job(page.locator("[data-testid='stMain']").first,
              page.get_by_role("button", name="Compute the learning curve").first)
    expect(page.locator(".st-key-dl_curve .js-plotly-plot")).to_have_count(1, timeout=120000)
    page.screenshot(path=str(tmp_path / "data_lab.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
