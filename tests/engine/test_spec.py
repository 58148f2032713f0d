"""Experiment spec: validation, JSON and URL round-trips, LIMITS, friendly errors."""
import dataclasses
import json

import pytest

from engine.spec.fields import FIELDS, SpecError
from engine.spec.layers import LAYER_KINDS, LAYER_PARAMS, layers_from_text, layers_to_text, make_layer
from engine.spec.limits import LIMITS
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec

CONV_NET = ModelSpec((make_layer("conv2d", channels=4, kernel=3, padding=1),
                      make_layer("maxpool2d"), make_layer("flatten"),
                      make_layer("dropout", rate=0.25), make_layer("dense", units=16,
                                                                  activation="gelu")))


def test_field_table_covers_every_dataclass_field():
    table = {(f.section, f.name) for f in FIELDS}
    for section, cls in (("data", DataSpec), ("train", TrainSpec)):
        for f in dataclasses.fields(cls):
            assert (section, f.name) in table
    assert len({f.url for f in FIELDS}) == len(FIELDS), "URL keys must be unique"
    assert all(f.help and f.label for f in FIELDS)


def test_every_bounded_field_has_limits():
    for f in FIELDS:
        if f.type in (int, float):
            assert f.name in LIMITS, f.name


def test_json_round_trip_is_exact():
    exp = Experiment(DataSpec("digits", n_samples=900, train_ratio=0.8), CONV_NET,
                     TrainSpec(optimizer="adam", lr=0.001, batch_size=32, l2=1e-4))
    again = Experiment.from_json(exp.to_json())
    assert again == exp
    assert json.loads(exp.to_json())["model"]["layers"][0] == {
        "kind": "conv2d", "channels": 4, "kernel": 3, "stride": 1, "padding": 1,
        "activation": "relu"}


def test_query_round_trip_is_exact():
    exp = Experiment(DataSpec("spiral", noise=0.25, features=("x1", "x2", "sin_x1")),
                     ModelSpec(tuple(make_layer("dense", units=8, activation="tanh")
                                     for _ in range(6))),
                     TrainSpec(lr=0.1, schedule="cosine", epochs=300, l1=0.003))
    params = exp.to_query()
    assert all(isinstance(v, str) for v in params.values())
    again, warnings = Experiment.from_query(params)
    assert warnings == []
    assert again == exp


def test_compact_layer_text_round_trip_for_every_kind():
    layers = tuple(make_layer(kind) for kind in LAYER_KINDS)
    assert layers_from_text(layers_to_text(layers)) == layers
    assert layers_to_text((make_layer("dense", units=4, activation="tanh"),)) == "dense:4:tanh"


def test_hostile_query_is_clamped_or_rejected_with_messages():
    exp, warnings = Experiment.from_query({
        "lr": "1e9", "bs": "-5", "noise": "nan", "opt": "<script>", "ds": "nope",
        "net": "dense:999999:relu", "n": "x" * 5000, "unknown": "ignored"})
    assert exp.train.lr == LIMITS["lr"][1]
    assert exp.train.batch_size == LIMITS["batch_size"][0]
    assert exp.data.noise == DataSpec().noise
    assert exp.train.optimizer == TrainSpec().optimizer
    assert exp.data.dataset == DataSpec().dataset
    assert exp.model == ModelSpec()
    assert exp.data.n_samples == DataSpec().n_samples
    text = " ".join(warnings)
    for word in ("Learning rate", "Batch size", "Noise", "Optimizer", "dataset", "units"):
        assert word in text
    exp.validated()


def test_strict_query_raises():
    with pytest.raises(SpecError, match="between"):
        Experiment.from_query({"lr": "50"}, strict=True)


def test_spec_errors_name_the_field_and_the_fix():
    with pytest.raises(SpecError, match=r"Learning rate.*between 1e-06 and 10"):
        Experiment(train=TrainSpec(lr=50)).validated()
    with pytest.raises(SpecError, match=r"Layer L2 \(dense\).*units"):
        layers_from_text("dense:4,dense:0")
    with pytest.raises(SpecError, match="unknown layer kind 'conv3d'"):
        layers_from_text("conv3d:4")
    with pytest.raises(SpecError, match="unknown activation 'swish'.*relu"):
        make_layer("dense", activation="swish")
    with pytest.raises(SpecError, match="Cross-entropy needs classes"):
        Experiment(DataSpec("reg_plane"), train=TrainSpec(loss="cross_entropy")).validated()
    with pytest.raises(SpecError, match="two classes only"):
        Experiment(DataSpec("blobs", n_classes=4), train=TrainSpec(loss="tfp_squared")).validated()
    with pytest.raises(SpecError, match="at least one input feature"):
        Experiment(DataSpec(features=())).validated()


def test_from_dict_is_strict_about_unknown_settings():
    with pytest.raises(SpecError, match="Unknown setting 'train.learning_rate'"):
        Experiment.from_dict({"train": {"learning_rate": 0.1}})
    with pytest.raises(SpecError, match="not valid JSON"):
        Experiment.from_json("{nope")
    with pytest.raises(SpecError, match="JSON object"):
        Experiment.from_json("[1, 2]")


def test_too_many_layers_is_refused():
    text = ",".join(["dense:2"] * (LIMITS["layers"][1] + 1))
    with pytest.raises(SpecError, match="limit is 32"):
        layers_from_text(text)


def test_layer_params_table_matches_dataclass():
    fields = {f.name for f in dataclasses.fields(make_layer("dense"))}
    for kind, params in LAYER_PARAMS.items():
        assert set(params) <= fields, kind


def test_query_values_given_as_lists_like_st_query_params():
    exp, warnings = Experiment.from_query({"feat": ["x1,x2,sin_x1"], "lr": ["0.1"],
                                           "net": ["dense:3:relu,dense:2:relu"]})
    assert warnings == []
    assert exp.data.features == ("x1", "x2", "sin_x1") and exp.train.lr == 0.1
    assert len(exp.model.layers) == 2


def test_a_link_whose_network_reads_the_answer_is_made_one_way_with_one_note():
    """A bidirectional LSTM or non-causal attention on a next-character task would see the
    character it must predict: the link's repair turns just those layers one-way."""
    exp, notes = Experiment.from_query(
        {"ds": ["sentences"], "net": ["embedding:16,lstm:32:1,transformer:2:16:0"]})
    assert [(x.kind, x.bidirectional, x.causal) for x in exp.model.layers][1:] == [
        ("lstm", 0, 0), ("transformer", 0, 1)]
    assert exp.data.dataset == "sentences" and len(notes) == 1 and "next character" in notes[0]
    exp.validated()
