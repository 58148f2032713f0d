"""The export panel in headless Chromium: the deferred downloads (built only on click, which
AppTest cannot run) arrive as real files, and an uploaded experiment reopens the page."""
import io
import zipfile

import pytest
import torch
from playwright.sync_api import expect

from engine.spec import DataSpec, Experiment, TrainSpec

pytestmark = pytest.mark.browser


def open_panel(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page.goto(server)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']",
                           state="attached", timeout=30000)
    title = page.get_by_text("Download or open an experiment")
    title.wait_for(timeout=60000)
    title.click()
    return page, page.locator("[data-testid='stExpander']").filter(has=title)


def download(page, label: str) -> bytes:
    with page.expect_download(timeout=30000) as event:
        page.get_by_role("button", name=label, exact=True).click()
    return open(event.value.path(), "rb").read()


def test_downloads_are_real_files_and_an_upload_reopens(server, browser, tmp_path):
    page, panel = open_panel(server, browser)
    bundle = zipfile.ZipFile(io.BytesIO(download(page, "PyTorch script (.zip)")))
    assert sorted(bundle.namelist()) == ["experiment.json", "train_circle.npz",
                                         "train_circle.py"]
    weights = torch.load(io.BytesIO(download(page, "Weights (.pt)")), weights_only=True)
    assert "head.weight" in weights
    assert Experiment.from_json(download(page, "Experiment (.json)").decode()).data.dataset \
        == "circle"
    assert download(page, "Metrics (.csv)").startswith(b"epoch,train_loss,test_loss")
    panel.screenshot(path=str(tmp_path / "panel.png"))

    path = tmp_path / "moons.json"
    path.write_text(Experiment(DataSpec("moons", noise=0.1), train=TrainSpec(lr=0.1)).to_json())
    panel.locator("input[type=file]").set_input_files(str(path))
    expect(page.get_by_text("Opened 'moons.json' on the 2D playground page")).to_be_visible(
        timeout=30000)
    page.wait_for_url("**ds=moons**", timeout=30000)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
