"""`python -m engine export`: the script a lab page downloads, with its data beside it; bad
input gets one `error:` line and exit code 2, as `train` does."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.export.files import script_files
from engine.spec import DataSpec, Experiment, TrainSpec

ROOT = Path(__file__).resolve().parents[2]


def experiment_file(tmp_path: Path, exp: Experiment | None = None) -> Path:
    path = tmp_path / "exp.json"
    path.write_text((exp or Experiment(DataSpec("gauss", n_samples=80),
                                       train=TrainSpec(epochs=3))).to_json())
    return path


def test_export_writes_the_same_script_and_data_as_the_page(tmp_path):
    exp = Experiment(DataSpec("gauss", n_samples=80), train=TrainSpec(epochs=3))
    result = subprocess.run([sys.executable, "-m", "engine", "export", "--experiment",
                             str(experiment_file(tmp_path, exp)), "--script",
                             str(tmp_path / "train_gauss.py")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["data"] == str(tmp_path / "train_gauss.npz")
    assert report["training_examples"] == 40
    page = script_files(exp)                     # what the page's zip holds
    assert (tmp_path / "train_gauss.py").read_bytes() == page["train_gauss.py"]
    assert (tmp_path / "train_gauss.npz").read_bytes() == page["train_gauss.npz"]
    run = subprocess.run([sys.executable, "train_gauss.py", "--epochs", "2"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert sum(line.split()[0].isdigit() for line in run.stdout.splitlines()
               if len(line.split()) == 6) == 3      # epochs 0, 1, 2


def one_error(capsys, *argv) -> str:
    assert main(["export", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: ") and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize("content, words", [
    (None, "Cannot read"),
    ("{not json", "not valid JSON"),
    (json.dumps({"train": {"lr": 1e9}}), "Learning rate"),
    (json.dumps({"model": {"layers": ["flatten", "conv2d:4"]}}), "conv2d"),
    ("x" * 2_000_000, "1,000,000"),
])
def test_bad_experiment_files(tmp_path, capsys, content, words):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content)
    assert words in one_error(capsys, "--experiment", str(path), "--script",
                              str(tmp_path / "out.py"))
    assert not (tmp_path / "out.py").exists()


def test_unwritable_places(tmp_path, capsys):
    exp = str(experiment_file(tmp_path))
    assert "No such file" in one_error(capsys, "--experiment", exp, "--script",
                                       str(tmp_path / "missing" / "out.py"))
    assert "Is a directory" in one_error(capsys, "--experiment", exp, "--script", str(tmp_path))
    assert "overwrite" in one_error(capsys, "--experiment", exp, "--script", exp)
    assert "overwrite" in one_error(capsys, "--experiment", exp, "--script",
                                    str(tmp_path / "exp.npz"))
    assert json.loads((tmp_path / "exp.json").read_text())      # left as it was


def test_a_download_dataset_offline_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NNPG_DATA_DIR", str(tmp_path / "empty-cache"))
    from datasets import OfflineError

    def offline(*args, **kwargs):
        raise OfflineError("MNIST is not downloaded and this computer is offline.")
    monkeypatch.setattr("datasets.mnist.fetch", offline)
    exp = Experiment(DataSpec("mnist", n_samples=12000, train_ratio=0.8))
    err = one_error(capsys, "--experiment", str(experiment_file(tmp_path, exp)), "--script",
                    str(tmp_path / "out.py"))
    assert "offline" in err and not (tmp_path / "out.py").exists()
