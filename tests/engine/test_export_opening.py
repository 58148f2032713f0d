"""Opening untrusted files: experiment bytes (bounded, strict) and weights (weights_only,
zip format, nothing compressed, names and shapes that fit). Every refusal is a SpecError
with a message that says what is wrong."""
from __future__ import annotations

import io
import os
import pickle
import zipfile

import pytest
import torch

from engine.export.files import weights_bytes
from engine.export.opening import (MAX_EXPERIMENT_BYTES, MAX_WEIGHTS_BYTES, experiment_from_bytes,
                                   load_weights, read_weights)
from engine.spec import DataSpec, Experiment, ModelSpec, SpecError, TrainSpec, layers_from_text
from engine.train import Trainer


def make_trainer(layers: str = "dense:4:tanh,dense:2:tanh", **train) -> Trainer:
    exp = Experiment(DataSpec("circle", n_samples=60), ModelSpec(layers_from_text(layers)),
                     TrainSpec(**train))
    return Trainer(exp, device="cpu")


def saved(obj) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


# ---- experiments ----------------------------------------------------------------------------
def test_experiment_round_trip_with_and_without_bom():
    exp = Experiment(DataSpec("spiral", noise=0.2), train=TrainSpec(optimizer="adam"))
    assert experiment_from_bytes(exp.to_json().encode()) == exp
    assert experiment_from_bytes(b"\xef\xbb\xbf" + exp.to_json().encode()) == exp


@pytest.mark.parametrize("data, words", [
    (b"{not json", "not valid JSON"),
    (b'{"train": {"lr": 99}}', "Learning rate"),
    (b'{"data": {"dataset": "nope"}}', "must be one of circle"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[]", "JSON object"),
    (b"x" * (MAX_EXPERIMENT_BYTES + 1), f"{MAX_EXPERIMENT_BYTES:,}"),
])
def test_bad_experiment_bytes_say_why(data, words):
    with pytest.raises(SpecError, match=words):
        experiment_from_bytes(data, "'upload.json'")


# ---- weights ----------------------------------------------------------------------------------
def test_weights_round_trip_into_a_fresh_trainer_keeps_everything_else():
    source = make_trainer(optimizer="adam")
    source.step(12)
    target = make_trainer(optimizer="adam")
    target.step(7)
    epoch, steps, position = target.epoch, target.steps, target.position
    history = target.history.column("train_loss").tolist()
    generator = target.generator.get_state()
    load_weights(target, weights_bytes(source))
    for key, value in source.model.state_dict().items():
        assert torch.equal(target.model.state_dict()[key], value), key
    assert (target.epoch, target.steps, target.position) == (epoch, steps, position)
    assert target.history.column("train_loss").tolist() == history     # curves untouched
    assert torch.equal(target.generator.get_state(), generator)
    assert target.metrics == source.evaluate()                         # scored afresh
    assert target.optimizer.state                                      # Adam's memory kept
    target.step(5)                                                      # and training goes on


def test_weights_for_another_network_are_refused_by_name_and_shape():
    data = weights_bytes(make_trainer("dense:8:tanh,dense:2:tanh"))
    with pytest.raises(SpecError, match=r"L1\.weight is 8×2 in the file but 4×2 here"):
        load_weights(make_trainer(), data, "'w.pt'")
    fewer = weights_bytes(make_trainer("dense:4:tanh"))
    with pytest.raises(SpecError, match="another network: it lacks 'L2.weight'"):
        load_weights(make_trainer(), fewer)


def test_a_refused_file_leaves_the_weights_alone():
    trainer = make_trainer()
    before = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    with pytest.raises(SpecError):
        load_weights(trainer, weights_bytes(make_trainer("dense:8:tanh,dense:2:tanh")))
    assert all(torch.equal(v, before[k]) for k, v in trainer.model.state_dict().items())


class Bomb:
    """Unpickling this would run a shell command: weights_only must refuse it."""

    def __reduce__(self):
        return os.system, ("echo pwned > /tmp/nnpg-export-pwned",)


def test_a_pickle_that_runs_code_is_refused_and_never_runs():
    data = saved({"L1.weight": Bomb()})
    with pytest.raises(SpecError, match="not a weights file.*torch refused it"):
        read_weights(data, "'bomb.pt'")
    assert not os.path.exists("/tmp/nnpg-export-pwned")


@pytest.mark.parametrize("data, words", [
    (pickle.dumps({"L1.weight": [1.0, 2.0]}), "not in torch.save's format"),   # bare pickle
    (b"", "not in torch.save's format"),
    (b"PK\x03\x04 truncated", "not in torch.save's format"),
    (saved([torch.zeros(2)]), "holds list, not named tensors"),
    (saved({}), "holds dict, not named tensors"),
    (saved({"L1.weight": 3}), "'L1.weight' is not a named tensor"),
    (saved(torch.zeros(3)), "holds Tensor"),
])
def test_files_that_are_not_a_state_dict_say_so(data, words):
    with pytest.raises(SpecError, match=words):
        read_weights(data)


def rezip(data: bytes, change) -> bytes:
    """torch.save's zip with one entry's bytes changed by `change(name, bytes)`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, change(info.filename, source.read(info.filename)))
    return out.getvalue()


def test_a_storage_larger_than_its_record_is_refused():
    """A 1 KB file whose pickle declares a 4 GB tensor must not allocate it."""
    data = rezip(saved({"w": torch.zeros(3)}), lambda name, b: b.replace(
        b"cpuq\x06K\x03t", b"cpuq\x06J\x00\xca\x9a\x3bt") if name.endswith("data.pkl") else b)
    assert len(data) < 2000
    with pytest.raises(SpecError, match="torch refused it"):
        read_weights(data)


def test_compressed_entries_are_refused_before_torch_reads_them():
    """torch.save never compresses; a deflated entry could inflate far beyond the file."""
    source = zipfile.ZipFile(io.BytesIO(saved({"w": torch.zeros(3)})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
    with pytest.raises(SpecError, match="compressed"):
        read_weights(out.getvalue())


def test_size_bounds():
    with pytest.raises(SpecError, match=f"at most {MAX_WEIGHTS_BYTES // 2**20} MB"):
        read_weights(b"\0" * (MAX_WEIGHTS_BYTES + 1))


def test_non_finite_weights_are_refused():
    trainer = make_trainer()
    state = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    state["L2.bias"][0] = float("nan")
    with pytest.raises(SpecError, match="not-a-number.*L2.bias"):
        load_weights(trainer, saved(state))


def test_batch_norm_counters_load_and_keep_their_type():
    source = make_trainer("dense:4:relu,batchnorm,dropout:0.2")
    source.step(6)
    target = make_trainer("dense:4:relu,batchnorm,dropout:0.2")
    load_weights(target, weights_bytes(source))
    counter = target.model.state_dict()["L1_bn.num_batches_tracked"]
    assert counter.dtype == torch.int64 and int(counter) == 6
