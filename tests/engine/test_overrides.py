"""Run B as A plus its changes: round trips, what B may not change, hostile link values."""
from engine.spec import Experiment
from engine.spec.overrides import (differences, link_params, overrides_between, read_overrides,
                                   with_overrides)


def test_overrides_round_trip_through_a_link():
    a = Experiment()
    b, notes = with_overrides(a, {"lr": "0.3", "net": "dense:8:relu", "feat": "x1,x2,x1_sq"})
    assert not notes
    assert (b.train.lr, b.model.layers[0].units, b.data.features) == (0.3, 8, ("x1", "x2", "x1_sq"))
    assert b.data.dataset == a.data.dataset and b.data.seed == a.data.seed
    params = {key: [value] for key, value in link_params(overrides_between(a, b)).items()}
    again, _ = with_overrides(a, read_overrides(params))
    assert again == b


def test_b_follows_a_where_it_changes_nothing():
    over = {"lr": "0.3"}
    a2 = Experiment().replace("train", optimizer="adam", l2=0.01)
    b2, _ = with_overrides(a2, over)
    assert (b2.train.optimizer, b2.train.l2, b2.train.lr) == ("adam", 0.01, 0.3)


def test_b_cannot_change_the_data_and_says_so():
    a = Experiment()
    b, notes = with_overrides(a, {"ds": "spiral", "noise": "0.5", "lr": "0.1"})
    assert b.data == a.data and b.train.lr == 0.1
    assert len(notes) == 2 and all("cannot change" in n for n in notes)


def test_hostile_values_are_repaired_with_a_note():
    a = Experiment()
    b, notes = with_overrides(a, {"lr": "1e99", "net": "dense:99999999:relu", "bs": "nan"})
    assert b.validated() == b
    assert b.train.lr <= 10 and b.model.layers == a.model.layers
    assert len(notes) >= 2 and all(n.startswith("Run B") for n in notes)
    read = read_overrides({"b_lr": ["x" * 10_000], "other": ["1"], "b_" + "k" * 500: ["1"],
                           **{f"b_k{i}": ["1"] for i in range(200)}, "b_list": [[1, 2]]})
    assert len(read) <= 64 and all(len(v) <= 400 and len(k) <= 40 for k, v in read.items())
    assert "other" not in read


def test_differences_list_each_changed_setting_in_link_spelling():
    a = Experiment()
    b, _ = with_overrides(a, {"lr": "0.3", "opt": "adam"})
    rows = differences(a, b)
    assert ("Learning rate", "0.03", "0.3") in rows
    assert any(r[0] == "Optimizer" and r[2] == "adam" for r in rows)
    assert differences(a, a) == []
