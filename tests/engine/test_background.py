"""The background trainer trains only while its lease is fresh and stops at once when asked."""
import threading
import time

from engine.train.background import BackgroundTrainer
from engine.spec import DataSpec, Experiment, TrainSpec
from engine.train import Trainer
from engine.train.worker_pool import WorkerPool

LOCAL = WorkerPool(0)   # these tests watch the in-process path (test_remote_turns: the other)


def make_trainer():
    return Trainer(Experiment(DataSpec("circle", n_samples=100), train=TrainSpec(batch_size=10)),
                   device="cpu")


def wait_until(condition, timeout=10.0):
    deadline = time.time() + timeout
    while not condition() and time.time() < deadline:
        time.sleep(0.01)
    return condition()


def test_trains_while_kept_alive_and_stops_when_told():
    trainer, lock = make_trainer(), threading.Lock()
    runner = BackgroundTrainer(trainer, lock, lease=5.0, pool=LOCAL)
    runner.keep_alive()
    assert wait_until(lambda: trainer.epoch >= 2)
    runner.stop()
    assert not runner.running
    steps = trainer.steps
    time.sleep(0.1)
    assert trainer.steps == steps


def test_lease_expiry_ends_the_thread_without_a_stop():
    trainer, lock = make_trainer(), threading.Lock()
    runner = BackgroundTrainer(trainer, lock, lease=0.2, pool=LOCAL)
    runner.keep_alive()
    assert wait_until(lambda: trainer.steps > 0)
    assert wait_until(lambda: not runner.running), "a closed tab stops training"
    steps = trainer.steps
    time.sleep(0.3)
    assert trainer.steps == steps                          # steps stop increasing


class Chunks:
    """Wraps trainer.run_for to see chunks from outside: how many began, whether one is running.

    With `gate`, each chunk waits inside (holding the session lock) until the test opens it.
    """

    def __init__(self, trainer, gate: threading.Event | None = None):
        self.began, self.inside = 0, False
        self.entered = threading.Event()
        self._run_for, self._gate = trainer.run_for, gate
        trainer.run_for = self

    def __call__(self, seconds, max_batches=None):
        self.began += 1
        self.inside = True
        self.entered.set()
        try:
            if self._gate is not None:
                self._gate.wait(timeout=10.0)
            return self._run_for(seconds, max_batches)
        finally:
            self.inside = False


def test_a_frame_holds_training_back():
    trainer, lock = make_trainer(), threading.Lock()
    chunks = Chunks(trainer)
    runner = BackgroundTrainer(trainer, lock, lease=30.0, pool=LOCAL)
    with runner.frame():
        runner.keep_alive()
        time.sleep(0.3)
        assert chunks.began == 0 and trainer.steps == 0      # drawing goes first
    assert wait_until(lambda: chunks.began >= 3)             # the frame is over: training resumes
    with lock:                  # no chunk runs now; one may be waiting for the lock
        frame = runner.frame()
        frame.__enter__()
        began = chunks.began
    try:
        time.sleep(0.3)         # that one chunk (the current one) may still run, no other
        assert chunks.began <= began + 1
        with lock:
            steps = trainer.steps
        time.sleep(0.3)
        assert trainer.steps == steps and chunks.began <= began + 1
    finally:
        frame.__exit__(None, None, None)
    assert wait_until(lambda: trainer.steps > steps)         # and resumes after it
    runner.stop()


def test_stop_waits_for_the_running_chunk_and_no_chunk_follows():
    trainer, lock, gate = make_trainer(), threading.Lock(), threading.Event()
    chunks = Chunks(trainer, gate)
    runner = BackgroundTrainer(trainer, lock, lease=30.0, pool=LOCAL)
    runner.keep_alive()
    assert chunks.entered.wait(timeout=10.0)                 # a chunk is running (held at gate)
    stopped = threading.Event()
    stopper = threading.Thread(target=lambda: (runner.stop(), stopped.set()), daemon=True)
    stopper.start()
    assert not stopped.wait(timeout=0.3), "stop() returned while a chunk was running"
    gate.set()                                               # let the chunk finish
    stopper.join(timeout=10.0)
    assert stopped.is_set() and not chunks.inside
    began, steps = chunks.began, trainer.steps
    time.sleep(0.3)
    assert chunks.began == began and trainer.steps == steps and not runner.running


def test_stop_inside_a_frame_returns_without_waking_the_parked_thread():
    trainer, lock = make_trainer(), threading.Lock()
    chunks = Chunks(trainer)
    runner = BackgroundTrainer(trainer, lock, lease=30.0, pool=LOCAL)
    with runner.frame():
        runner.keep_alive()
        stopper = threading.Thread(target=runner.stop, daemon=True)
        stopper.start()
        stopper.join(timeout=10.0)
        assert not stopper.is_alive(), "stop() waited for the frame to end"
        assert not runner.running
    time.sleep(0.3)
    assert chunks.began == 0 and trainer.steps == 0          # the stopped thread never trains
    runner.keep_alive()                                      # Play again: a fresh thread trains
    assert wait_until(lambda: trainer.steps > 0)
    runner.stop()


def test_holding_the_lock_blocks_training():
    trainer, lock = make_trainer(), threading.Lock()
    runner = BackgroundTrainer(trainer, lock, lease=5.0, pool=LOCAL)
    with lock:
        runner.keep_alive()
        time.sleep(0.2)
        assert trainer.steps == 0          # a frame being captured never sees a half step
    assert wait_until(lambda: trainer.steps > 0)
    runner.stop()


def test_a_finished_run_does_not_start_a_thread():
    trainer = Trainer(Experiment(DataSpec("circle", n_samples=100),
                                 train=TrainSpec(batch_size=10, epochs=1)), device="cpu")
    trainer.step_epoch()
    runner = BackgroundTrainer(trainer, threading.Lock(), pool=LOCAL)
    runner.keep_alive()
    assert not runner.running and trainer.epoch == 1


def test_a_thread_that_ends_gives_freed_memory_back(monkeypatch):
    import engine.train.background as background

    calls = []          # threads of earlier tests may end now too: count only this one's
    monkeypatch.setattr(background, "return_freed_memory",
                        lambda: calls.append(threading.current_thread()))
    trainer, lock = make_trainer(), threading.Lock()
    runner = BackgroundTrainer(trainer, lock, lease=5.0, pool=LOCAL)
    runner.keep_alive()
    assert wait_until(lambda: trainer.steps > 0)
    thread = runner._thread
    assert thread not in calls, "no trim while a tab watches"
    runner.stop()                                   # Pause, or the lease lapsing, ends it
    assert wait_until(lambda: calls.count(thread) == 1), "the thread ended: one trim"


def test_freed_memory_goes_back_on_glibc():
    import platform

    from engine.train.runtime import return_freed_memory

    assert return_freed_memory() is (platform.libc_ver()[0] == "glibc")
