"""A training worker process: `python -m engine.train.worker FD` (one end of a socket pair).

Started by engine.train.worker_pool, it serves training turns (engine.train.remote) one after
another: each turn names a session's key; the worker keeps a copy of that session's trainer
(built from the experiment and data the first time, then only loaded with the state each turn
brings) in a small least-recently-used cache. It talks only to the server that started it,
over the pipe it was given, and exits when that pipe closes.
"""
from __future__ import annotations

import io
import os
import pickle
import sys
from collections import OrderedDict
from multiprocessing.connection import Connection
from typing import Any

CACHE = 64      # trainers kept: a class's sessions, with room for some that have left
NICE = 10       # the server process's frames go first: training takes the CPU they leave


# Everything a training message may hold besides dicts, lists, tuples, str and numbers: the
# classes it is built from. Anything else is refused (`_TrainingMessages`), so even bytes that
# did not come from the other end of our own pipe could not make the reader run code.
MESSAGE_CLASSES = {
    ("datasets.base", "Dataset"),
    ("engine.spec.experiment", "DataSpec"), ("engine.spec.experiment", "Experiment"),
    ("engine.spec.experiment", "ModelSpec"), ("engine.spec.experiment", "TrainSpec"),
    ("engine.spec.layers", "LayerSpec"),
    ("engine.train.history", "EpochMetrics"),
    ("engine.train.remote", "Build"), ("engine.train.remote", "Turn"),
    ("engine.train.remote", "TurnResult"),
    ("engine.train.wire", "_Tensor"),
    ("numpy", "dtype"), ("numpy", "ndarray"),
    ("numpy._core.numeric", "_frombuffer"), ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "_reconstruct"),
}


class _TrainingMessages(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in MESSAGE_CLASSES:
            raise pickle.UnpicklingError(f"{module}.{name} has no place in a training message")
        return super().find_class(module, name)


def send(conn: Connection, message: Any) -> None:
    """Plain pickle, not `conn.send`: once torch is imported, multiprocessing's pickler moves
    tensors through shared-memory handles that need a parent process's authentication key;
    these are a few kilobytes, and copying them is simpler and as fast."""
    conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def receive(conn: Connection) -> Any:
    """A message from the other end of our own pipe (the server, or its worker), read with
    only `MESSAGE_CLASSES` allowed."""
    return _TrainingMessages(io.BytesIO(conn.recv_bytes())).load()


def serve(conn: Connection, cache_size: int = CACHE) -> None:
    from engine.train.remote import train_turn
    from engine.train.runtime import configure_torch
    from engine.train.trainer import Trainer

    configure_torch()
    _warm_up()
    trainers: OrderedDict[str, Trainer] = OrderedDict()
    send(conn, ("ready", None))
    while True:
        try:
            message = receive(conn)
        except (EOFError, OSError):     # the server went away
            return
        except pickle.UnpicklingError as exc:   # a turn with something unexpected in it:
            send(conn, ("error", str(exc)))     # the server trains that one itself
            continue
        kind = message[0]
        if kind == "forget":
            trainers.pop(message[1], None)
            continue
        _, turn, build = message
        try:
            trainer = trainers.pop(turn.key, None)
            if trainer is None:
                if build is None:
                    send(conn, ("missing", None))
                    continue
                trainer = Trainer(build.experiment, build.dataset, device="cpu")
            trainers[turn.key] = trainer
            while len(trainers) > cache_size:
                trainers.popitem(last=False)
            send(conn, ("ok", train_turn(trainer, turn)))
        except Exception as exc:        # the server trains this session itself from now on
            trainers.pop(turn.key, None)
            send(conn, ("error", f"{type(exc).__name__}: {exc}"))


def _warm_up() -> None:
    """One step of a throwaway trainer, and one of a small conv net, before saying "ready":
    torch's first optimizer step imports torch._dynamo (~1 s, ~80 MB) and its first
    convolution sets its kernels up (~0.4 s): the first student's turn should not wait for
    either, and a class's memory figures should not count them as theirs."""
    import torch

    from engine.spec.experiment import Experiment
    from engine.train.trainer import Trainer

    Trainer(Experiment(), device="cpu").step(1)
    image = torch.zeros(2, 1, 8, 8, requires_grad=True)
    conv = torch.nn.functional.conv2d(image, torch.zeros(4, 1, 3, 3), padding=1)
    torch.nn.functional.max_pool2d(torch.relu(conv), 2).sum().backward()


def main(argv: list[str]) -> None:
    if hasattr(os, "nice"):
        os.nice(NICE)
    serve(Connection(int(argv[0])))


if __name__ == "__main__":
    main(sys.argv[1:])
