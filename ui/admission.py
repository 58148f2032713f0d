"""A cap on sessions per server: past it, a newcomer gets a friendly page instead of a share.

Thirty students on a 2-core box each train at a thirtieth of full speed; a hundred would each
get so little that no one learns anything. `NNPG_MAX_SESSIONS` (default `DEFAULT_CAP`; 0 turns
the cap off) bounds the sessions a server admits. A session is admitted on its first run and
stays admitted while its browser is connected; closed ones leave the count as soon as
Streamlit drops them. Process-wide by design (it counts sessions); holds only their ids.
"""
from __future__ import annotations

import os
import threading
from typing import Callable

from engine.process_wide import process_wide

DEFAULT_CAP = 40


def configured_cap() -> int:
    """The cap from `NNPG_MAX_SESSIONS` (a whole number; 0 means none), else DEFAULT_CAP."""
    value = os.environ.get("NNPG_MAX_SESSIONS", "").strip()
    return int(value) if value.isdigit() else DEFAULT_CAP


class Admission:
    """Which sessions the server serves; `admit` says whether one more may join."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._admitted: set[str] = set()
        self._guard = threading.Lock()

    def admit(self, session_id: str, is_active: Callable[[str], bool]) -> bool:
        """Whether `session_id` may use the server; `is_active` says which sessions are still
        connected (the ones that are not leave the count)."""
        with self._guard:
            self._admitted = {s for s in self._admitted if is_active(s)}
            if session_id in self._admitted:
                return True
            if self.cap and len(self._admitted) >= self.cap:
                return False
            self._admitted.add(session_id)
            return True

    @property
    def count(self) -> int:
        with self._guard:
            return len(self._admitted)


shared_admission = process_wide(lambda: Admission(configured_cap()))
