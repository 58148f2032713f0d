"""The server's scheduler shares training time fairly between playing sessions."""
import threading
import time

from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec, layers_from_text
from engine.train import Trainer
from engine.train.background import BackgroundTrainer
from engine.train.scheduler import Scheduler


def test_at_most_slots_train_at_once_and_every_session_gets_turns():
    scheduler = Scheduler(slots=2)
    inside, peak, turns = [0], [0], {name: 0 for name in "abcde"}
    guard = threading.Lock()

    def session(name):
        for _ in range(20):
            with scheduler.turn(name) as granted:
                assert granted
                with guard:
                    inside[0] += 1
                    peak[0] = max(peak[0], inside[0])
                time.sleep(0.002)
                with guard:
                    inside[0] -= 1
                turns[name] += 1

    threads = [threading.Thread(target=session, args=(n,)) for n in turns]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert peak[0] == 2                       # two at once, never three
    assert all(count == 20 for count in turns.values())
    assert scheduler.playing() == 5


def test_the_least_trained_waiting_session_goes_next():
    now = [0.0]
    scheduler = Scheduler(slots=1, clock=lambda: now[0])
    with scheduler.turn("small"):
        now[0] += 0.1                          # "small" trained a tenth of a second
    with scheduler.turn("big"):
        now[0] += 0.5                          # "big" half a second more than that
    order = []

    def wait_for_turn(name):
        with scheduler.turn(name):
            order.append(name)

    with scheduler.turn("holder"):             # the slot is taken while both queue up
        big = threading.Thread(target=wait_for_turn, args=("big",))
        big.start()
        time.sleep(0.05)                       # "big" arrived first
        small = threading.Thread(target=wait_for_turn, args=("small",))
        small.start()
        time.sleep(0.05)
    big.join(timeout=5)
    small.join(timeout=5)
    assert order == ["small", "big"]           # less used time wins, though it came later


def test_a_newcomer_starts_level_with_the_others():
    now = [0.0]
    scheduler = Scheduler(slots=1, clock=lambda: now[0])
    for _ in range(10):
        with scheduler.turn("old"):
            now[0] += 0.1
    with scheduler.turn("new"):
        pass
    assert scheduler.used("new") >= scheduler.used("old") - 1e-9   # no credit to spend first


def test_a_waiter_that_stops_wanting_gives_up():
    scheduler = Scheduler(slots=1)
    wanted = threading.Event()
    wanted.set()
    result = []
    with scheduler.turn("a"):
        t = threading.Thread(target=lambda: result.append(
            scheduler.turn("b", wanted.is_set).__enter__()))
        t.start()
        time.sleep(0.05)
        wanted.clear()                         # Pause, or the lease ran out
        t.join(timeout=5)
    assert result == [False]


def _trainer(layers: str) -> Trainer:
    return Trainer(Experiment(DataSpec("spiral", n_samples=400),
                              ModelSpec(layers_from_text(layers)),
                              TrainSpec(batch_size=10)), device="cpu")


def test_a_big_and_a_tiny_network_get_comparable_training_time():
    import torch._dynamo  # noqa: F401  (a first optimizer step's one-off import: the app's
    scheduler = Scheduler(slots=1)  # warm_up_optimizers does it, on a thread of its own)
    big, tiny = _trainer("dense:256:relu,dense:256:relu,dense:256:relu"), _trainer("dense:4:tanh")
    runners = [BackgroundTrainer(t, threading.Lock(), lease=30.0, scheduler=scheduler)
               for t in (big, tiny)]
    for runner in runners:
        runner.keep_alive()
    time.sleep(2.0)
    for runner in runners:
        runner.stop()
    used = [scheduler.used(runner) for runner in runners]
    assert min(used) > 0.3, used
    assert max(used) / min(used) < 1.5, used       # time, not batches, is shared
    assert big.steps < tiny.steps                  # (the big one does fewer steps in its time)


def test_a_one_off_slow_turn_does_not_leave_a_session_in_debt():
    now = [0.0]
    scheduler = Scheduler(slots=1, clock=lambda: now[0])
    with scheduler.turn("first"):
        now[0] += 3.0                  # the process's first step: torch warms up for seconds
    with scheduler.turn("second"):
        now[0] += 0.1
    assert scheduler.used("first") <= 0.5 + 1e-9


def test_turns_sent_to_workers_have_slots_of_their_own():
    scheduler = Scheduler(slots=1, workers=1, pipeline=2)
    release, granted = threading.Event(), []

    def hold(name, pool):
        with scheduler.turn(name, pool=pool) as ok:
            granted.append((name, ok))
            release.wait(10)

    threads = [threading.Thread(target=hold, args=(n, p), daemon=True)
               for n, p in (("local", "local"), ("w1", "remote"), ("w2", "remote"),
                            ("w3", "remote"))]
    for t in threads:
        t.start()
    time.sleep(0.5)
    assert sorted(n for n, ok in granted if ok) == ["local", "w1", "w2"]   # w3: both taken
    release.set()
    for t in threads:
        t.join(10)
    assert len(granted) == 4 and scheduler.playing() == 4
    assert scheduler.use_workers() and scheduler.capacity == 1   # one worker: one at full speed


def test_turns_go_to_workers_only_once_sessions_must_share():
    scheduler = Scheduler(slots=1, workers=3)
    with scheduler.turn("a"):
        pass
    assert not scheduler.use_workers() and scheduler.capacity == 1   # alone: train here
    with scheduler.turn("b"):
        pass
    assert scheduler.use_workers() and scheduler.capacity == 3       # two: workers, 3 at once
    assert not Scheduler(slots=1).use_workers()                       # no workers at all
