"""An exported script reproduces the playground's curve: it runs in a fresh interpreter (no
Streamlit, no engine import), 30 epochs, and its printed losses equal the Trainer's history,
bit for bit (the comparison allows 1e-5, the issue's bound, and reports the largest gap)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from datasets.subset import take_train
from engine.data import load_data
from engine.export.files import script_files
from engine.spec import DataSpec, Experiment, ModelSpec, TrainSpec, layers_from_text
from engine.spec.presets import DATA_DEFAULTS, IMAGE_PRESETS, IMAGE_TRAIN
from engine.train import Trainer

EPOCHS = 30
TOLERANCE = 1e-5


def stack(text: str) -> ModelSpec:
    return ModelSpec(layers_from_text(text))


# name -> (experiment, training examples kept: the image lab's slider, None = all)
EXPERIMENTS = {
    "circle default": (Experiment(train=TrainSpec(epochs=EPOCHS)), None),
    "spiral adam l2": (Experiment(DataSpec("spiral", noise=0.1),
                                  stack("dense:16:relu,dense:16:relu"),
                                  TrainSpec(optimizer="adam", lr=0.01, batch_size=32, l2=0.001,
                                            epochs=EPOCHS)), None),
    "regression l1 cosine bn dropout": (Experiment(
        DataSpec("reg_gauss", n_samples=300, features=("x1", "x2", "x1x2", "sin_x1")),
        stack("dense:8:tanh,batchnorm,dropout:0.2,dense:4:relu"),
        TrainSpec(optimizer="nesterov", l1=0.001, schedule="cosine", epochs=EPOCHS)), None),
    "digits resnet bn dropout": (Experiment(
        DATA_DEFAULTS["digits"],
        stack(IMAGE_PRESETS["tiny_resnet"].layers + ",dropout:0.25,dense:16:relu"),
        TrainSpec(**{**IMAGE_TRAIN.__dict__, "epochs": EPOCHS})), 120),
    "copy per step lstm attention": (Experiment(
        DataSpec("copy", n_samples=120, seq_len=3, delay=2),
        stack("embedding:8,lstm:8:1,transformer:2:16:1"),
        TrainSpec(optimizer="adam", lr=0.01, batch_size=16, epochs=EPOCHS)), None),
    "sines three ahead": (Experiment(
        DataSpec("sines", n_samples=120, noise=0.1, seq_len=12, horizon=3),
        stack("gru:8,self_attention:2:1,last_step"),
        TrainSpec(optimizer="adam", lr=0.01, batch_size=16, epochs=EPOCHS)), None),
}


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread here and in the script, as the app trains (and fast on a busy box)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def train_in_process(exp: Experiment, keep: int | None) -> Trainer:
    dataset = load_data(exp.data)
    trainer = Trainer(exp, dataset=take_train(dataset, keep) if keep else dataset, device="cpu")
    while not trainer.done:
        trainer.run_for(1.0)
    return trainer


def run_script(folder: Path, files: dict[str, bytes], *args: str) -> list[list[float]]:
    """Write the exported files, run the script (isolated: -I, no site dir, no repository on
    the path, Streamlit blocked) and return its table rows as numbers."""
    for name, data in files.items():
        (folder / name).write_bytes(data)
    script = next(name for name in files if name.endswith(".py"))
    guard = ("import sys, runpy; sys.modules['streamlit'] = None; sys.modules['engine'] = None; "
             f"sys.argv = [{script!r}, *sys.argv[1:]]; runpy.run_path({script!r}, "
             "run_name='__main__')")
    result = subprocess.run([sys.executable, "-I", "-c", guard, *args], cwd=folder,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split() for line in result.stdout.splitlines()]
    return [[float(v) for v in row] for row in rows if len(row) == 6 and row[0].isdigit()]


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_script_reproduces_the_trainers_curve(name, tmp_path):
    exp, keep = EXPERIMENTS[name]
    trainer = train_in_process(exp, keep)
    rows = run_script(tmp_path, script_files(exp, trainer.dataset), "--epochs", str(EPOCHS),
                      "--threads", "1")
    history = trainer.history.as_dict()
    assert [int(r[0]) for r in rows] == list(range(EPOCHS + 1)) == list(history["epoch"])
    for column, index in (("train_loss", 1), ("test_loss", 2)):
        theirs, ours = [r[index] for r in rows], list(history[column])
        gap = max(abs(a - b) for a, b in zip(theirs, ours))
        assert gap <= TOLERANCE, f"{name}: {column} differs by up to {gap:g}"
        assert theirs == ours, f"{name}: {column} within {gap:g} but not bit for bit"
    accuracy = [r[4] for r in rows]
    assert accuracy == list(history["test_acc"]) or trainer.objective.classification is False


def test_saved_weights_equal_the_trainers_and_load_back(tmp_path):
    """--save-weights writes the trained state_dict; the playground's weights download loads
    into the script (--load-weights) with the same names."""
    exp = Experiment(DataSpec("xor", n_samples=200), train=TrainSpec(epochs=5))
    trainer = train_in_process(exp, None)
    files = script_files(exp, trainer.dataset)
    run_script(tmp_path, files, "--epochs", "5", "--threads", "1", "--save-weights", "w.pt")
    saved = torch.load(tmp_path / "w.pt", weights_only=True)
    assert saved.keys() == trainer.model.state_dict().keys()
    for key, value in trainer.model.state_dict().items():
        assert torch.equal(saved[key], value), key
    rows = run_script(tmp_path, files, "--epochs", "0", "--load-weights", "w.pt")
    assert rows[0][1] == trainer.history.column("train_loss")[-1]
