"""The background trainer trains only while its lease is fresh and stops at once when asked."""
import threading
import time

from engine.train.background import BackgroundTrainer
from engine.spec import DataSpec, Experiment, TrainSpec
from engine.train import Trainer


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
    runner = BackgroundTrainer(trainer, lock, lease=5.0)
    runner.keep_alive()
    assert wait_until(lambda: trainer.epoch >= 2)
    runner.stop()
    assert not runner.running
    steps = trainer.steps
    time.sleep(0.1)
    assert trainer.steps == steps


def test_lease_expiry_ends_the_thread_without_a_stop():
    trainer, lock = make_trainer(), threading.Lock()
    runner = BackgroundTrainer(trainer, lock, lease=0.2)
    runner.keep_alive()
    assert wait_until(lambda: trainer.steps > 0)
    assert wait_until(lambda: not runner.running, timeout=3.0), "a closed tab stops training"
    steps = trainer.steps
    time.sleep(0.1)
    assert trainer.steps == steps


def test_a_frame_holds_training_back_and_stop_returns_at_once():
    trainer, lock = make_trainer(), threading.Lock()
    runner = BackgroundTrainer(trainer, lock, lease=5.0)
    with runner.frame():
        runner.keep_alive()
        time.sleep(0.2)
        assert trainer.steps == 0          # drawing goes first
        started = time.perf_counter()
        runner.stop()                      # the parked thread need not wake up first
        assert time.perf_counter() - started < 0.1
    time.sleep(0.2)
    assert trainer.steps == 0
    runner.keep_alive()                    # Play again: a fresh thread trains
    assert wait_until(lambda: trainer.steps > 0)
    runner.stop()


def test_holding_the_lock_blocks_training():
    trainer, lock = make_trainer(), threading.Lock()
    runner = BackgroundTrainer(trainer, lock, lease=5.0)
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
    runner = BackgroundTrainer(trainer, threading.Lock())
    runner.keep_alive()
    assert not runner.running and trainer.epoch == 1
