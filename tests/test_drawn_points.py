"""Draw your own 2D data (issue #13) without the page: the drawing's text, its sanitising, the
"draw" dataset, the spec's JSON and link round-trips, and the headless CLI."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from datasets import DatasetError, load_dataset
from datasets.drawn import (DEFAULT_DRAWN, DEFAULT_DRAWN_VALUES, MAX_DRAWN, MIN_DRAWN, add_point,
                            as_values, clean_drawn,
                            drawing_problem, drawn_text, erase_point, parse_drawn)
from engine.gan.spec import parse_points
from engine.spec import DataSpec, Experiment, SpecError
from engine.spec.limits import LIMITS

ROOT = Path(__file__).resolve().parents[1]
FOUR = "1,1,0;-1,-1,0;2,-2,1;-2,2,1"


def test_the_limit_table_and_the_reader_agree():
    assert LIMITS["drawn_points"] == (MIN_DRAWN, MAX_DRAWN)
    points, labels, dropped = parse_drawn(DEFAULT_DRAWN)
    assert dropped == 0 and MIN_DRAWN <= len(points) <= MAX_DRAWN and set(labels) == {0, 1}
    assert drawn_text(points, labels) == DEFAULT_DRAWN and "-0.00" not in DEFAULT_DRAWN


@pytest.mark.parametrize("text, kept, dropped", [
    ("", 0, 0), (";;;", 0, 0), ("garbage", 0, 1), ("1,2", 0, 1), ("1,2,0,4", 0, 1),
    ("nan,1,0;inf,1,1;1,-inf,0", 0, 3), ("6.01,0,0;0,-7,1", 0, 2), ("1,1,2;1,1,-1;1,1,0.5", 0, 3),
    ("1,1,0; 2 , 2 , 1 ;x,y,z", 2, 1), ("1e400,1,0;0x10,1,1;1_0,1,0", 0, 3),
    ("6,-6,1", 1, 0), ("1.23456,2.34567,1", 1, 0),
])
def test_hostile_text_keeps_only_usable_points(text, kept, dropped):
    points, labels, n_dropped = parse_drawn(text)
    assert (len(points), n_dropped) == (kept, dropped)
    assert points.dtype == np.float32 and labels.dtype == np.int64 and points.shape == (kept, 2)
    assert np.all(np.abs(points) <= 6) and set(labels.tolist()) <= {0, 1}


def test_too_many_points_and_huge_text_are_cut_with_a_count():
    text = ";".join(f"{i % 11 - 5},{i % 7 - 3},{i % 2}" for i in range(MAX_DRAWN + 50))
    points, _, dropped = parse_drawn(text)
    assert len(points) == MAX_DRAWN and dropped == 50
    points, _, dropped = parse_drawn("1,1,0;" * 1_000_000)     # a megabyte: only its start read
    assert len(points) == MAX_DRAWN and dropped > 0
    cleaned, note = clean_drawn(text)
    assert len(cleaned.split(";")) == MAX_DRAWN and "left out 50 of 250" in note
    assert clean_drawn(DEFAULT_DRAWN) == (DEFAULT_DRAWN, None)


def test_add_and_erase_keep_a_valid_drawing():
    one = add_point("", 1.234, -2.345, 1)
    assert one == "1.23,-2.35,1"
    assert add_point(one, 7, 0, 0) == one and add_point(one, float("nan"), 0, 0) == one
    assert add_point(one, 0, 0, 3) == one                    # no such class
    two = add_point(one, -3, 3, 0)
    assert erase_point(two, -2.8, 3.1) == one                # the nearest, within the radius
    assert erase_point(two, 5, 5) == two                     # nothing near: unchanged
    full = ";".join(["1.00,1.00,0"] * MAX_DRAWN)
    assert add_point(full, 2, 2, 1) == full


def test_too_small_a_drawing_says_to_click():
    assert drawing_problem(FOUR) is None
    for text in ("", "1,1,0;2,2,1;3,3,0", "1,1,0;2,2,0;3,3,0;4,4,0"):
        assert "click on the plane" in drawing_problem(text)
    with pytest.raises(DatasetError):
        load_dataset("draw", drawn="1,1,0")
    with pytest.raises(SpecError, match="click on the plane"):
        Experiment(DataSpec("draw", drawn="1,1,0;2,2,1")).validated()


def test_the_draw_dataset_is_the_drawing_split_by_the_seed():
    a = load_dataset("draw", drawn=DEFAULT_DRAWN, train_ratio=0.7, seed=3, noise=0.5,
                     n_samples=999)                        # noise and n_samples do not apply
    b = load_dataset("draw", drawn=DEFAULT_DRAWN, train_ratio=0.7, seed=3)
    c = load_dataset("draw", drawn=DEFAULT_DRAWN, train_ratio=0.7, seed=4)
    points, labels, _ = parse_drawn(DEFAULT_DRAWN)
    assert len(a.x_train) == int(len(points) * 0.7)
    assert len(a.x_test) == len(points) - len(a.x_train)
    for x, y in zip((a.x_train, a.y_train, a.x_test), (b.x_train, b.y_train, b.x_test)):
        assert np.array_equal(x, y)
    assert not np.array_equal(a.points_train, c.points_train)
    both = np.concatenate([a.points_train, a.points_test])
    assert sorted(map(tuple, both.tolist())) == sorted(map(tuple, points.tolist()))
    assert a.class_names == ("orange", "blue") and a.extent == (-6.0, 6.0, -6.0, 6.0)
    small = load_dataset("draw", drawn=FOUR, train_ratio=0.5)
    assert len(small.x_train) == 2 and len(small.x_test) == 2


def test_json_and_link_round_trips_carry_the_drawing_only_for_draw():
    spelt = clean_drawn(FOUR)[0]                             # as the page and links spell it
    assert spelt == "1.00,1.00,0;-1.00,-1.00,0;2.00,-2.00,1;-2.00,2.00,1"
    exp = Experiment(DataSpec("draw", drawn=spelt, seed=5, train_ratio=0.6))
    again = Experiment.from_json(exp.to_json())
    assert again == exp and json.loads(exp.to_json())["data"]["drawn"] == spelt
    params = exp.to_query()
    assert params["draw"] == exp.data.drawn
    back, notes = Experiment.from_query(params)
    assert back == exp and notes == []
    circle = Experiment(DataSpec("circle", drawn=FOUR))
    assert "draw" not in circle.to_query() and "drawn" not in circle.to_dict()["data"]


def test_hostile_links_are_sanitised_with_a_note_never_raised():
    params = Experiment(DataSpec("draw")).to_query()
    bad = FOUR + ";9,9,0;1,1,7;junk;nan,0,1"
    exp, notes = Experiment.from_query({**params, "draw": bad})
    assert exp.data.drawn == drawn_text(*parse_drawn(FOUR)[:2])
    assert any("left out 4 of 8 points" in n for n in notes)
    for hostile in ("", "x" * 9000, "1,1,0;" * 5000, ["1,1,0", FOUR], "1,1,0;2,2,0"):
        exp, notes = Experiment.from_query({**params, "draw": hostile})
        exp.validated()                                      # opens something that trains
        assert exp.data.dataset == "draw" and notes          # ... and says what changed
    exp, notes = Experiment.from_query({**params, "draw": "1,1,0"})
    assert exp.data.drawn == DEFAULT_DRAWN and any("click on the plane" in n for n in notes)
    with pytest.raises(SpecError, match="left out 1 of 5"):
        Experiment.from_dict({"data": {"dataset": "draw", "drawn": FOUR + ";1,1,9"}})
    with pytest.raises(SpecError, match="must be text"):
        Experiment.from_dict({"data": {"dataset": "draw", "drawn": [[1, 1, 0]]}})


def test_the_gan_lab_reads_its_points_with_the_same_reader():
    assert parse_points("0.5,0.5;3,0;x;1.111,-2").tolist() == [[0.5, 0.5], [1.11, -2.0]]
    assert len(parse_points(";".join(["0,0"] * 500))) == 120


def test_the_cli_trains_a_drawing(tmp_path):
    path = tmp_path / "drawn.json"
    path.write_text(json.dumps({"data": {"dataset": "draw", "drawn": DEFAULT_DRAWN},
                                "train": {"lr": 0.1}}))
    result = subprocess.run([sys.executable, "-m", "engine", "train", "--experiment",
                             str(path), "--epochs", "5", "--threads", "1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["epochs"] == 5
    path.write_text(json.dumps({"data": {"dataset": "draw", "drawn": "1,1,0"}}))
    result = subprocess.run([sys.executable, "-m", "engine", "train", "--experiment",
                             str(path), "--epochs", "1"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and "click on the plane" in result.stderr


def test_drawn_values_for_regression():
    points, values, dropped = parse_drawn("1,1,0.5;2,2,-1;3,3,1.5;4,4,x", regression=True)
    assert values.dtype == np.float32 and values.tolist() == [0.5, -1.0] and dropped == 2
    assert add_point("", 1, 2, -0.333, regression=True) == "1.00,2.00,-0.33"
    assert add_point("", 1, 2, 0.5) == ""                    # a class drawing takes 0 or 1 only
    assert DEFAULT_DRAWN_VALUES == as_values(DEFAULT_DRAWN) and ",-1;" in DEFAULT_DRAWN_VALUES
    ds = load_dataset("draw_reg", drawn="1,1,0.5;2,2,-1;-3,3,0;4,-4,0.25", seed=2)
    assert ds.task == "regression" and ds.class_names == () and ds.y_train.dtype == np.float32
    assert sorted(np.concatenate([ds.y_train, ds.y_test]).tolist()) == [-1, 0, 0.25, 0.5]
    assert drawing_problem("1,1,0.5;2,2,0.5;3,3,0.5;4,4,0.5", regression=True) is None
    assert load_dataset("draw_reg").y_train.min() == -1       # the set's own example


def test_a_class_drawing_keeps_only_classes_and_each_set_opens_its_example():
    values = "1.00,1.00,0.5;2.00,2.00,-1;-1.00,1.00,1;3.00,-3.00,0"
    reg, notes = Experiment.from_query({"ds": "draw_reg", "draw": values})
    assert reg.data.drawn == values and notes == []
    cls, notes = Experiment.from_query({"ds": "draw", "draw": values + ";2,-2,1;-2,-2,0"})
    assert cls.data.drawn == "-1.00,1.00,1;3.00,-3.00,0;2.00,-2.00,1;-2.00,-2.00,0"
    assert any("left out 2 of 6 points" in n for n in notes)
    assert Experiment.from_query({"ds": "draw_reg"})[0].data.drawn == DEFAULT_DRAWN_VALUES
    assert Experiment.from_dict({"data": {"dataset": "draw_reg"}}).data.drawn == \
        DEFAULT_DRAWN_VALUES
    with pytest.raises(SpecError, match="a class other than 0"):
        Experiment.from_dict({"data": {"dataset": "draw", "drawn": values}})
    exp = Experiment.from_dict({"data": {"dataset": "draw_reg", "drawn": values}})
    assert Experiment.from_json(exp.to_json()) == exp
    assert Experiment.from_query(exp.to_query(), strict=True)[0] == exp
