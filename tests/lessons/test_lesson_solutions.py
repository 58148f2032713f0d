"""Every lesson's goal is reachable: its intended solution, trained headless by the engine's
Trainer within the solution's epoch budget, meets the goal, and only in its last step (the
steps before it are the lesson as it opens, or a wrong turn, which must not meet it)."""
import pytest

from engine.lessons import load_catalog
from tests.lesson_runs import solve

LESSONS = load_catalog().lessons


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda x: x.id)
def test_the_intended_solution_meets_the_goal(lesson):
    out = solve(lesson)
    assert not out.met_before, f"{lesson.source}: the goal is met before any training"
    assert out.met_in_step == len(lesson.solution), "\n".join(out.log)
