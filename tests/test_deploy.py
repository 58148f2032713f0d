"""deploy/replicas.py without a browser: nginx accepts the configuration it writes, a cgroup
CPU quota caps the replica count, and a busy port is refused before anything starts.
(The replicas themselves, nginx's routing and failover: tests/browser/test_replicas_browser.py.)"""
import socket
import subprocess
import sys

import pytest

from deploy.replicas import _cgroup_cpu_quota, find_nginx, upstreams_conf, write_nginx_files
from tests.browser.conftest import ROOT

needs_nginx = pytest.mark.skipif(find_nginx() is None, reason="nginx is not installed: "
                                 "`bash .ci/run` installs Debian's nginx package")


@needs_nginx
@pytest.mark.parametrize("ports", [[8501], [8501, 8502, 8503]])
def test_nginx_accepts_the_configuration(tmp_path, ports):
    args = write_nginx_files(tmp_path, ports, "127.0.0.1", 8080)
    done = subprocess.run([find_nginx(), "-t", *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_every_replica_has_its_group_and_the_others_stand_by():
    conf = upstreams_conf([8501, 8502, 8503])
    group = conf[conf.index("upstream nnpg_8502 {"):].split("}")[0]
    assert "server 127.0.0.1:8502 max_fails=1" in group
    assert "server 127.0.0.1:8501 backup;" in group and "server 127.0.0.1:8503 backup;" in group
    assert "    127.0.0.1:8502 nnpg_8502;" in conf and "default nnpg_all;" in conf


@pytest.mark.parametrize("files, cpus", [
    ({"cpu.max": "200000 100000\n"}, 2.0),
    ({"cpu.max": "max 100000\n"}, None),
    ({"cpu/cpu.cfs_quota_us": "150000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 1.5),
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ({}, None),
])
def test_cgroup_cpu_quota(tmp_path, files, cpus):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert _cgroup_cpu_quota(tmp_path) == cpus


@needs_nginx
def test_a_busy_port_is_refused_before_anything_starts(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        busy = s.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "deploy/replicas.py", "--replicas", "1", "--address", "127.0.0.1",
             "--port", str(busy), "--run-dir", str(tmp_path)],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"port(s) already in use: [{busy}]" in done.stdout + done.stderr
    assert not list(tmp_path.glob("replica-*.log"))          # no replica was started
