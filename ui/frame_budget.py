"""How often each live view may draw, so that a full server still draws for everyone.

Drawing happens under the GIL in the server's one Python process. If every tab asks for ten
frames a second, thirty tabs ask for more than the process can draw, and whoever asks first
gets them. Instead the server measures what a frame costs (CPU seconds of the fragment's own
thread, averaged per lab: an image lab frame costs many 2D ones) and gives each playing session an interval such that all of them together
spend at most `DRAW_SHARE` of one core drawing, never slower than `SLOWEST` (so every tab still
sees its run move, and its lease, several frames long, never lapses).

Intervals come from a short ladder, so a view's timer changes only when the load changes a lot
(a new interval takes a full rerun of that page: Streamlit reads `run_every` only then).
Process-wide by design, like the training scheduler; thread-safe, and it holds no session data.
"""
from __future__ import annotations

import threading

from engine.process_wide import process_wide

DRAW_SHARE = 0.5           # of one core, for every session's frames together: the main live
MAIN_SHARE = 0.35          # view of each lab takes most of it, its slower side views (heavy
SIDE_SHARE = 0.075         # heatmaps, the inside-the-network panel) a little each
OVERHEAD = 3.0             # a frame's whole server CPU / its fragment's own: Streamlit's
                           # share (a script thread per run, bookkeeping, protobuf, the
                           # websocket). bench/load, 5 students: ~17 ms per frame in all,
                           # 5.6 ms inside the fragment
SLOWEST = 1.5              # seconds: the longest interval a playing main view is given (its
                           # frames renew the training lease, and a student should see the
                           # run move at least every 2 s, lag included); side views may go slower
LADDER = (0.15, 0.2, 0.25, 0.35, 0.5, 0.75, 1.0, SLOWEST, 2.0, 3.0, 5.0, 8.0)
SMOOTHING = 0.1            # weight of the newest frame in the running average


class FrameBudget:
    """The running cost of a lab's frame, and the interval it allows each playing session."""

    def __init__(self) -> None:
        self._costs: dict[str, float] = {}
        self._guard = threading.Lock()

    def cost(self, lab: str) -> float:
        """Average CPU seconds of one of `lab`'s frames on this server (0 before the first)."""
        return self._costs.get(lab, 0.0)

    def record(self, lab: str, seconds: float) -> None:
        with self._guard:
            old = self._costs.get(lab)
            self._costs[lab] = seconds if old is None else (
                (1 - SMOOTHING) * old + SMOOTHING * seconds)

    def interval(self, view: str, base: float, sessions: int, *, share: float = MAIN_SHARE,
                 slowest: float = SLOWEST) -> float:
        """The interval for `view` (whose frames may take `share` of a core over all sessions)
        that would like `base` while `sessions` are playing: `base` when the server can afford
        it, else the next step of the ladder, at most `slowest`. A session alone keeps its
        pace: there is no one to share with."""
        if sessions <= 1:
            return base
        need = sessions * self.cost(view) * OVERHEAD / share
        if need <= base:
            return base
        return next((step for step in LADDER if need <= step <= slowest and step >= base),
                    max(slowest, base))


shared_frame_budget = process_wide(FrameBudget)
