"""The lesson file format and the goal grammar: what a file may say, and what it may not."""
import pytest

from engine.lessons import Check, describe, parse_lesson
from engine.lessons.load import LessonError, load_catalog

GOOD = '''
id = "demo"
number = 1
topic = "Testing"
title = "A demo"
lab = "playground"
link = "ds=xor&net="
goal = "Do it."
text = ["One paragraph."]
hints = ["A hint."]
notice = "Notice this."
instructor = "Ask that."

[[check]]
metric = "test_acc"
at_least = 0.9

[[solution]]
change = "feat=x1,x2,x1x2"
epochs = 5
'''


def edited(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


def test_a_good_file_reads():
    lesson = parse_lesson(GOOD, "demo.toml")
    assert (lesson.id, lesson.lab, lesson.link) == ("demo", "playground", "ds=xor&net=")
    assert lesson.checks == (Check(metric="test_acc", at_least=0.9),)
    assert lesson.solution[0].epochs == 5 and not lesson.solution[0].reset


@pytest.mark.parametrize("old,new,says", [
    ('title = "A demo"', 'titel = "A demo"', "unknown key"),
    ('metric = "test_acc"', 'metric = "accuracy"', "unknown metric"),
    ('metric = "test_acc"', 'metric = "__import__(\'os\')"', "unknown metric"),
    ("at_least = 0.9", "at_least = 90", "share from 0 to 1"),
    ("at_least = 0.9", 'at_least = "0.9"', "finite number"),
    ("at_least = 0.9", "at_least = 0.9\nat_most = 0.5", "above 'at_most'"),
    ("at_least = 0.9", "", "'at_least' and/or 'at_most'"),
    ('[[check]]\nmetric = "test_acc"\nat_least = 0.9', '[[check]]\nevent = "exploded"',
     "one of diverged"),
    ('link = "ds=xor&net="', 'link = "ds=xor&lr=100"', "Learning rate"),
    ('link = "ds=xor&net="', 'link = "ds=nowhere"', "must be one of"),
    ('link = "ds=xor&net="', 'link = "ds=xor&lesson=demo"', "may not set lesson"),
    ('change = "feat=x1,x2,x1x2"', 'change = "net=dense:99999"', "Layer"),
    ("epochs = 5", "epochs = 5\nbatches = 3", "exactly one of"),
    ("epochs = 5", "epochs = 0", "exactly one of"),
    ('id = "demo"', 'id = "Demo Lesson"', "slug"),
    ("number = 1", "number = true", "whole number"),
    ('hints = ["A hint."]', "hints = []", "list of 1 to"),
    ('text = ["One paragraph."]', 'text = "One paragraph."', "list of 1 to"),
    ('goal = "Do it."', 'goal = ""', "non-empty text"),
    ("[[solution]]", "[[solution]]\nreset = 1", "true or false"),
])
def test_mistakes_are_named(old, new, says):
    with pytest.raises(LessonError, match="demo.toml") as caught:
        parse_lesson(edited(old, new), "demo.toml")
    assert says in str(caught.value)


def test_not_toml_at_all():
    with pytest.raises(LessonError, match="not valid TOML"):
        parse_lesson("id = [", "broken.toml")


def test_a_broken_copy_does_not_take_the_others_down(tmp_path):
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(edited("at_least = 0.9", "at_least = 9"), encoding="utf-8")
    (tmp_path / "c.toml").write_text(GOOD, encoding="utf-8")      # the same id again
    catalog = load_catalog(tmp_path)
    assert [x.source for x in catalog.lessons] == ["a.toml"]
    assert len(catalog.errors) == 2 and "b.toml" in catalog.errors[0]
    assert "already used by a.toml" in catalog.errors[1]
    assert catalog.get("demo") is catalog.get("1") is catalog.lessons[0]
    assert catalog.get("nothing") is None and catalog.after(catalog.lessons[0]) is None


def test_checks_in_words():
    assert describe(Check(metric="test_acc", at_least=0.95)) == "Test accuracy ≥ 95%"
    assert describe(Check(metric="hidden_layers", at_most=0)) == "No hidden layers"
    assert describe(Check(metric="neurons", at_most=20)) == "Hidden neurons ≤ 20"
    assert describe(Check(metric="parameters", at_most=1000)) == "Parameters ≤ 1,000"
    assert describe(Check(metric="test_loss", at_least=0.1, at_most=0.2)) == \
        "Test loss between 0.1 and 0.2"
    assert describe(Check(event="diverged")).startswith("The loss blew up")
