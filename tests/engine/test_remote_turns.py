"""Training turns in worker processes: bit for bit the run a local trainer makes, its recorder
included; a change made while a turn is out wins; Pause never waits for a worker; a dead
worker costs no training."""
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.record.recorder import Recorder
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec, make_layer
from engine.train import Trainer
from engine.train.background import BackgroundTrainer
from engine.train.remote import Build, eligible, finish_turn, start_turn, train_turn
from engine.train.runtime import configure_torch
from engine.train.scheduler import Scheduler
from engine.train.wire import pack, unpack
from engine.train.worker_pool import WorkerPool


def experiment(**train):
    return Experiment(DataSpec("spiral", n_samples=200),
                      ModelSpec((make_layer("dense", units=8, activation="relu"),
                                 make_layer("batchnorm"), make_layer("dropout", rate=0.3),
                                 make_layer("dense", units=6, activation="tanh"))),
                      TrainSpec(optimizer="adam", lr=0.01, batch_size=10, **train))


def same_run(a: Trainer, b: Trainer) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    weights = all(torch.equal(x, y) for x, y in zip(sa["model"].values(), sb["model"].values()))
    ha, hb = a.history.as_dict(), b.history.as_dict()
    curves = all(np.array_equal(ha[k], hb[k], equal_nan=True) for k in ha)
    return (weights and curves and sa["steps"] == sb["steps"]
            and torch.equal(sa["generator"], sb["generator"])
            and torch.equal(sa["dropout_generator"], sb["dropout_generator"]))


def same_recording(a: Recorder, b: Recorder) -> bool:
    n = len(a.layers)
    return ([(c.epoch, c.steps) for c in a.timeline._regular]
            == [(c.epoch, c.steps) for c in b.timeline._regular]
            and len(b.layers) == n
            and np.array_equal(a.layers._epochs[:n], b.layers._epochs[:n])
            and np.array_equal(a.layers._rows[:n], b.layers._rows[:n], equal_nan=True))


def wait_until(condition, timeout=30.0):
    deadline = time.time() + timeout
    while not condition() and time.time() < deadline:
        time.sleep(0.01)
    return condition()


class InProcessPool:
    """A worker pool whose 'worker' is a trainer copy in this process; `gate` holds turns."""

    enabled = True

    def __init__(self, gate: threading.Event | None = None):
        self.copies: dict[str, Trainer] = {}
        self.gate, self.sent = gate, threading.Event()

    def ready(self):
        return True

    def forget(self, key):
        self.copies.pop(key, None)

    def run(self, turn, build):
        if turn.key not in self.copies:
            b = build()
            self.copies[turn.key] = Trainer(b.experiment, b.dataset, device="cpu")
        self.sent.set()
        if self.gate is not None:
            self.gate.wait(30)
        return train_turn(self.copies[turn.key], turn)


def test_turns_trained_elsewhere_make_the_same_run_and_the_same_recording():
    local, remote = Trainer(experiment(), device="cpu"), Trainer(experiment(), device="cpu")
    local_rec, remote_rec = Recorder(local), Recorder(remote)
    assert eligible(remote, remote_rec)
    copy = Trainer(experiment(), device="cpu")
    while remote.epoch < 40:
        if remote_rec.wants_step:
            remote.step(1)
            continue
        finish_turn(remote, train_turn(copy, start_turn("k", remote, remote_rec, 0.01)))
    local.step(remote.steps)
    assert same_run(local, remote)
    assert same_recording(local_rec, remote_rec)
    assert len(remote_rec.timeline._regular) > 10        # checkpoints came back from the turns


def test_a_real_worker_trains_the_session_bit_for_bit():
    pool = WorkerPool(1)
    try:
        trainer = Trainer(experiment(), device="cpu")
        rec = Recorder(trainer)
        runner = BackgroundTrainer(trainer, threading.Lock(), lease=30.0, recorder=rec,
                                   pool=pool, scheduler=Scheduler(1, workers=1, workers_from=1))
        pool.warm_up()
        assert wait_until(pool.ready, 60), "the worker never said it was ready"
        runner.keep_alive()
        assert wait_until(lambda: runner.remote_turns >= 5 and trainer.epoch >= 5)
        runner.stop()
        configure_torch()        # one thread, as in the worker and every page thread: a
        twin = Trainer(experiment(), device="cpu")      # second one sums in another order
        twin_rec = Recorder(twin)
        twin.step(trainer.steps)
        assert same_run(trainer, twin)
        assert same_recording(rec, twin_rec)
    finally:
        pool.close()


def turn_out():
    """A session whose first turn has gone to a worker that holds it until `gate` opens."""
    gate = threading.Event()
    pool = InProcessPool(gate)
    trainer, lock = Trainer(experiment(), device="cpu"), threading.Lock()
    runner = BackgroundTrainer(trainer, lock, lease=30.0, pool=pool,
                               scheduler=Scheduler(1, workers=1, workers_from=1))
    runner.keep_alive()
    assert pool.sent.wait(10)
    return trainer, lock, runner, gate


def test_a_change_made_while_a_turn_is_out_wins():
    trainer, lock, runner, gate = turn_out()
    with lock:                              # the page steps once while the turn is out
        trainer.step(1)
        stepped = trainer.state_dict()
    runner.stop()
    gate.set()
    time.sleep(0.2)
    assert trainer.steps == 1
    assert all(torch.equal(a, b) for a, b in zip(trainer.state_dict()["model"].values(),
                                                 stepped["model"].values()))


def test_pause_does_not_wait_for_the_worker_and_the_turn_is_dropped():
    trainer, _, runner, gate = turn_out()
    started = time.perf_counter()
    runner.stop()
    assert time.perf_counter() - started < 0.5
    gate.set()
    time.sleep(0.2)
    assert trainer.steps == 0                # Pause came first: the turn was not taken over


def test_a_dead_worker_costs_no_training():
    pool = WorkerPool(1)
    try:
        trainer = Trainer(experiment(), device="cpu")
        runner = BackgroundTrainer(trainer, threading.Lock(), lease=30.0, pool=pool,
                                   scheduler=Scheduler(1, workers=1, workers_from=1))
        pool.warm_up()
        assert wait_until(pool.ready, 60)
        runner.keep_alive()
        assert wait_until(lambda: runner.remote_turns >= 2)
        pool._workers[0].process.kill()
        epoch = trainer.epoch
        assert wait_until(lambda: trainer.epoch >= epoch + 5), "training went on without it"
        runner.stop()
        assert runner.running is False
    finally:
        pool.close()


def test_who_may_train_elsewhere():
    t = Trainer(experiment(), device="cpu")
    assert eligible(t, None)
    rec = Recorder(t)
    assert not eligible(t, None)                 # listeners the turn would not call
    assert eligible(t, rec)
    t.subscribe("step", lambda _: None)
    assert not eligible(t, rec)
    big = Trainer(Experiment(DataSpec("circle", n_samples=200)), device="cpu")
    object.__setattr__(big.dataset, "x_train", np.zeros((5_000, 1_000), np.float32))
    assert not eligible(big, None)               # big data trains where it is


def test_tensors_cross_the_pipe_as_arrays_and_come_back_equal():
    t = Trainer(experiment(), device="cpu")
    t.step(7)
    state = t.state_dict()
    back = unpack(pack(state))
    assert torch.equal(back["generator"], state["generator"])
    assert back["generator"].dtype == torch.uint8
    assert all(torch.equal(a, b) for a, b in zip(back["model"].values(),
                                                 state["model"].values()))
    odd = torch.ones(3, dtype=torch.bfloat16)          # no numpy dtype: stays a tensor
    assert unpack(pack({"x": [odd]}))["x"][0] is odd


@pytest.mark.parametrize("value", ["3", "0"])
def test_the_number_of_workers_follows_the_setting(monkeypatch, value):
    monkeypatch.setenv("NNPG_TRAINING_PROCESSES", value)
    pool = WorkerPool()
    assert pool.size == int(value) and pool.enabled == (value != "0")


def test_a_worker_exits_when_its_server_is_killed():
    import os
    import signal
    import subprocess
    import sys

    server = subprocess.Popen(
        [sys.executable, "-c",
         "from engine.train.worker_pool import _Worker; import time; w = _Worker(); "
         "assert w.ready.wait(60); print(w.process.pid, flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        worker_pid = int(server.stdout.readline())
        os.kill(server.pid, signal.SIGKILL)           # no clean-up code runs in the server
        server.wait(10)
        assert wait_until(lambda: not _running(worker_pid), 15), "an orphaned worker lives on"
    finally:
        if server.poll() is None:
            server.kill()


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"   # a zombie has exited
    except FileNotFoundError:
        return False


def read_back(message):
    import io
    import pickle

    from engine.train.worker import _TrainingMessages

    return _TrainingMessages(io.BytesIO(pickle.dumps(message, protocol=5))).load()


@pytest.mark.parametrize("name", ["2d", "tiny_lenet", "mlp", "lstm", "tiny_transformer"])
def test_every_lab_s_turn_reads_back_with_only_the_allowed_classes(name):
    import engine.spec.presets as presets

    exp = (Experiment() if name == "2d" else presets.preset_experiment(name)
           if name in presets.IMAGE_PRESETS else presets.sequence_preset_experiment(name))
    t = Trainer(exp, device="cpu")
    rec = Recorder(t)
    assert eligible(t, rec)
    turn, build = start_turn("k", t, rec, 0.01), Build(t.experiment, t.dataset)
    _, turn_back, build_back = read_back(("turn", turn, build))
    result = read_back(("ok", train_turn(Trainer(build_back.experiment, build_back.dataset,
                                                 device="cpu"), turn_back)))[1]
    finish_turn(t, result)
    assert t.steps == result.batches > 0


def test_the_reader_refuses_anything_else():
    import os
    import pickle

    class Exploit:
        def __reduce__(self):
            return (os.system, ("true",))

    with pytest.raises(pickle.UnpicklingError):
        read_back(("turn", Exploit(), None))


def test_a_worker_that_lost_a_trainer_gets_it_sent_again():
    pool = WorkerPool(1)
    try:
        pool.warm_up()
        assert wait_until(pool.ready, 60)
        trainer = Trainer(experiment(), device="cpu")
        pool._workers[0].keys["lost"] = None      # the pool believes the worker has it
        result = pool.run(start_turn("lost", trainer, None, 0.01),
                          lambda: Build(trainer.experiment, trainer.dataset))
        assert result is not None and result.batches > 0
    finally:
        pool.close()


def test_big_turns_from_several_sessions_at_once_never_deadlock_the_pipe():
    """Each request and each reply holds 1 MB states (and replies often several, one per
    checkpoint epoch), more than the socket's buffer: the reader must drain replies while
    senders block."""
    pool = WorkerPool(1)
    try:
        pool.warm_up()
        assert wait_until(pool.ready, 60)
        big = Experiment(DataSpec("circle", n_samples=100),
                         ModelSpec((make_layer("dense", units=512, activation="relu"),
                                    make_layer("dense", units=512, activation="relu"))),
                         TrainSpec(batch_size=50))
        done = []

        def session(k):
            t = Trainer(big, device="cpu")
            rec = Recorder(t)
            for _ in range(3):
                result = pool.run(start_turn(f"big{k}", t, rec, 0.2),
                                  lambda: Build(t.experiment, t.dataset))
                assert result is not None and result.batches > 0
                finish_turn(t, result)
            done.append(k)

        threads = [threading.Thread(target=session, args=(k,), daemon=True) for k in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert sorted(done) == [0, 1, 2]
    finally:
        pool.close()
