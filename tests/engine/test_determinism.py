"""Sessions must not change each other's results: every random draw comes from the trainer's
own generators, so two trainers interleaved on two threads end bit for bit as when run alone."""
import threading

import torch

from engine.record.recorder import Recorder
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec, make_layer
from engine.train import Trainer

DROPOUT = Experiment(
    DataSpec("spiral", n_samples=200),
    ModelSpec((make_layer("dense", units=16, activation="relu"), make_layer("dropout", rate=0.5),
               make_layer("dense", units=8, activation="tanh"),
               make_layer("dropout", rate=0.3))),
    TrainSpec(optimizer="adam", lr=0.01, batch_size=8))
OTHER = DROPOUT.replace("train", seed=7, lr=0.03).replace("data", dataset="xor")
BATCHES = 300


def weights(t: Trainer) -> list[torch.Tensor]:
    return [v.detach().clone() for v in t.model.state_dict().values()]


def same(a, b) -> bool:
    return len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b))


def alone(exp: Experiment) -> list[torch.Tensor]:
    t = Trainer(exp)
    t.step(BATCHES)
    return weights(t)


def interleaved(exps) -> list[list[torch.Tensor]]:
    """Each trainer on its own thread, taking turns batch by batch (and meddling with torch's
    global RNG in between, as other code in the process may)."""
    trainers = [Trainer(e) for e in exps]
    turns = [threading.Semaphore(0) for _ in trainers]

    def work(i: int) -> None:
        for _ in range(BATCHES):
            turns[i].acquire()
            torch.rand(3)                        # someone else uses the global RNG
            trainers[i].step(1)
            turns[(i + 1) % len(trainers)].release()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(trainers))]
    for th in threads:
        th.start()
    turns[0].release()
    for th in threads:
        th.join(60)
    assert not any(th.is_alive() for th in threads)
    return [weights(t) for t in trainers]


def concurrent(exps) -> list[list[torch.Tensor]]:
    """Each trainer on its own thread, both running at once (one batch per call, as the
    background runner's chunks do), so their steps overlap wherever torch drops the GIL."""
    trainers = [Trainer(e) for e in exps]
    start = threading.Barrier(len(trainers))

    def work(t: Trainer) -> None:
        start.wait()
        for _ in range(BATCHES):
            t.step(1)

    threads = [threading.Thread(target=work, args=(t,)) for t in trainers]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    return [weights(t) for t in trainers]


def test_two_dropout_trainers_running_at_once_match_their_runs_alone():
    expected = [alone(DROPOUT), alone(OTHER)]
    for _ in range(3):
        got = concurrent([DROPOUT, OTHER])
        assert same(got[0], expected[0]) and same(got[1], expected[1])


def test_two_dropout_trainers_on_two_threads_match_their_runs_alone():
    expected = [alone(DROPOUT), alone(OTHER)]
    got = interleaved([DROPOUT, OTHER])
    assert same(got[0], expected[0]) and same(got[1], expected[1])
    # the same experiment twice at once: both equal the lone run
    twins = interleaved([DROPOUT, DROPOUT])
    assert same(twins[0], expected[0]) and same(twins[1], expected[0])


def test_training_neither_reads_nor_writes_the_global_rng():
    torch.manual_seed(123)
    t = Trainer(DROPOUT)
    before = torch.get_rng_state()
    t.step(20)                                   # shuffles and dropout masks
    assert torch.equal(torch.get_rng_state(), before)
    torch.manual_seed(999)                       # a different global state...
    u = Trainer(DROPOUT)
    u.step(20)
    assert same(weights(t), weights(u))          # ...changes nothing


def test_rewind_and_branch_on_another_thread_replays_exactly():
    """A branch from a checkpoint replays the same dropout masks while another trainer runs."""
    t = Trainer(DROPOUT)
    rec = Recorder(t)
    t.step(5 * t.batches_per_epoch)
    end = weights(t)
    rec.branch_from(2)
    noise = Trainer(OTHER)
    th = threading.Thread(target=noise.step, args=(BATCHES,))
    th.start()
    t.step(3 * t.batches_per_epoch)
    th.join(60)
    assert same(weights(t), end) and rec.branches == [2.0]
