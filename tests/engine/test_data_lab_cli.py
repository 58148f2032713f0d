"""Headless training on a CSV table: `"data": {"dataset": "csv", "path": ..., "target": ...}`
trains from the command line; a missing or hostile file is one error line and exit code 2."""
import json

from engine.cli import main

TABLE = "x,colour,label\n" + "".join(
    f"{i},{'red' if i % 3 else 'blue'},{'yes' if i > 20 else 'no'}\n" for i in range(40))


def experiment(tmp_path, **data) -> str:
    path = tmp_path / "exp.json"
    path.write_text(json.dumps({
        "data": {"dataset": "csv", **data},
        "model": {"layers": [{"kind": "dense", "units": 8, "activation": "relu"}]},
        "train": {"optimizer": "adam", "lr": 0.05, "batch_size": 8}}))
    return str(path)


def test_a_csv_experiment_trains_headless(tmp_path, capsys):
    (tmp_path / "t.csv").write_text(TABLE)
    code = main(["train", "--experiment", experiment(tmp_path, path="t.csv", target="label"),
                 "--epochs", "30", "--threads", "1"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["epochs"] == 30 and out["test_accuracy"] >= 0.8


def test_missing_or_hostile_files_are_one_error_line(tmp_path, capsys):
    (tmp_path / "bin.csv").write_bytes(b"\x89PNG\x00\x00")
    for data, words in (({}, "needs the file"), ({"path": "none.csv"}, "Cannot read"),
                        ({"path": "bin.csv"}, "binary"),
                        ({"path": "bin.csv", "target": 3}, "column name")):
        assert main(["train", "--experiment", experiment(tmp_path, **data)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error:") and words in err and err.count("\n") == 1
