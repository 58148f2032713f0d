"""Headless CLI: one JSON line on success, one-line error and exit 2 on bad input."""
import json
import os
import subprocess
import sys
from pathlib import Path

from engine.spec import DataSpec, Experiment, TrainSpec

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_train_prints_one_json_line(tmp_path):
    path = tmp_path / "exp.json"
    path.write_text(Experiment(DataSpec("gauss", n_samples=100), train=TrainSpec(lr=0.1)).to_json())
    result = run_cli("train", "--experiment", str(path), "--epochs", "5")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    metrics = json.loads(lines[0])
    assert metrics["epochs"] == 5 and metrics["status"] == "finished"
    assert 0 <= metrics["test_accuracy"] <= 1 and metrics["seconds"] > 0
    assert {"train_loss", "test_loss", "train_accuracy"} <= set(metrics)
    assert metrics["threads"] == os.cpu_count()            # a workstation: every core by default


def experiment_file(tmp_path):
    path = tmp_path / "exp.json"
    path.write_text(Experiment(DataSpec("gauss", n_samples=100)).to_json())
    return path


def test_threads_option_sets_torch_threads(tmp_path):
    result = run_cli("train", "--experiment", str(experiment_file(tmp_path)), "--epochs", "2",
                     "--threads", "1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["threads"] == 1


def test_bad_threads_exit_2_with_one_line(tmp_path):
    path = experiment_file(tmp_path)
    most = os.cpu_count() * 4
    for bad in ("0", "-1", str(most + 1), "two", "1.5"):
        result = run_cli("train", "--experiment", str(path), "--threads", bad)
        assert result.returncode == 2, bad
        assert result.stderr.startswith("error: --threads") and result.stderr.count("\n") == 1, bad
        assert result.stdout == "" and str(most) in result.stderr, bad


def test_bad_files_exit_2_with_one_line(tmp_path):
    cases = {"missing.json": None, "broken.json": "{not json",
             "bad.json": json.dumps({"train": {"lr": 1e9}}),
             "net.json": json.dumps({"model": {"layers": ["flatten", "conv2d:4"]}})}
    for name, text in cases.items():
        path = tmp_path / name
        if text is not None:
            path.write_text(text)
        result = run_cli("train", "--experiment", str(path))
        assert result.returncode == 2, name
        assert result.stderr.strip().count("\n") == 0 and result.stderr.startswith("error:"), name
        assert "Traceback" not in result.stderr
    assert "Learning rate" in run_cli("train", "--experiment", str(tmp_path / "bad.json")).stderr
    assert "conv2d" in run_cli("train", "--experiment", str(tmp_path / "net.json")).stderr
