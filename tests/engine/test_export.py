"""The downloads, one by one: experiment JSON, weights, metrics CSV, data, the script bundle."""
from __future__ import annotations

import ast
import builtins
import csv
import importlib.util
import io
import json
import symtable
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F

from engine.data import load_data
from engine.export import files, script, standalone
from engine.model import layers as L
from engine.model.build import build_model
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec, layers_from_text
from engine.spec.layers import LAYER_KINDS
from engine.train import Trainer
from engine.train.history import COLUMNS


@pytest.fixture(scope="module")
def trained() -> Trainer:
    exp = Experiment(DataSpec("moons", n_samples=120), ModelSpec(layers_from_text(
        "dense:6:relu,batchnorm,dropout:0.1,dense:3:tanh")), TrainSpec(epochs=4))
    trainer = Trainer(exp, device="cpu")
    while not trainer.done:
        trainer.run_for(1.0)
    return trainer


def test_experiment_json_is_what_the_cli_reads(trained):
    text = files.experiment_json(trained.experiment)
    assert Experiment.from_json(text) == trained.experiment
    assert set(json.loads(text)) == {"data", "model", "train"}


def test_weights_load_back_with_weights_only(trained):
    state = torch.load(io.BytesIO(files.weights_bytes(trained)), weights_only=True)
    model = trained.model.state_dict()
    assert list(state) == list(model)            # same names, same order
    for key in model:
        assert torch.equal(state[key], model[key]) and state[key].device.type == "cpu"


def test_metrics_csv_has_one_row_per_epoch_in_full_precision(trained):
    rows = list(csv.DictReader(io.StringIO(files.metrics_csv(trained.history))))
    assert tuple(rows[0]) == COLUMNS
    assert [row["epoch"] for row in rows] == ["0", "1", "2", "3", "4"]
    for column in ("train_loss", "test_acc", "lr"):
        assert [float(row[column]) for row in rows] == trained.history.column(column).tolist()


def test_regression_metrics_leave_accuracy_empty():
    trainer = Trainer(Experiment(DataSpec("reg_plane", n_samples=60)), device="cpu")
    frame = pd.read_csv(io.StringIO(files.metrics_csv(trainer.history)))
    assert frame["test_acc"].isna().all() and len(frame) == 1


def test_data_npz_holds_the_exact_arrays(trained):
    with np.load(io.BytesIO(files.data_npz(trained.dataset)), allow_pickle=False) as npz:
        for name in ("x_train", "y_train", "x_test", "y_test"):
            ours = getattr(trained.dataset, name)
            assert npz[name].dtype == ours.dtype and np.array_equal(npz[name], ours)


def test_script_bundle_is_a_zip_of_script_data_and_experiment(trained):
    bundle = zipfile.ZipFile(io.BytesIO(files.script_bundle(trained.experiment,
                                                             trained.dataset)))
    assert sorted(bundle.namelist()) == ["experiment.json", "train_moons.npz", "train_moons.py"]
    text = bundle.read("train_moons.py").decode()
    assert "Path(__file__).with_name('train_moons.npz')" in text
    assert Experiment.from_json(bundle.read("experiment.json").decode()) == trained.experiment
    assert files.script_bundle(trained.experiment, trained.dataset) == \
        files.script_bundle(trained.experiment, trained.dataset)      # same bytes every time


# ---- the script's text --------------------------------------------------------------------
def test_activation_table_names_the_playgrounds_functions():
    namespace = {"F": F, "torch": torch, "identity": L.identity}
    for name, code in script.ACTIVATION_CODE.items():
        head, *rest = code.split(".")
        target = namespace[head]
        for part in rest:
            target = getattr(target, part)
        assert target is L.ACTIVATIONS[name], name
    assert tuple(script.ACTIVATION_CODE) == tuple(L.ACTIVATIONS)


# one experiment per input kind that, together, uses every layer kind
EVERY_KIND = {
    "digits": "conv2d:4:3:1:1:relu,residual:4:elu,batchnorm,layernorm,maxpool2d:2:2,"
              "avgpool2d:2:1,dropout:0.1,activation:gelu,flatten,dense:8:sigmoid",
    "sine": "lstm:6,gru:6,rnn:6,self_attention:2,layernorm,batchnorm,residual:4:tanh,"
            "dense:4:mish",
    "iris": "dense:8:leaky_relu,batchnorm,residual:4:softplus,dense:4:sine",
    "count": "embedding:8,positional,transformer:2:8:1,lstm:4:1,last_step,dense:4",
}


def test_every_layer_kind_has_a_constructor():
    used = set()
    for dataset, text in EVERY_KIND.items():
        used |= {layer.kind for layer in layers_from_text(text)}
    assert used == set(LAYER_KINDS)


def module_names(tree: ast.Module) -> set[str]:
    names = set(dir(builtins)) | {"__file__", "__name__"}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def unresolved(table: symtable.SymbolTable, known: set[str]) -> list[str]:
    """Names a scope reads that nothing defines (what would be a NameError at run time)."""
    missing = [f"{table.get_name()}: {s.get_name()}" for s in table.get_symbols()
               if s.is_referenced() and (s.is_global() or table.get_type() == "module")
               and not s.is_assigned() and not s.is_imported() and s.get_name() not in known]
    for child in table.get_children():
        missing += unresolved(child, known)
    return missing


@pytest.mark.parametrize("dataset", list(EVERY_KIND))
def test_script_is_standalone_python(dataset):
    """Only the standard library, torch and numpy are imported, and every name it uses is
    defined in it (checked statically: the code paths of every layer kind)."""
    exp = Experiment(DataSpec(dataset), ModelSpec(layers_from_text(EVERY_KIND[dataset])))
    text = script.script_text(exp)
    tree = ast.parse(text)
    roots = {(a.name if isinstance(n, ast.Import) else n.module).split(".")[0]
             for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
             for a in n.names}
    assert roots <= {"__future__", "argparse", "math", "sys", "collections", "dataclasses",
                     "pathlib", "types", "typing", "numpy", "torch"}, roots
    assert unresolved(symtable.symtable(text, "train.py", "exec"), module_names(tree)) == []
    assert all(len(line) <= 110 for line in text.splitlines())   # copied lines keep theirs


@pytest.mark.parametrize("dataset", list(EVERY_KIND))
def test_script_builds_the_same_network(dataset, tmp_path):
    """The script's build_model (the script imported as a module) gives the playground's
    modules: same names, same shapes, same printout."""
    exp = Experiment(DataSpec(dataset), ModelSpec(layers_from_text(EVERY_KIND[dataset])))
    ds = load_data(exp.data)
    path = tmp_path / f"exported_{dataset}.py"
    path.write_text(script.script_text(exp, ds))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module            # dataclasses look their module up by name
    try:
        spec.loader.exec_module(module)
        theirs = module.build_model()
    finally:
        del sys.modules[path.stem]
    trainer = Trainer(exp, dataset=ds, device="cpu")
    ours = trainer.model
    assert str(theirs) == str(ours)
    assert {k: v.shape for k, v in theirs.state_dict().items()} == \
        {k: v.shape for k, v in ours.state_dict().items()}


def test_unknown_module_is_refused_not_guessed():
    model = torch.nn.Sequential(torch.nn.Identity())
    with pytest.raises(TypeError, match="Identity"):
        script.model_code(model)


def test_standalone_loop_matches_the_trainer_in_process():
    """The loop the scripts carry, run here on the engine's own classes: same rows."""
    exp = Experiment(DataSpec("gauss", n_samples=80), train=TrainSpec(optimizer="rmsprop",
                                                                       epochs=3, batch_size=7))
    trainer = Trainer(exp, device="cpu")
    while not trainer.done:
        trainer.run_for(1.0)
    ds = trainer.dataset
    model = build_model(exp.model, ds.input_shape, trainer.objective.n_outputs,
                        trainer.objective.head_activation)
    arrays = {n: getattr(ds, n) for n in ("x_train", "y_train", "x_test", "y_test")}
    rows = standalone.train(model, trainer.objective, arrays, exp.train, 3)
    assert [r[1] for r in rows] == trainer.history.column("train_loss").tolist()
    assert [r[2] for r in rows] == trainer.history.column("test_loss").tolist()


def test_writing_a_script_leaves_torchs_global_random_state_alone():
    state = torch.random.get_rng_state()
    script.script_text(Experiment(DataSpec("digits"), ModelSpec(layers_from_text(
        EVERY_KIND["digits"]))))
    assert torch.equal(state, torch.random.get_rng_state())
