"""A lesson's intended solution, trained headless: the engine Trainer, no Streamlit runtime.

Each step of `[[solution]]` changes the link's parameters (as a student changes controls),
is read by the lab's own link reader (so the lesson means what the page would open), and
either applies the new training settings to the running trainer (a live change, as on the
page) or builds a new one (new data or network, or `reset`: a new run). The goal is observed
after every epoch or batch, as the live view does every frame.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.data import load_data
from engine.lessons import Lesson
from engine.lessons.goals import Watch
from engine.lessons.load import query
from engine.record.recorder import Recorder
from engine.spec import Experiment
from engine.train import Trainer, needs_rebuild
from engine.train.runtime import configure_torch


def read(lesson: Lesson, params: dict[str, list[str]]) -> tuple[Experiment, int | None, list[str]]:
    """The experiment (and the image lab's training-set size) the lesson's lab reads."""
    if lesson.lab == "playground":
        from ui.controls.playground import read_params
        exp, notes, _hide = read_params(params)
        return exp, None, notes
    if lesson.lab == "data":           # the loan table's own values stand in for a size
        from ui.controls.tables import read_params as read_data
        exp, extra, notes = read_data(params)
        return exp, tuple(sorted(extra.items())) or None, notes
    if lesson.lab == "sequences":
        from ui.controls.sequences import read_params as read_sequences
        exp, notes = read_sequences(params)
        return exp, None, notes
    from ui.controls.images import read_params
    exp, size, notes = read_params(params)
    return exp, size, notes


def build(exp: Experiment, size: int | None) -> Trainer:
    if size is None:
        return Trainer(exp, device="cpu")
    if isinstance(size, tuple):          # the data lab's loan table with its bias settings
        from datasets.table_sources import load_loan
        extra = dict(size)
        table = load_loan(exp.data.n_samples, exp.data.train_ratio, exp.data.seed,
                          minority_share=extra["minor"], label_bias=extra["lbias"],
                          balance=extra["bal"], reweigh=extra["rew"])
        return Trainer(exp, dataset=table.dataset, device="cpu")
    from datasets.subset import take_train
    return Trainer(exp, dataset=take_train(load_data(exp.data), size), device="cpu")


@dataclass
class Outcome:
    met_before: bool                     # the untouched lesson met its goal at once (a bug)
    met_in_step: int | None = None       # the solution step (1, 2, ...) that met the goal
    log: list[str] = field(default_factory=list)


def solve(lesson: Lesson) -> Outcome:
    """Train the lesson's solution; stop as soon as the goal is met."""
    configure_torch()                    # one thread, as the app runs it
    if lesson.lab == "gan":
        from tests.gan_lesson_runs import solve_gan
        return solve_gan(lesson, Outcome)
    params = query(lesson.link)
    if (params.get("cmp") or ["0"])[-1] == "1":
        return solve_compare(lesson, params)
    exp, size, _ = read(lesson, params)
    trainer, run = build(exp, size), 0
    recorder = Recorder(trainer)
    watch = Watch(lesson)
    out = Outcome(met_before=watch.observe(trainer, recorder, run).met)
    for number, step in enumerate(lesson.solution, start=1):
        params.update(query(step.change))
        exp, new_size, _ = read(lesson, params)
        if step.reset or new_size != size or needs_rebuild(trainer.experiment, exp):
            trainer, size, run = build(exp, new_size), new_size, run + 1
            recorder = Recorder(trainer)
        elif exp.train != trainer.spec:
            trainer.apply(exp.train)
        target = trainer.epoch + step.epochs
        for _ in range(step.batches or 10**9):
            if step.batches:
                trainer.step(1)
            else:
                if trainer.epoch >= target or trainer.done:
                    break
                trainer.step_epoch()
            progress = watch.observe(trainer, recorder, run)
            if progress.met:
                out.met_in_step = number
                out.log.append(f"met at epoch {trainer.epoch}, step {trainer.steps}")
                return out
        m = trainer.metrics
        out.log.append(f"after {step.say or step.change}: epoch {trainer.epoch} "
                       f"{trainer.status} train {m.train_loss:.3f} test {m.test_loss:.3f} "
                       f"acc {m.test_acc:.3f}: " + "; ".join(
                           f"{s.text} {s.ok} ({s.now})" for s in progress.checks))
    return out


def solve_compare(lesson: Lesson, params: dict[str, list[str]]) -> Outcome:
    """A compare-mode lesson (2D page): the goal watches run B with run A beside it; each step
    changes the link (B's keys included) and both runs restart when either needs a rebuild."""
    from engine.spec.overrides import with_overrides
    from engine.train.pair import RunB, RunPair
    from ui.compare import read_compare

    def runs(params: dict[str, list[str]]) -> tuple[Experiment, Experiment]:
        exp_a, _ = read(lesson, params)[:2]
        return exp_a, with_overrides(exp_a, read_compare(params)[1])[0]

    exp_a, exp_b = runs(params)
    pair, run = RunPair(Trainer(exp_a), Trainer(exp_b)), 0
    watch = Watch(lesson)
    out = Outcome(met_before=watch.observe(RunB(pair), None, run).met)
    for number, step in enumerate(lesson.solution, start=1):
        params.update(query(step.change))
        exp_a, exp_b = runs(params)
        if step.reset or needs_rebuild(pair.a.experiment, exp_a) \
                or needs_rebuild(pair.b.experiment, exp_b):
            pair, run = RunPair(Trainer(exp_a), Trainer(exp_b)), run + 1
        else:
            pair.a.apply(exp_a.train)
            pair.b.apply(exp_b.train)
        target = pair.epoch + step.epochs
        while pair.epoch < target and not pair.done:
            pair.step_epoch()
            if watch.observe(RunB(pair), None, run).met:
                out.met_in_step = number
                out.log.append(f"met at epoch {pair.epoch}")
                return out
        out.log.append(f"after {step.say}: epoch {pair.epoch}, test acc A "
                       f"{pair.a.metrics.test_acc:.3f} B {pair.b.metrics.test_acc:.3f}")
    return out
