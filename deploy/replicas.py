"""Several `streamlit run app.py` replicas behind nginx on one box, one public port.

    python deploy/replicas.py                      # one replica per core, nginx on $PORT or 8080
    python deploy/replicas.py --replicas 2 --port 8080 --first-port 8501

A Streamlit process runs its Python (sessions, frames) on about one core: the GIL; small runs
train in its worker processes (engine/train/worker_pool.py), one per core by default, which
the replicas share out here (cores // replicas each, at least one). Replicas on consecutive
loopback ports draw on the other cores; nginx (deploy/nginx.conf) keeps each
browser on its replica with a cookie. Start-up: every replica answers /_stcore/health before
nginx opens the public port. Then the launcher waits: a replica that exits is reported and
nginx routes around it (the others keep serving); if nginx exits, or every replica has, all
stops. SIGTERM or Ctrl-C stops nginx first (no new requests), then the replicas.

The run folder (--run-dir, else a new temporary one) holds nginx's files, each replica's log
and replicas.json (public URL, process ids), written once everything answers.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX_CONF = Path(__file__).resolve().with_name("nginx.conf")
FAIL_TIMEOUT = "10s"        # how long nginx skips a replica that failed a connection


def usable_cores() -> int:
    """Cores this process may use: its CPU set, capped by a cgroup CPU quota (`docker run
    --cpus 2`, a Kubernetes limit), so a small container on a big host does not start a
    replica (about 450 MB each) per host core."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:                      # not Linux
        return os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    return max(1, min(cores, math.ceil(quota))) if quota else cores


def _cgroup_cpu_quota(root: Path = Path("/sys/fs/cgroup")) -> float | None:
    """CPUs allowed by the cgroup quota (v2 cpu.max, else v1 cfs files), None when unlimited."""
    try:
        text = (root / "cpu.max").read_text().split()                    # "max 100000"
        quota, period = text[0], text[1]
    except (OSError, IndexError):
        try:
            quota = (root / "cpu" / "cpu.cfs_quota_us").read_text().strip()     # "-1"
            period = (root / "cpu" / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return None
    if quota in ("max", "-1") or not quota.lstrip("-").isdigit() or not period.isdigit():
        return None
    return int(quota) / int(period) if int(period) > 0 and int(quota) > 0 else None


def find_nginx() -> str | None:
    """nginx on PATH, or Debian's /usr/sbin/nginx (not on an ordinary user's PATH)."""
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)


def upstreams_conf(ports: list[int]) -> str:
    """upstreams.conf for replicas on 127.0.0.1 at `ports` (see deploy/nginx.conf)."""
    addrs = [f"127.0.0.1:{p}" for p in ports]
    check = f"max_fails=1 fail_timeout={FAIL_TIMEOUT}"
    lines = ["# Written by deploy/replicas.py. New sessions: round robin over every replica.",
             "upstream nnpg_all {", "    zone nnpg_all 64k;"]
    lines += [f"    server {a} {check};" for a in addrs]
    lines += ["}", "# A session pinned to a replica; the others stand by if it is down."]
    for port, addr in zip(ports, addrs):
        lines += [f"upstream nnpg_{port} {{", f"    zone nnpg_{port} 64k;", f"    server {addr} {check};"]
        lines += [f"    server {other} backup;" for other in addrs if other != addr]
        lines += ["}"]
    lines += ["map $cookie_nnpg_replica $nnpg_upstream {", "    default nnpg_all;"]
    lines += [f"    {addr} nnpg_{port};" for port, addr in zip(ports, addrs)]
    lines += ["}", ""]
    return "\n".join(lines)


def write_nginx_files(run_dir: Path, ports: list[int], address: str, port: int) -> list[str]:
    """nginx.conf, upstreams.conf, listen.conf and the temporary folders in `run_dir`;
    returns nginx's arguments (prefix, configuration, error log) to run from there."""
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(NGINX_CONF, run_dir / "nginx.conf")
    (run_dir / "upstreams.conf").write_text(upstreams_conf(ports))
    (run_dir / "listen.conf").write_text(f"listen {address}:{port};\n")
    return ["-p", f"{run_dir}/", "-c", str(run_dir / "nginx.conf"),
            "-e", str(run_dir / "error.log")]


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the launcher dies, even by SIGKILL (Linux only)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))   # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass


def _port_free(address: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, port))
        except OSError:
            return False
    return True


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.read() == b"ok"
    except OSError:
        return False


def _log(message: str) -> None:
    print(f"[replicas] {message}", flush=True)


class Replicas:
    """The replicas and nginx as child processes; stop() ends them all (idempotent)."""

    def __init__(self, n: int, port: int, first_port: int, address: str, run_dir: Path,
                 nginx: str) -> None:
        self.ports = [first_port + i for i in range(n)]
        self.port, self.address, self.run_dir, self.nginx_bin = port, address, run_dir, nginx
        self.replicas: dict[int, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None
        self.gone: set[int] = set()             # replica ports already reported as exited

    def workers_each(self) -> str:
        """Training worker processes per replica (engine/train/worker_pool.py): the cores
        shared out, so the replicas together start one per core (as one server alone does);
        an explicit NNPG_TRAINING_PROCESSES is kept."""
        configured = os.environ.get("NNPG_TRAINING_PROCESSES", "").strip()
        if configured.isdigit():
            return configured
        return str(max(1, usable_cores() // len(self.ports)))

    def start(self, timeout: float) -> None:
        busy = [p for p in [self.port, *self.ports]
                if not _port_free(self.address if p == self.port else "127.0.0.1", p)]
        if busy:
            raise SystemExit(f"[replicas] port(s) already in use: {busy}; pick others "
                             "with --port / --first-port")
        for port in self.ports:
            log = open(self.run_dir / f"replica-{port}.log", "w")
            self.replicas[port] = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py",
                 "--server.headless", "true", "--server.address", "127.0.0.1",
                 "--server.port", str(port)],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
                env={**os.environ, "PYTHONPATH": str(ROOT),
                     "NNPG_TRAINING_PROCESSES": self.workers_each()})
            log.close()                         # the child keeps its own copy
        _log(f"starting {len(self.ports)} replica(s) on 127.0.0.1:{self.ports[0]}"
             f"..{self.ports[-1]}; logs in {self.run_dir}")
        self._wait(lambda: all(_healthy(f"http://127.0.0.1:{p}") for p in self.ports),
                   timeout, "replicas' /_stcore/health")
        self._start_nginx()
        self._wait(lambda: _healthy(self.local_url), 15, "nginx")
        (self.run_dir / "replicas.json").write_text(json.dumps({
            "url": self.local_url, "nginx_pid": self.nginx.pid,
            "replicas": [{"port": p, "pid": self.replicas[p].pid} for p in self.ports]},
            indent=1))
        _log(f"ready: {self.public_url} -> {len(self.ports)} replica(s)")

    @property
    def local_url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "") else self.address
        return f"http://{host}:{self.port}"

    @property
    def public_url(self) -> str:
        return f"http://{self.address}:{self.port}"

    def _start_nginx(self) -> None:
        args = write_nginx_files(self.run_dir, self.ports, self.address, self.port)
        log = open(self.run_dir / "nginx.log", "w")
        self.nginx = subprocess.Popen([self.nginx_bin, *args], stdout=log,
                                      stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        log.close()

    def _wait(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            dead = [p for p, proc in self.replicas.items() if proc.poll() is not None]
            if self.nginx is not None and self.nginx.poll() is not None:
                dead.append("nginx")
            if dead or time.monotonic() > deadline:
                why = f"exited: {dead}" if dead else f"no answer in {timeout:.0f} s"
                raise RuntimeError(f"{what}: {why}; see the logs in {self.run_dir}")
            time.sleep(0.3)

    def watch(self) -> int:
        """Until nginx or every replica has exited: report replicas that exit. Exit code."""
        while True:
            for port, proc in self.replicas.items():
                if port not in self.gone and proc.poll() is not None:
                    self.gone.add(port)
                    _log(f"replica on port {port} exited (code {proc.returncode}); nginx "
                         f"sends its sessions to the others ({len(self.ports) - len(self.gone)}"
                         " left)")
            if len(self.gone) == len(self.ports):
                _log("every replica has exited: stopping")
                return 1
            if self.nginx.poll() is not None:
                _log(f"nginx exited (code {self.nginx.returncode}): stopping; "
                     f"see {self.run_dir / 'error.log'}")
                return 1
            time.sleep(0.5)

    def stop(self) -> None:
        """nginx first (no new requests), then every replica; SIGKILL what outlasts its wait."""
        if self.nginx is not None:
            _stop([self.nginx], 5)
        # A replica's final garbage collection of every session's torch objects can take
        # seconds on a loaded box (tests/browser/conftest.py saw more than 10).
        _stop(list(self.replicas.values()), 15)


def _stop(procs: list[subprocess.Popen], grace: float) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env_replicas = os.environ.get("NNPG_REPLICAS", "")
    if env_replicas and not env_replicas.isdigit():
        ap.error(f"NNPG_REPLICAS must be a whole number, not {env_replicas!r}")
    ap.add_argument("--replicas", type=int, default=int(env_replicas or 0) or usable_cores(),
                    help="how many (default: $NNPG_REPLICAS, else one per usable core: "
                         "the CPU set, capped by a cgroup CPU quota)")
    env_port = os.environ.get("PORT", "")
    if env_port and not env_port.isdigit():
        ap.error(f"PORT must be a port number, not {env_port!r}")
    ap.add_argument("--port", type=int, default=int(env_port or 8080),
                    help="nginx's public port (default: $PORT, else 8080)")
    ap.add_argument("--address", default="0.0.0.0", help="nginx's public address")
    ap.add_argument("--first-port", type=int, default=8501,
                    help="the first replica's port on 127.0.0.1; the others follow")
    ap.add_argument("--run-dir", type=Path, help="nginx's files and the logs (default: a new "
                    "temporary folder)")
    ap.add_argument("--start-timeout", type=float, default=180,
                    help="seconds the replicas get to answer /_stcore/health")
    args = ap.parse_args(argv)
    if args.replicas < 1:
        ap.error("--replicas must be at least 1")
    nginx = find_nginx()
    if nginx is None:
        ap.error("nginx is not installed (Debian: apt-get install nginx)")
    run_dir = (args.run_dir or Path(tempfile.mkdtemp(prefix="nnpg-replicas-"))).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)

    group = Replicas(args.replicas, args.port, args.first_port, args.address, run_dir, nginx)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt                 # unwinds into the `finally` below

    # Explicit handlers: as a container's PID 1 the launcher gets no default SIGTERM action.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    code = 0
    try:
        group.start(args.start_timeout)
        code = group.watch()
    except KeyboardInterrupt:
        _log("stopping")
    except RuntimeError as e:
        _log(str(e))
        code = 1
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up
        group.stop()
        _log("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
