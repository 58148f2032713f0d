"""One object per server process, made on first use: for the few things whose job is to be
shared between sessions (the training scheduler, the training workers, the frame budget,
the session cap). Every other piece of state belongs to one session (`st.session_state`)."""
from __future__ import annotations

import threading
from typing import Callable, TypeVar

T = TypeVar("T")


def process_wide(factory: Callable[[], T]) -> Callable[[], T]:
    """A function that returns the same `factory()` result on every call, in every thread."""
    made: list[T] = []
    guard = threading.Lock()

    def get() -> T:
        with guard:
            if not made:
                made.append(factory())
            return made[0]

    get.__doc__ = f"The server's one {getattr(factory, '__name__', 'object')}, made on first use."
    return get
