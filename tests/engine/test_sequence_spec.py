"""The sequence settings in the experiment: bounds, links, which settings apply where."""
from __future__ import annotations

import pytest

from datasets import registry
from engine.spec.experiment import DataSpec, Experiment, ModelSpec
from engine.spec.fields import FIELDS_BY_NAME, SpecError, applies
from engine.spec.layers import layers_from_text
from engine.spec.limits import LIMITS


def test_the_datasets_and_the_spec_agree_on_the_sequence_bounds():
    assert LIMITS["seq_len"] == (0, registry.MAX_LENGTH)
    assert LIMITS["delay"] == (0, registry.MAX_DELAY)
    assert LIMITS["horizon"] == (1, registry.MAX_HORIZON)


def test_sequence_settings_and_layer_switches_survive_a_link():
    exp = Experiment(DataSpec("copy", seq_len=5, delay=30),
                     ModelSpec(layers_from_text("embedding:16,lstm:32:1,transformer:4:64:1")))
    query = exp.to_query()
    assert query["len"] == "5" and query["delay"] == "30"
    assert query["net"] == "embedding:16,lstm:32:1,transformer:4:64:1"
    back, warnings = Experiment.from_query(query, strict=True)
    assert back == exp and warnings == []
    assert Experiment.from_json(exp.to_json()) == exp


def test_a_link_asking_for_too_long_a_sequence_is_clamped_and_says_so():
    exp, warnings = Experiment.from_query({"ds": "copy", "len": "5000", "delay": "-3"})
    assert exp.data.seq_len == 64 and exp.data.delay == 0 and len(warnings) == 2
    with pytest.raises(SpecError, match="between 1 and 20"):
        Experiment.from_query({"ds": "sine", "k": "50"}, strict=True)


def test_a_switch_is_zero_or_one():
    with pytest.raises(SpecError, match="bidirectional must be a whole number from 0 to 1"):
        layers_from_text("lstm:8:2")
    with pytest.raises(SpecError, match="causal"):
        layers_from_text("self_attention:2:0.5")


@pytest.mark.parametrize("dataset, shown", [
    ("copy", {"seq_len", "delay"}), ("reverse", {"seq_len"}), ("sines", {"seq_len", "horizon"}),
    ("sentences", {"seq_len"}), ("circle", set()), ("digits", set()),
])
def test_only_the_settings_a_dataset_uses_apply(dataset, shown):
    names = {n for n in ("seq_len", "delay", "horizon") if applies("data", n, {"dataset": dataset})}
    assert names == shown
    assert FIELDS_BY_NAME[("data", "delay")].bounds == LIMITS["delay"]
