"""Two replicas behind nginx (deploy/replicas.py, deploy/nginx.conf) on loopback: new sessions
are spread over both, every request of a session reaches its replica, and when one replica
dies the sessions on the other train on while a new session lands on the live one."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from deploy.replicas import find_nginx
from tests.browser.app_page import CONNECTED, wait_for_app
from tests.browser.conftest import ROOT, _free_port

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(find_nginx() is None, reason="nginx is not installed: "
                                 "`bash .ci/run` installs Debian's nginx package")]

EXPERIMENT = "/?ds=circle&net=dense:4:tanh&lr=0.03"     # small: three tabs on two cores
EPOCH_JS = """() => {
  const m = (document.querySelector('.st-key-pg_epoch')?.innerText || '').match(/Epoch\\s+([\\d,]+)/);
  return m ? Number(m[1].replace(/,/g, '')) : -1;
}"""


def _consecutive_free_ports(n: int) -> int:
    """A first port such that it and the next n - 1 ports are free (on 127.0.0.1)."""
    for _ in range(50):
        first = _free_port()
        if first + n < 65536 and all(_port_is_free(first + i) for i in range(n)):
            return first
    raise RuntimeError("no run of free ports")


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by its parent) counts as gone
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture
def replicas(tmp_path):
    """deploy/replicas.py with two replicas; yields (launcher, replicas.json); stops it."""
    run = tmp_path / "run"
    with open(tmp_path / "launcher.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "deploy/replicas.py", "--replicas", "2", "--address", "127.0.0.1",
             "--port", str(_free_port()), "--first-port", str(_consecutive_free_ports(2)),
             "--run-dir", str(run), "--start-timeout", "60"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 75
        while not (run / "replicas.json").exists():
            assert proc.poll() is None, (tmp_path / "launcher.log").read_text()
            assert time.monotonic() < deadline, "replicas did not start"
            time.sleep(0.3)
        yield proc, json.loads((run / "replicas.json").read_text())
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


class Student:
    """One browser of its own (own cookies), on the 2D page, noting which replica answered
    each HTTP request (nginx's X-Upstream header) and each websocket handshake (via CDP)."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        self.page = self.context.new_page()
        self.http: list[tuple[str, str]] = []
        self.sockets: list[str] = []
        self.page.on("response", lambda r: self.http.append((r.url, r.headers.get("x-upstream", ""))))
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketHandshakeResponseReceived", lambda e: self.sockets.append(
            {k.lower(): v for k, v in e["response"]["headers"].items()}.get("x-upstream", "")))
        self.page.goto(url + EXPERIMENT)
        wait_for_app(self.page)

    @property
    def replica(self) -> str:
        """The replica nginx pinned this browser to (its routing cookie)."""
        return next(c["value"] for c in self.context.cookies() if c["name"] == "nnpg_replica")

    def epoch(self) -> int:
        return self.page.evaluate(EPOCH_JS)

    def play(self) -> None:
        self.page.locator(".st-key-pg_play label").click()
        self.trains()

    def trains(self, timeout: float = 20000) -> None:
        """The epoch counter moves on from where it is now, with no error on the page."""
        start = self.epoch()
        self.page.wait_for_function(f"() => ({EPOCH_JS})() > {start}", timeout=timeout)
        assert self.page.locator("[data-testid='stException']").count() == 0

    def served_by(self) -> set[str]:
        """Every replica that answered this browser (the last address nginx tried)."""
        return {re.split(r",\s*", up)[-1] for _, up in self.http if up} | {
            re.split(r",\s*", up)[-1] for up in self.sockets}


def test_sessions_stick_to_their_replica_and_survive_the_other_one_dying(replicas, browser):
    launcher, info = replicas
    url, pids = info["url"], {f"127.0.0.1:{r['port']}": r["pid"] for r in info["replicas"]}
    t0 = time.monotonic()

    a = Student(browser, url)
    a.play()
    b = Student(browser, url)            # round robin: the next new session, the other replica
    b.play()
    assert {a.replica, b.replica} == set(pids), "two new sessions should use both replicas"
    for s in (a, b):                     # every request so far, websocket included, on its replica
        s.trains()
        assert s.sockets, "no websocket handshake seen"
        assert s.served_by() == {s.replica}, s.http
    t_spread = time.monotonic() - t0

    live, handshakes = a.replica, len(b.sockets)
    os.kill(pids[b.replica], signal.SIGKILL)          # b's replica dies
    t_kill = time.monotonic()
    # b's tab reconnects through nginx to the live replica: a new session there, opened
    # from its link (the address bar), paused at epoch 0
    while len(b.sockets) == handshakes:
        assert time.monotonic() - t_kill < 30, "b's tab did not reconnect"
        b.page.wait_for_timeout(100)
    expect(b.page.locator(CONNECTED)).to_be_attached(timeout=30000)
    t_reconnect = time.monotonic() - t_kill
    assert b.sockets[-1].split(", ")[-1] == live and b.replica == live
    assert "ds=circle" in b.page.url
    expect(b.page.locator(".st-key-pg_epoch")).to_contain_text("Epoch 0 ", timeout=15000)
    expect(b.page.locator(".st-key-pg_play input")).not_to_be_checked()
    a.trains()                                         # a's goes on, without an error
    a.trains()
    expect(a.page.locator(CONNECTED)).to_be_attached()
    c = Student(browser, url)                          # a newcomer lands on the live replica
    assert c.replica == live
    c.play()
    b.play()                                           # and b's tab trains again
    a.trains()
    for s in (a, b, c):
        assert s.served_by() <= set(pids) and live in s.served_by()
    assert a.served_by() == {live} and c.served_by() == {live}, (a.http, c.http)
    t_failover = time.monotonic() - t_kill
    for s in (a, b, c):
        s.context.close()

    # the launcher noticed, kept serving, and stops everything it started on SIGTERM
    assert launcher.poll() is None
    launcher.send_signal(signal.SIGTERM)
    assert launcher.wait(30) == 0
    for pid in [info["nginx_pid"], *pids.values()]:
        assert not _alive(pid), f"process {pid} outlived the launcher"
    print(f"spread {t_spread:.1f} s, failover {t_failover:.1f} s "
          f"(b reconnected {t_reconnect:.1f} s after the kill)")
