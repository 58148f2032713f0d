"""Checking a goal on a live run: every history row between frames counts, the goal latches,
the blow-up event belongs to one run (Reset clears it), and every metric is measured."""
import dataclasses
import math

from engine.lessons import Check, Lesson
from engine.lessons.lesson import GAN_METRICS
from engine.lessons.goals import MEASURES, Watch
from engine.record.recorder import Recorder
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec, make_layer
from engine.train import Trainer


def lesson(*checks: Check) -> Lesson:
    return Lesson(id="t", number=1, topic="t", title="t", lab="playground", link="", goal="g",
                  checks=checks, text=("p",), hints=("h",), notice="n", instructor="i",
                  solution=())


def plane(lr: float = 0.01) -> Trainer:
    """A single linear neuron on the plane regression: fast, and it blows up at lr ≥ 0.3."""
    return Trainer(Experiment(DataSpec("reg_plane"), ModelSpec(()),
                              TrainSpec(lr=lr, batch_size=10)), device="cpu")


def test_rows_between_frames_count_and_the_goal_latches():
    """'Test loss ≤ 0.05 within 10 epochs': met at epoch 3 even if the next frame comes at
    epoch 40, and still met after the run goes past epoch 10."""
    watch = Watch(lesson(Check(metric="test_loss", at_most=0.05),
                         Check(metric="epoch", at_most=10)))
    t = plane()
    first = watch.observe(t, None, run=1)
    assert not first.met and [s.ok for s in first.checks] == [False, True]
    t.step(40 * t.batches_per_epoch)                     # one long frame: 40 epochs
    later = watch.observe(t, None, run=1)
    assert later.met and later.just_met
    assert [s.ok for s in later.checks] == [True, False]  # now past epoch 10, yet met
    assert watch.observe(t, None, run=1).met and not watch.observe(t, None, run=1).just_met


def test_too_late_is_not_met():
    watch = Watch(lesson(Check(metric="test_loss", at_most=0.05),
                         Check(metric="epoch", at_most=10)))
    t = plane(lr=1e-5)                                   # far too slow to get there in time
    t.step(20 * t.batches_per_epoch)
    assert not watch.observe(t, None, run=1).met


def test_the_blow_up_belongs_to_its_run():
    watch = Watch(lesson(Check(event="diverged"), Check(metric="test_loss", at_most=0.01)))
    t = plane(lr=1.0)
    t.step(100)
    assert t.status == "diverged"
    state = watch.observe(t, None, run=1)
    assert state.checks[0].ok and not state.met
    t.apply(dataclasses.replace(t.spec, lr=0.01))        # a smaller rate: the run goes on
    t.step(10 * t.batches_per_epoch)
    assert watch.observe(t, None, run=1).met


def test_reset_starts_a_run_without_the_blow_up():
    watch = Watch(lesson(Check(event="diverged"), Check(metric="test_loss", at_most=0.01)))
    t = plane(lr=1.0)
    t.step(100)
    assert watch.observe(t, None, run=1).checks[0].ok
    fresh = plane(lr=0.01)                               # Reset: a new trainer, a new run
    fresh.step(10 * fresh.batches_per_epoch)
    state = watch.observe(fresh, None, run=2)
    assert not state.checks[0].ok and not state.met


def test_every_metric_measures_a_number():
    exp = Experiment(DataSpec("xor"), ModelSpec((make_layer("dense", units=5, activation="relu"),
                                                 make_layer("dropout", rate=0.2))),
                     TrainSpec(batch_size=25, l2=0.001))
    t = Trainer(exp, device="cpu")
    r = Recorder(t)
    t.step(11 * t.batches_per_epoch)
    values = {name: measure(t, r) for name, measure in MEASURES.items()
              if name not in GAN_METRICS            # the GAN lab's (tests/lessons/test_gan_lessons.py)
              and name != "lead_over_a"}            # compare mode's (below)
    assert all(math.isfinite(v) for v in values.values()), values
    assert values["hidden_layers"] == 1 and values["neurons"] == 5 and values["conv_layers"] == 0
    assert values["parameters"] == 2 * 5 + 5 + 5 * 2 + 2      # 2 inputs, 5 hidden, 2 outputs
    assert values["epoch"] == 11 and values["steps"] == 11 * t.batches_per_epoch
    assert values["batch_size"] == 25 and values["dropout"] == 0.2 and values["l2"] == 0.001
    assert values["train_examples"] == 250 and 0 <= values["dead_share"] <= 1
    assert math.isclose(values["gap"], values["test_loss"] - values["train_loss"])


def test_lead_over_a_is_run_bs_test_accuracy_minus_run_as_and_nan_outside_compare_mode():
    from engine.spec.overrides import with_overrides
    from engine.train.pair import RunB, RunPair
    a = Experiment(DataSpec("spiral"))
    b, _ = with_overrides(a, {"opt": "adam"})
    pair = RunPair(Trainer(a, device="cpu"), Trainer(b, device="cpu"))
    for _ in range(5):
        pair.step_epoch()
    run_b = RunB(pair)
    lead = MEASURES["lead_over_a"](run_b, None)
    assert lead == pair.b.metrics.test_acc - pair.a.metrics.test_acc
    assert MEASURES["epoch"](run_b, None) == pair.b.epoch == 5
    assert math.isnan(MEASURES["lead_over_a"](pair.a, None))
