"""Process-wide torch settings, applied once by the app and the CLI."""
from __future__ import annotations

import torch


def configure_torch(threads: int = 1) -> None:
    """One intra-op thread: playground nets are tiny, and on a shared 2-core server two
    threads per session stall each other (measured: research/anchors-speed.md)."""
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
