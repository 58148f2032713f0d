"""An exported script of an augmented image run reproduces the lab's curve bit for bit: it
carries the playground's own augmentation code, its generator (seed + 2) and the dataset's
mirroring rule."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from datasets.subset import take_train
from engine.data import load_data
from engine.export import script
from engine.export.files import script_files
from engine.spec import Experiment, ModelSpec, TrainSpec, layers_from_text
from engine.spec.presets import DATA_DEFAULTS
from engine.train import Trainer

EPOCHS = 4


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def run_script(folder: Path, files: dict[str, bytes], *args: str) -> list[list[float]]:
    for name, data in files.items():
        (folder / name).write_bytes(data)
    name = next(n for n in files if n.endswith(".py"))
    guard = ("import sys, runpy; sys.modules['streamlit'] = None; sys.modules['engine'] = None; "
             f"sys.argv = [{name!r}, *sys.argv[1:]]; runpy.run_path({name!r}, "
             "run_name='__main__')")
    result = subprocess.run([sys.executable, "-I", "-c", guard, *args], cwd=folder,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split() for line in result.stdout.splitlines()]
    return [[float(v) for v in row] for row in rows if len(row) == 6 and row[0].isdigit()]


@pytest.mark.parametrize("dataset", ["shapes", "digits"])
def test_augmented_script_reproduces_the_trainers_curve(dataset, tmp_path):
    train = TrainSpec(optimizer="adam", lr=0.005, batch_size=16, epochs=EPOCHS, aug_shift=0.1,
                      aug_rotate=15.0, aug_scale=0.1, aug_flip=int(dataset == "shapes"),
                      aug_noise=0.1, aug_cutout=0.25)
    exp = Experiment(DATA_DEFAULTS[dataset],
                     ModelSpec(layers_from_text("conv2d:4:3:1:1:relu,maxpool2d:2:2,flatten")),
                     train)
    trainer = Trainer(exp, dataset=take_train(load_data(exp.data), 60), device="cpu")
    while not trainer.done:
        trainer.run_for(1.0)
    text = script.script_text(exp, trainer.dataset)
    assert "def augment_batch" in text and f"FLIPS = {dataset == 'shapes'}" in text
    rows = run_script(tmp_path, script_files(exp, trainer.dataset), "--threads", "1")
    history = trainer.history.as_dict()
    assert [int(r[0]) for r in rows] == list(range(EPOCHS + 1))
    assert [r[1] for r in rows] == list(history["train_loss"])
    assert [r[2] for r in rows] == list(history["test_loss"])
