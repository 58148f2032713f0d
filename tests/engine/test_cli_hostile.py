"""Hostile experiment files: every one gets a single `error: ...` line and exit code 2.

Never a traceback, and never memory in proportion to the file: the CLI reads at most
MAX_FILE_BYTES + 1 bytes, whatever the path names (/dev/zero, a pipe, a 5 MB file).
"""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from engine.cli import MAX_FILE_BYTES, main
from engine.spec import Experiment, SpecError
from engine.spec.limits import LIMITS

ROOT = Path(__file__).resolve().parents[2]
MAX_LAYERS = LIMITS["layers"][1]


def dense(**params):
    return {"model": {"layers": [{"kind": "dense", **params}]}}


# name -> (file contents, a word the one-line message must contain)
CASES = {
    "nested 100000 deep": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "objects nested 50000 deep": ('{"data":' + '{"a":' * 50_000 + "1" + "}" * 50_001,
                                  "nested too deeply"),
    "5000-digit int": ('{"train": {"epochs": ' + "9" * 5000 + "}}", "5000 digits"),
    "400-digit int": ('{"train": {"lr": ' + "1" * 400 + "}}", "400 digits"),
    "400-digit layer width": ('{"model": {"layers": [{"kind": "dense", "units": ' + "1" * 400
                              + "}]}}", "400 digits"),
    "huge float": ('{"train": {"lr": 1e999}}', "finite"),
    "NaN": ('{"train": {"lr": NaN}}', "NaN"),
    "Infinity": ('{"data": {"noise": Infinity}}', "Infinity"),
    "-Infinity layer": ('{"model": {"layers": [{"kind": "dropout", "rate": -Infinity}]}}',
                        "-Infinity"),
    "units true": (json.dumps(dense(units=True)), "units must be a number; got true"),
    "rate false": ('{"model": {"layers": [{"kind": "dropout", "rate": false}]}}', "rate"),
    "epochs true": ('{"train": {"epochs": true}}', "train.epochs"),
    "units list": (json.dumps(dense(units=[4])), "units must be a number; got a list"),
    "units object": (json.dumps(dense(units={"n": 4})), "got an object"),
    "units null": (json.dumps(dense(units=None)), "units"),
    "activation null": (json.dumps(dense(activation=None)), "activation"),
    "activation list": (json.dumps(dense(activation=["relu"])), "activation"),
    "kind list": ('{"model": {"layers": [{"kind": ["dense"]}]}}', "kind"),
    "kind deep list": ('{"model": {"layers": [{"kind": ' + "[" * 900 + "]" * 900 + "}]}}",
                       "kind"),
    "layer without kind": ('{"model": {"layers": [{"units": 4}]}}', "kind"),
    "layer is a number": ('{"model": {"layers": [5]}}', "Layer L1"),
    "layer param named where": (json.dumps(dense(where=1)), "no parameter 'where'"),
    "features 5": ('{"data": {"features": 5}}', "data.features"),
    "features null": ('{"data": {"features": null}}', "data.features"),
    "features text": ('{"data": {"features": "x1,x2"}}', "list of names"),
    "features of numbers": ('{"data": {"features": [1, 2]}}', "data.features"),
    "features nested": ('{"data": {"features": [["x1"]]}}', "data.features"),
    "optimizer list": ('{"train": {"optimizer": ["adam"]}}', "train.optimizer"),
    "dataset number": ('{"data": {"dataset": 3}}', "data.dataset"),
    "lr object": ('{"train": {"lr": {}}}', "train.lr"),
    "quoted lr": ('{"train": {"lr": "0.1"}}', "without quotes"),
    "quoted samples": ('{"data": {"n_samples": "200"}}', "without quotes"),
    "quoted units": ('{"model": {"layers": [{"kind": "dense", "units": "8"}]}}',
                     "without quotes"),
    "data list": ('{"data": []}', "Section 'data'"),
    "train null": ('{"train": null}', "Section 'train'"),
    "model null": ('{"model": null}', "model"),
    "layers object": ('{"model": {"layers": {"a": 1}}}', "list 'layers'"),
    "layers null": ('{"model": {"layers": null}}', "list 'layers'"),
    "unknown model key": ('{"model": {"layers": [], "optimizer": "adam"}}', "model.optimizer"),
    "33 layers": (json.dumps({"model": {"layers": ["dense:2"] * (MAX_LAYERS + 1)}}),
                  f"limit is {MAX_LAYERS}"),
    "400000 layers": ('{"model": {"layers": [' + ",".join(["0"] * 400_000) + "]}}",
                      "400000 layers"),
    "key with a newline": ('{"train": {"l\\nr": 1}}', "Unknown setting"),
    "unknown huge key": ('{"train": {"' + "k" * 100_000 + '": 1}}', "Unknown setting"),
    "many unknown sections": (json.dumps({f"s{i}": 1 for i in range(1000)}), "995 more"),
    "top-level list": ("[1, 2]", "JSON object"),
    "top-level string": ('"data"', "JSON object"),
    "empty file": ("", "not valid JSON"),
    "only spaces": ("   \n  ", "not valid JSON"),
    "truncated": ('{"data": {"n_samples": 100', "not valid JSON"),
    "long string value": ('{"data": {"dataset": "' + "x" * 500_000 + '"}}', "characters"),
}


def run_main(capsys, path) -> tuple[int, str, str]:
    code = main(["train", "--experiment", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(code, out, err, word=None):
    assert code == 2, err
    assert out == ""
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err and len(err) < 1000, err
    if word is not None:
        assert word in err, err


@pytest.mark.parametrize("name", CASES)
def test_hostile_file_gets_one_error_line(name, tmp_path, capsys):
    text, word = CASES[name]
    path = tmp_path / "exp.json"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size <= MAX_FILE_BYTES, "a case for the parser, not the size limit"
    assert_one_error_line(*run_main(capsys, path), word)


def test_dev_zero_is_read_only_up_to_the_limit(capsys):
    assert_one_error_line(*run_main(capsys, "/dev/zero"), f"{MAX_FILE_BYTES:,} bytes")


def test_big_file_is_refused_before_reading(tmp_path, capsys):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 5_000_000)
    assert_one_error_line(*run_main(capsys, path), "5,000,000 bytes")


def test_three_million_layers_are_refused(tmp_path, capsys):
    layers = [{"kind": "dense"}] * 3_300_000
    with pytest.raises(SpecError, match="3300000 layers"):      # one len(), no layer parsed
        Experiment.from_dict({"model": {"layers": layers}})
    path = tmp_path / "layers.json"
    path.write_text(json.dumps({"model": {"layers": ["dense"] * 3_300_000}}))
    assert_one_error_line(*run_main(capsys, path), "bytes")


def test_directory_and_odd_paths(tmp_path, capsys):
    assert_one_error_line(*run_main(capsys, tmp_path), "is a directory")
    assert_one_error_line(*run_main(capsys, tmp_path / "missing.json"), "Cannot read")
    assert_one_error_line(*run_main(capsys, "bad\0path"), "Cannot read")
    assert_one_error_line(*run_main(capsys, tmp_path / "new\nline"), "Cannot read")


def test_non_utf8_bytes(tmp_path, capsys):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"data": {"dataset": "café"}}'.encode("latin-1"))
    assert_one_error_line(*run_main(capsys, path), "not UTF-8")
    path.write_bytes(b"\x00\xff" * 1000)
    assert_one_error_line(*run_main(capsys, path), "not UTF-8")


def test_a_pipe_is_read_with_the_same_bound(tmp_path, capsys):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def write(data: bytes):
        try:
            with open(fifo, "wb") as fh:
                fh.write(data)
        except BrokenPipeError:                       # the CLI stopped reading: as it should
            pass

    for data, word in ((b'{"train": {"lr": true}}', "train.lr"),
                       (b"[" * 3_000_000, f"{MAX_FILE_BYTES:,} bytes")):
        writer = threading.Thread(target=write, args=(data,))
        writer.start()
        assert_one_error_line(*run_main(capsys, fifo), word)
        writer.join(timeout=10)


def test_10_to_the_5000_in_a_dict_is_a_spec_error():
    for exp in ({"train": {"epochs": 10**5000}}, {"train": {"lr": -10**5000}},
                {"data": {"noise": 10**400}}, {"model": {"layers": [{"kind": "dense",
                                                                     "units": 10**5000}]}}):
        with pytest.raises(SpecError, match="digits"):
            Experiment.from_dict(exp)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_subprocess_sees_one_line_and_no_traceback(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b"[" * 5_000_000)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    digits = tmp_path / "digits.json"
    digits.write_text('{"train": {"epochs": ' + "7" * 5000 + "}}")
    for path in ("/dev/zero", big, deep, digits, tmp_path):
        result = run_cli("train", "--experiment", str(path))
        assert_one_error_line(result.returncode, result.stdout, result.stderr)


def test_a_network_too_costly_to_train_is_refused_before_allocating(tmp_path, capsys):
    """Issue #10: wide convs on 28×28 tried to allocate 1.2 GB in one tensor."""
    path = tmp_path / "bomb.json"
    path.write_text(json.dumps({
        "data": {"dataset": "shapes", "n_samples": 200},
        "model": {"layers": ["conv2d:256:3:1:1:relu", "conv2d:256:3:1:1:relu",
                             "maxpool2d:4:4", "flatten"]},
        "train": {"batch_size": 64}}))
    code, out, err = run_main(capsys, path)
    assert_one_error_line(code, out, err, "multiply-adds")


@pytest.mark.parametrize("args", [["train", "--epochs", "ten", "--experiment", "x.json"],
                                  ["train", "--bogus"], ["train"], [],
                                  ["train", "--experiment", "x.json", "--epochs", "1.5"],
                                  ["train", "--experiment", "x.json", "--threads", "²"]])
def test_bad_options_get_one_error_line_too(args):
    run = subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True,
                         text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1, run.stderr
