"""Process-wide torch settings, applied once by the app and the CLI."""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

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


GPU_MIN_PARAMS = 100_000    # smaller nets are faster on the CPU than across a PCIe bus


def pick_device(n_params: int) -> torch.device:
    """CUDA when present and the model is big enough to gain from it; the CPU otherwise."""
    if torch.cuda.is_available() and n_params >= GPU_MIN_PARAMS:
        return torch.device("cuda")
    return torch.device("cpu")


def return_freed_memory() -> bool:
    """Give the heap pages freed tensors left behind back to the OS (glibc only).

    glibc keeps freed memory in its arenas for reuse, so a server that ran a burst of heavy
    sessions kept ~1.3 GB after they ended; `malloc_trim` returns what is free (measured: 4
    conv sessions, 531 MB after gc → 359 MB after the trim). Called when a session stops
    training, so an idle class's server shrinks. False where there is no glibc.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
        return True
    except (OSError, AttributeError):      # musl and others have no malloc_trim
        return False
