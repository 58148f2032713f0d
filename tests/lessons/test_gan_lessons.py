"""The generative lab's lessons: their links open exactly their experiment in the GAN lab (no
repairs), the loader refuses a GAN link it cannot read, and the GAN measures are measured."""
import math

import pytest

from engine.data import GAN_TARGETS
from engine.gan.spec import TARGET_NAMES, GanSpec
from engine.gan.trainer import GanTrainer
from engine.lessons import load_catalog
from engine.lessons.goals import MEASURES
from engine.lessons.load import LessonError, parse_lesson, query
from ui.labs import OTHER_LABS
from ui.lessons import lab_page

GAN_LESSONS = [x for x in load_catalog().lessons if x.lab == "gan"]


def test_there_are_two_gan_lessons_on_the_game_and_on_mode_collapse():
    assert {x.id for x in GAN_LESSONS} == {"gan-adversarial-game", "gan-mode-collapse"}
    assert lab_page("gan") in OTHER_LABS


@pytest.mark.parametrize("lesson", GAN_LESSONS, ids=lambda x: x.id)
def test_link_and_each_step_open_exactly_in_the_gan_lab(lesson):
    params = query(lesson.link)
    spec, notes = GanSpec.from_query(params)
    assert notes == [] and spec.target == params["t"][-1]
    for step in lesson.solution:
        params.update(query(step.change))
        assert GanSpec.from_query(params)[1] == [], step.say


def test_the_loader_refuses_a_gan_link_it_would_repair_or_not_read():
    text = open(GAN_LESSONS[0].source if "/" in GAN_LESSONS[0].source else
                f"lessons/{GAN_LESSONS[0].source}").read()
    for bad, words in (("t=nowhere", "Target"), ("glr=7", "learning rate"),
                       ("ds=xor", "reads no ds")):
        broken = text.replace('&dlr=0.001"', f'&dlr=0.001&{bad}"', 1)   # the last value wins
        assert broken != text
        with pytest.raises(LessonError, match=words):
            parse_lesson(broken, "broken.toml")


def test_gan_measures_read_the_trainer():
    t = GanTrainer(GanSpec())
    assert 0 <= MEASURES["modes_covered"](t, None) <= 8
    assert 0 <= MEASURES["js"](t, None) <= 1
    assert math.isnan(MEASURES["modes_covered"](GanTrainer(GanSpec(target="ring")), None))


def test_the_spec_names_every_target():
    assert TARGET_NAMES == tuple(GAN_TARGETS)


def test_gan_measures_are_nan_on_another_labs_trainer():
    class Classifier:            # a Trainer has no modes_covered or divergence
        pass
    assert math.isnan(MEASURES["modes_covered"](Classifier(), None))
    assert math.isnan(MEASURES["js"](Classifier(), None))


def test_mode_collapse_is_ended_on_purpose_not_by_waiting():
    """Measured: the lesson's own game untangles itself after 4,750-10,250 steps (seeds 1-5),
    so its goal also asks for a discriminator at least as fast as the generator: waiting
    alone never meets it, the lesson's fix does."""
    lesson = next(x for x in GAN_LESSONS if x.id == "gan-mode-collapse")
    assert any(c.metric == "d_lr_over_g_lr" and c.at_least == 1 for c in lesson.checks)
    params = query(lesson.link)
    waiting = GanTrainer(GanSpec.from_query(params)[0])
    assert MEASURES["d_lr_over_g_lr"](waiting, None) == pytest.approx(0.1)
    params.update(query(lesson.solution[-1].change))
    fixed = GanTrainer(GanSpec.from_query(params)[0])
    assert MEASURES["d_lr_over_g_lr"](fixed, None) == pytest.approx(0.001 / 0.0003)
    assert math.isnan(MEASURES["d_lr_over_g_lr"](object(), None))
