"""Two students on one server: their runs train in the server's worker processes, both pages
move on, and Pause still stops a run at once."""
import re
import time
from urllib.parse import urlparse

import psutil
import pytest
from playwright.sync_api import expect

from bench.load_server import ServerMeter
from tests.browser.app_page import wait_for_app
from tests.browser.conftest import start_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def class_server(tmp_path_factory):
    """A server of its own (sessions of other tests would change who shares), one local
    training slot and one worker, as on a 2-core box."""
    yield from start_server(tmp_path_factory, env={"NNPG_TRAINING_SLOTS": "1",
                                                   "NNPG_TRAINING_PROCESSES": "1"})


def workers_cpu(url: str) -> float:
    """CPU seconds of the server's training workers (children running engine.train.worker)."""
    port = str(urlparse(url).port)
    server = next(p for p in psutil.Process().children()
                  if "streamlit" in " ".join(p.cmdline()) and port in p.cmdline())
    return ServerMeter([server.pid]).cpu_seconds(only="engine.train.worker")


def workers_ready(url: str, timeout: float = 90.0) -> float:
    """Wait until the worker has started and finished warming up (its CPU time stands
    still), so that Play's turns go to it from the first; returns its CPU seconds."""
    deadline, last = time.time() + timeout, -1.0
    while time.time() < deadline:
        now = workers_cpu(url)
        if now > 0 and now == last:
            return now
        last = now
        time.sleep(1.0)
    raise AssertionError("the server's training worker never started")


def epoch_of(page) -> int:
    match = re.search(r"Epoch (\d+)", page.locator(".st-key-pg_epoch").inner_text())
    return int(match.group(1)) if match else -1


def test_two_students_train_in_the_workers_and_pause_still_stops(class_server, browser):
    pages = []
    for width in (1280, 1400):
        page = browser.new_page(viewport={"width": width, "height": 1000})
        page.goto(f"{class_server}/?ds=spiral&net=dense:8:tanh,dense:8:tanh")
        wait_for_app(page)
        expect(page.locator(".st-key-pg_epoch")).to_contain_text("Epoch 0", timeout=30000)
        pages.append(page)
    before = workers_ready(class_server)
    for page in pages:
        page.locator(".st-key-pg_play label").click()
    deadline = time.time() + 90
    while min(epoch_of(p) for p in pages) < 300 and time.time() < deadline:
        pages[0].wait_for_timeout(500)
    assert min(epoch_of(p) for p in pages) >= 300, [epoch_of(p) for p in pages]
    # 600 epochs cost about 3 s of training: most of it must have been the workers'
    assert workers_cpu(class_server) - before > 1.5, "the workers did not train"

    first, second = pages
    first.locator(".st-key-pg_play label").click()            # Pause: the counter stops
    first.wait_for_timeout(1000)
    frozen = epoch_of(first)
    moving = epoch_of(second)
    first.wait_for_timeout(1500)
    assert epoch_of(first) == frozen
    assert epoch_of(second) > moving                          # the other student trains on
    for page in pages:
        page.close()
