"""The load bench (bench/load.py) at a small class, so it cannot rot: five simulated students on a
real server of their own, each opening TF Playground's default experiment and pressing Play.

Asserts what the bench exists to check, at a size any box passes: nobody sees an error or loses
the connection, everyone's page draws frames and its epoch moves, and Pause takes effect (the
status says Paused, and the epoch stays put afterwards). Rates are not asserted: they depend on
the machine; the bench prints them.
"""
from concurrent.futures import ThreadPoolExecutor

from bench import load

SESSIONS = 5
ARGS = ["--sessions", str(SESSIONS), "--seconds", "20", "--warmup", "2", "--stagger", "0.2",
        "--pause", "2", "--pause-check", "1.0", "--settle", "0"]


def test_five_students_train_and_pause():
    # on a thread of its own: the browser tests' Playwright keeps an event loop running on
    # this one, and the bench runs its own (asyncio.run refuses to start inside another)
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(load.main, ARGS).result()
    sessions, summary = result["per_session"], result["summary"]
    assert len(sessions) == SESSIONS
    assert summary["errors"] == [], summary["errors"]
    for s in sessions:
        assert s["frames"] > 0, f"{s['name']} never received a frame"
        assert s["final_epoch"] > 0, f"{s['name']} stuck at epoch 0"
        assert s["first_frame_s"] is not None
    paused = [s for s in sessions if s["pause_stopped"] is not None]
    assert len(paused) == 2 and all(s["pause_stopped"] for s in paused), paused
    assert all(s["pause_ms"] is not None for s in paused)
    assert result["rss_open_mb"] > 0 and result["server_cpu_pct"] > 0
