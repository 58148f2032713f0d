"""A generative-lab lesson's intended solution, trained headless (as tests/lesson_runs.py does
for the other labs): each step's link is read by the lab's own reader, the live settings are
applied to the running GanTrainer or new networks are built, and the goal is watched after
every epoch (16 steps at the default batch size), as the live view does every frame."""
from __future__ import annotations

from engine.gan.spec import GanSpec, needs_rebuild
from engine.gan.trainer import GanTrainer
from engine.lessons import Lesson
from engine.lessons.goals import Watch
from engine.lessons.load import query


def read_gan(params: dict[str, list[str]]) -> tuple[GanSpec, list[str]]:
    """The spec the GAN lab reads from a link (its notes must be empty for a lesson)."""
    return GanSpec.from_query(params)


def solve_gan(lesson: Lesson, outcome):
    """Train the lesson's solution; stop as soon as the goal is met."""
    params = query(lesson.link)
    spec, _ = read_gan(params)
    trainer, run = GanTrainer(spec), 0
    watch = Watch(lesson)
    out = outcome(met_before=watch.observe(trainer, None, run).met)
    for number, step in enumerate(lesson.solution, start=1):
        params.update(query(step.change))
        spec, _ = read_gan(params)
        if step.reset or needs_rebuild(trainer.spec, spec):
            trainer, run = GanTrainer(spec), run + 1
        elif spec != trainer.spec:
            trainer.apply(spec)
        target = trainer.epoch + step.epochs
        progress = watch.observe(trainer, None, run)
        for _ in range(step.batches or 10**9):
            if step.batches:
                trainer.step(1)
            else:
                if trainer.epoch >= target or trainer.done:
                    break
                trainer.step_epoch()
            progress = watch.observe(trainer, None, run)
            if progress.met:
                out.met_in_step = number
                out.log.append(f"met at step {trainer.steps}")
                return out
        out.log.append(f"after {step.say or step.change}: step {trainer.steps} "
                       f"{trainer.status}: " + "; ".join(
                           f"{s.text} {s.ok} ({s.now})" for s in progress.checks))
    return out
