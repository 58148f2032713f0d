"""Per-session state: every key the app keeps in `st.session_state`, set up in one place.

Mutable objects (trainers, histories) live only here, never in module globals or
`st.cache_resource`, which every session shares.
"""
from __future__ import annotations

import streamlit as st


def init_session() -> None:
    """Configure torch for a shared server on every run (cheap, idempotent).

    Every run, not once per session: torch's intra-op thread count can belong to the OS
    thread, and Streamlit runs each script and fragment run on a fresh one (the image lab
    measured runs falling back to 2 threads and stalling).
    """
    from engine.runtime import configure_torch

    configure_torch()


def step_trainer(trainer_key: str, lock_key: str, kind: str) -> None:
    """A Step button's callback (both pages): one batch or one epoch under the session lock."""
    trainer = st.session_state.get(trainer_key)
    if trainer is not None:
        with st.session_state[lock_key]:
            trainer.step(1) if kind == "batch" else trainer.step_epoch()
