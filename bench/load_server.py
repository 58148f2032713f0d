"""The server under load for bench/load.py: started here (one `streamlit run`, or
deploy/replicas.py with nginx) or found by its port, and metered (CPU and RSS of its processes
and all their children)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
MB = 2 ** 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.read() == b"ok"
    except OSError:
        return False


class Launched:
    """A server this bench started: one `streamlit run`, or deploy/replicas.py and nginx."""

    def __init__(self, port: int, replicas: int, app_dir: Path = ROOT) -> None:
        self.run_dir = Path(tempfile.mkdtemp(prefix="nnpg-load-"))
        self.log = open(self.run_dir / "launcher.log", "w")
        env = {**os.environ, "PYTHONPATH": str(app_dir)}
        if replicas:
            cmd = [sys.executable, "deploy/replicas.py", "--replicas", str(replicas),
                   "--address", "127.0.0.1", "--port", str(port), "--first-port", str(port + 1),
                   "--run-dir", str(self.run_dir)]
        else:
            cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless",
                   "true", "--server.address", "127.0.0.1", "--server.port", str(port)]
        self.proc = subprocess.Popen(cmd, cwd=app_dir, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env)
        self.url, self.replicas = f"http://127.0.0.1:{port}", replicas

    def wait(self, timeout: float = 180) -> list[int]:
        """Until it answers; the pids whose CPU and memory count as the server's."""
        deadline = time.monotonic() + timeout
        ready = self.run_dir / "replicas.json"
        while not (healthy(self.url) and (not self.replicas or ready.exists())):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start; see {self.log.name}")
            time.sleep(0.3)
        if self.replicas:
            info = json.loads(ready.read_text())
            return [r["pid"] for r in info["replicas"]] + [info["nginx_pid"]]
        return [self.proc.pid]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:     # a slow final GC of many sessions' torch
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()


def listening_pid(url: str) -> list[int]:
    """The process that listens on the URL's port (for --url without --pid)."""
    port = urllib.parse.urlsplit(url).port
    try:
        for conn in psutil.net_connections("tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
                return [conn.pid]
    except psutil.AccessDenied:
        pass
    return []


class ServerMeter:
    """CPU seconds and RSS of the server processes and all their children, sampled."""

    def __init__(self, pids: list[int]) -> None:
        self.roots = [psutil.Process(p) for p in pids if psutil.pid_exists(p)]
        self.peak_rss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _procs(self) -> list[psutil.Process]:
        procs = []
        for root in self.roots:
            try:
                procs += [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
        return procs

    def cpu_seconds(self, only: str | None = None) -> float:
        """CPU seconds so far; with `only`, of the processes whose command line has it (e.g.
        "engine.train.worker": the training workers)."""
        total = 0.0
        for p in self._procs():
            try:
                if only is not None and only not in " ".join(p.cmdline()):
                    continue
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                pass
        return total

    def rss_mb(self) -> float:
        total = 0
        for p in self._procs():
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total / MB

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self.peak_rss = max(self.peak_rss, self.rss_mb())

    def start(self) -> None:
        self.peak_rss = self.rss_mb()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
