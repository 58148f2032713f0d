"""Process-wide torch settings, applied once by the app and the CLI."""
from __future__ import annotations

import torch


def configure_torch(threads: int = 1) -> None:
    """One intra-op thread: playground nets are tiny, and on a shared 2-core server two
    threads per session stall each other (measured: research/anchors-speed.md)."""
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def warm_up_optimizers() -> None:
    """Import what torch's first optimizer step needs (torch._dynamo, ~1 s) on a daemon
    thread, once the first picture is out, so that neither the first paint nor the first
    Play pays for it. Idempotent: nothing happens once it is imported."""
    import sys
    import threading

    if "torch._dynamo" in sys.modules:
        return

    def load() -> None:
        import torch._dynamo  # noqa: F401  (imported for its side effect: the module cache)

    threading.Thread(target=load, name="nnpg-warm-up", daemon=True).start()
