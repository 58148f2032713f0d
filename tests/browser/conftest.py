"""A real `streamlit run app.py` and headless Chromium, shared by the browser tests."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp_path_factory, env: dict[str, str] | None = None):
    """Start the app on a free port, wait for its health endpoint, yield its URL, stop it.
    `env`: extra environment variables for the server (e.g. its session cap)."""
    port = int(os.environ.get("NNP_TEST_PORT") or 0) or _free_port()   # a fixed one if asked
    log = open(tmp_path_factory.mktemp("server") / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    deadline = time.time() + 60
    while True:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.terminate()
                raise RuntimeError("streamlit did not start; see " + log.name)
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        # Seen on a loaded 2-core box: the interpreter's final garbage collection of every
        # session's torch objects outlasts 10 s (py-spy: main thread in gc_collect_main).
        # A slow exit is no test failure: end it.
        proc.kill()
        proc.wait(10)
    log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app, shared by the browser tests."""
    yield from start_server(tmp_path_factory)


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    """The app on a server of its own that no browser has opened yet (first-load races)."""
    yield from start_server(tmp_path_factory)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `bash .ci/run`, which installs it with apt")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()

